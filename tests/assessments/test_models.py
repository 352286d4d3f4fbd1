"""The database holds the invariants even when the write path is bypassed; the admin keeps
the evidence."""

from datetime import date
from decimal import Decimal

import pytest
from django.contrib import admin
from django.db import DatabaseError, IntegrityError, transaction
from django.forms import model_to_dict
from django.test import RequestFactory

from assessments.models import Check, EthicsNote, Involvement, Measure, Reading
from assessments.services import evidence as services
from stages.models import Stage
from tests.assessments.factories import (
    make_check,
    make_involvement,
    make_measure,
    make_reading,
)


def refused_by_database(make):
    with pytest.raises(IntegrityError), transaction.atomic():
        make()


def reading(measure, leader, **fields):
    return Reading.objects.create(
        organisation=measure.organisation,
        measure=measure,
        observed_on=date(2025, 1, 1),
        recorded_by=leader,
        **fields,
    )


def test_a_reading_holds_a_value_or_a_rating_never_both_or_neither(innovation, leader):
    measure = make_measure(innovation, by=leader)
    refused_by_database(lambda: reading(measure, leader, value=Decimal(1), rating="on_track"))
    refused_by_database(lambda: reading(measure, leader))
    refused_by_database(lambda: reading(measure, leader, rating="brilliant"))
    assert reading(measure, leader, value=Decimal(1)).pk
    assert reading(measure, leader, rating="off_track").pk


def test_a_rated_measure_has_no_baseline_or_target_in_the_database(innovation, leader):
    measure = make_measure(innovation, by=leader, scale="rated")
    measure.target_value = Decimal(3)
    refused_by_database(measure.save)


def test_a_target_date_before_the_baseline_date_is_refused_by_the_database(innovation, leader):
    measure = make_measure(innovation, by=leader, baseline_value=1, target_value=2)
    measure.baseline_on, measure.target_on = date(2025, 2, 1), date(2025, 1, 1)
    refused_by_database(measure.save)


def test_two_measures_in_use_may_not_share_a_name_stage_and_part(innovation, leader, north):
    for part in (None, north):
        first = make_measure(innovation, by=leader, name=f"Count {part}", part=part)
        copy = Measure(
            organisation=first.organisation,
            innovation=innovation,
            stage=first.stage,
            part=part,
            name=first.name,
            kind=first.kind,
        )
        refused_by_database(copy.save)
        copy.is_active = False
        copy.save()


def test_one_ethics_note_per_innovation_and_stage(innovation, leader):
    stage = Stage.objects.get(number=1)
    fields = {
        "organisation": innovation.organisation,
        "innovation": innovation,
        "stage": stage,
        "updated_by": leader,
    }
    EthicsNote.objects.create(note="First", **fields)
    refused_by_database(lambda: EthicsNote.objects.create(note="Second", **fields))


def test_unknown_answers_levels_and_who_are_refused_by_the_database(leader, north):
    check = make_check(north, by=leader)
    check.pk, check.answer = None, "maybe"
    refused_by_database(check.save)
    involvement = make_involvement(north, by=leader)
    involvement.pk, involvement.level = None, "watching"
    refused_by_database(involvement.save)
    involvement.level, involvement.who = "consulted", "staff"
    refused_by_database(involvement.save)


@pytest.mark.parametrize("model", [Measure, Reading, Check, Involvement, EthicsNote])
def test_the_admin_keeps_the_evidence(model, admin_user):
    request = RequestFactory().get("/")
    request.user = admin_user
    model_admin = admin.site._registry[model]
    assert model_admin.has_change_permission(request)
    assert not model_admin.has_delete_permission(request)
    assert hasattr(model_admin, "history_view")


def admin_form(model, obj, user, **changes):
    """The admin's change form for `obj`, bound to its fields with `changes`."""
    obj.refresh_from_db()
    request = RequestFactory().post("/")
    request.user = user
    form_class = admin.site._registry[model].get_form(request, obj, change=True)
    return form_class({**model_to_dict(obj), **changes}, instance=obj)


def test_the_admin_is_held_to_a_measures_rules(innovation, leader, admin_user):
    make_measure(innovation, by=leader, name="Referrals")
    measure = make_measure(innovation, by=leader, name="Cost per family")
    form = admin_form(Measure, measure, admin_user, name=" Referrals ")
    assert form.errors == {
        "name": ["There is already a measure called “Referrals” for Developing, whole innovation."]
    }
    form = admin_form(Measure, measure, admin_user, target_value="5", target_on="1989-12-31")
    assert form.errors == {"target_on": ["The target date must be on or after 1 January 1990."]}
    form = admin_form(Measure, measure, admin_user, unit="families ")
    assert form.errors == {}
    form.save()
    measure.refresh_from_db()
    assert (measure.name, measure.unit) == ("Cost per family", "families")


def test_every_model_reads_as_words(innovation, leader, north):
    measure = make_measure(innovation, by=leader, name="Referrals", part=north)
    got = make_reading(measure, by=leader, on=date(2025, 3, 1), value="12.50")
    assert str(measure) == "Referrals"
    assert measure.where() == "Developing, North team"
    assert str(got) == f"Reading of measure {measure.pk} on 2025-03-01: 12.5"
    assert str(make_involvement(north, by=leader, who="young_people_and_families")) == (
        "Young people and families consulted"
    )
    assert str(make_check(north, by=leader)).endswith(": Partly")


@pytest.mark.parametrize("model", [Measure, Reading, Check, Involvement, EthicsNote])
def test_the_history_of_evidence_cannot_be_rewritten_on_postgresql(
    postgres, innovation, leader, north, model
):
    measure = make_measure(innovation, by=leader, part=north)
    make_reading(measure, by=leader)
    make_check(north, by=leader)
    make_involvement(north, by=leader)
    services.set_ethics_note(innovation, 3, by=leader, note="Risks.")
    history = model.history.model.objects.all()
    assert history.exists()
    with pytest.raises(DatabaseError), transaction.atomic():
        history.update(history_change_reason="Rewritten")
    with pytest.raises(DatabaseError), transaction.atomic():
        history.delete()
