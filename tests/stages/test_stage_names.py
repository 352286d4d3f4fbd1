"""The stages' names as their rows say: read once into the cache, forgotten there when a stage is
saved."""

import pytest
from django.core.cache import cache

from stages.models import Stage, stage_names

pytestmark = pytest.mark.django_db


def test_the_names_are_the_stages_rows_in_order():
    assert list(stage_names().items()) == [
        (1, "Mobilising"),
        (2, "Designing"),
        (3, "Developing"),
        (4, "Integrating"),
        (5, "Growing"),
        (6, "System Change"),
    ]


def test_a_cold_cache_costs_one_query_and_a_warm_one_none(django_assert_num_queries):
    cache.clear()
    with django_assert_num_queries(1):
        stage_names()
    with django_assert_num_queries(0):
        assert stage_names()[6] == "System Change"


def test_a_saved_stage_is_named_anew_at_once():
    assert stage_names()[2] == "Designing"
    stage = Stage.objects.get(number=2)
    stage.name = "Co-designing"
    stage.save()
    assert stage_names()[2] == "Co-designing"
