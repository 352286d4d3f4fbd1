"""Measures, readings, checks and involvement through the write path, with minimal defaults."""

import datetime

from assessments.services import evidence as services


def make_measure(innovation, *, by, stage=3, name="Families attending a first meeting", **fields):
    return services.define_measure(innovation, by=by, stage=stage, name=name, **fields)


def make_reading(measure, *, by, on=datetime.date(2025, 3, 1), value=None, rating="", **fields):
    if value is None and not rating:
        value = 1
    return services.record_reading(
        measure, by=by, observed_on=on, value=value, rating=rating, **fields
    )


def make_check(part, *, by, answer="partly", evidence="Seen at the review.", **fields):
    return services.answer_check(part, by=by, answer=answer, evidence=evidence, **fields)


def make_involvement(
    part, *, by, level="consulted", who="families", note="Met at a family forum.", **fields
):
    return services.record_involvement(part, by=by, level=level, who=who, note=note, **fields)
