"""Helpers the reflection session view tests share: a planned session on two parts and the
rows a rejected request must leave alone."""

import datetime

from assessments.models import (
    Action,
    Attendee,
    Check,
    Decision,
    Note,
    ReflectionSession,
    SessionPart,
)
from assessments.services import sessions
from stages.models import Move
from tests.factories import make_part

HELD_ON = datetime.date(2024, 3, 1)


def two_parts(innovation, by):
    """North team and South team, both started in Developing on 1 January 2024."""
    return (
        make_part(innovation, by=by, name="North team", stage=3),
        make_part(innovation, by=by, name="South team", stage=3),
    )


def planned(innovation, by, parts, *, held_on=HELD_ON, title="Spring review"):
    return sessions.plan_session(
        innovation, by=by, held_on=held_on, title=title, facilitator=by, parts=parts
    )


def session_rows():
    """The rows a rejected request must not add to or change."""
    return {
        model.__name__: (model.objects.count(), model.history.count())
        for model in (ReflectionSession, SessionPart, Attendee, Note, Decision, Action, Check)
    } | {"Move": Move.objects.count()}
