"""The demo evidence: every innovation of both demo organisations shows measures with readings,
answers to the key questions, involvement and ethics notes as soon as the demo is loaded."""

from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from assessments.models import Check, EthicsNote, Involvement, Measure, Reading, value_kind_problem
from assessments.queries import evidence as queries
from stages.models import Innovation, Membership

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo():
    call_command("seed_demo", stdout=StringIO())


def evidence():
    return {
        model.__name__: (model.objects.count(), model.history.count())
        for model in (Measure, Reading, Check, Involvement, EthicsNote)
    }


def test_every_innovation_has_measures_readings_checks_involvement_and_ethics(demo):
    today = timezone.localdate()
    # The network's Family Safeguarding innovations show stages to the network, no evidence.
    innovations = list(
        Innovation.objects.exclude(title="Family Safeguarding").select_related("organisation")
    )
    assert {i.organisation.slug for i in innovations} == {"northshire", "southdale"}
    statuses = set()
    for innovation in innovations:
        measures = queries.measures_with_status(innovation, today)
        assert 2 <= len(measures) <= 4, innovation.title
        assert any(m.is_rated for m in measures), innovation.title
        for measure in measures:
            assert measure.organisation_id == innovation.organisation_id
            assert measure.collection
            statuses.add(measure.status.code)
            if measure.is_rated:
                assert all(r.rating and r.value is None for r in measure.readings_in_order)
                continue
            assert measure.baseline_value is not None and measure.baseline_on
            assert measure.target_value is not None and measure.target_on
            assert measure.series, measure.name
            for readings in measure.series.values():
                assert 4 <= len(readings) <= 10, measure.name
                dates = [r.observed_on for r in readings]
                assert len(set(dates)) == len(dates) and max(dates) <= today
        parts = list(innovation.parts.all())
        assert Check.objects.filter(part__in=parts).exists(), innovation.title
        assert Involvement.objects.filter(part__in=parts).count() >= len(parts)
        assert EthicsNote.objects.filter(innovation=innovation).exists(), innovation.title
    assert {"on_track", "off_track", "no_recent_data"} <= statuses

    # Written by members of the same organisation.
    for reading in Reading.objects.select_related("measure", "part"):
        assert reading.organisation_id == reading.measure.organisation_id
        assert Membership.objects.filter(
            user_id=reading.recorded_by_id, organisation_id=reading.organisation_id
        ).exists()
        if reading.part_id:
            assert reading.part.innovation_id == reading.measure.innovation_id
    for check in Check.objects.select_related("part"):
        assert Membership.objects.filter(
            user_id=check.answered_by_id, organisation_id=check.part.organisation_id
        ).exists()

    # Some answers and ethics notes have an earlier wording.
    assert EthicsNote.history.filter(history_type="~").exists()
    part_ids = Check.objects.values_list("part_id", flat=True)
    assert len(part_ids) > len(set(part_ids))

    # The innovation page and the measures show them at once.
    client = Client()
    client.force_login(get_user_model().objects.get(username="viewer"))
    innovation = Innovation.objects.get(title="Family group conferencing")
    html = client.get(innovation.get_absolute_url()).content.decode()
    assert "Families offered a conference before pre-proceedings" in html
    assert "Parents feel listened to" in html
    page = client.get(reverse("evidence:measures", args=[innovation.pk])).content.decode()
    assert page.count('role="img"') == Measure.objects.filter(innovation=innovation).count()


def test_loading_twice_adds_no_evidence(demo):
    before = evidence()
    call_command("seed_demo", stdout=StringIO())
    assert evidence() == before


def test_every_demo_measure_has_a_kind_of_value_that_its_numbers_fit(demo):
    numeric = list(Measure.objects.filter(scale="numeric").prefetch_related("readings"))
    assert {m.value_kind for m in numeric} == {"count", "percentage"}
    for measure in numeric:
        assert measure.value_kind == ("percentage" if measure.unit == "per cent" else "count")
        values = [measure.baseline_value, measure.target_value]
        values += [reading.value for reading in measure.readings.all()]
        for value in values:
            assert value_kind_problem(value, measure.value_kind) is None, (measure.name, value)
