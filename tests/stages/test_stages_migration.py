"""The six stages loaded by migration 0002 from the framework text."""

import pytest

from stages.framework import SEED
from stages.models import Stage

pytestmark = pytest.mark.django_db

NAMES = ["Mobilising", "Designing", "Developing", "Integrating", "Growing", "System Change"]
SLUGS = ["mobilising", "designing", "developing", "integrating", "growing", "system-change"]

# The seed lost the headings of the first three stages, so they have none.
HEADINGS = {
    "Mobilising": ("", "", ""),
    "Designing": ("", "", ""),
    "Developing": ("", "", ""),
    "Integrating": (
        "Delivering, Embedding, Sustaining",
        "Viability",
        "Is it (financially, practically) sustainable?",
    ),
    "Growing": (
        "Spreading, Scaling, Diffusing",
        "Scalability",
        "Is it desirable, feasible and viable at scale or in other contexts?",
    ),
    "System Change": (
        "Transforming, Restructuring, Re-prompting",
        "Progressiveness",
        "Does it effect significant and permanent change?",
    ),
}

MEASURE_KINDS = {
    "Mobilising": "engagement",
    "Designing": "short_term_process",
    "Developing": "short_term_progress",
    "Integrating": "medium_term_local_impact",
    "Growing": "long_term_change",
    "System Change": "permanent_macro_system",
}

# How each stage's text begins in the framework, so that no stage has its neighbour's text.
OPENINGS = {
    "Mobilising": ("The initial diagnoses, evidence or triggers", "Engagement measures"),
    "Designing": (
        "Identifying, understanding and defining the issues",
        "Short-term process measures",
    ),
    "Developing": ("Piloting and testing new methods", "Short-term progress measures"),
    "Integrating": (
        "Understanding and building the capacity",
        "Medium-term local impact apparent.",
    ),
    "Growing": ("Scaling-up within local", "Long-term change embedded"),
    "System Change": ("Permanent shifts across every part", "Permanent transformation of macro"),
}


def normalised(text):
    return " ".join(text.split())


@pytest.fixture
def stages():
    return {stage.name: stage for stage in Stage.objects.all()}


def test_there_are_six_stages_in_order():
    assert list(Stage.objects.values_list("number", "name", "slug")) == list(
        zip(range(1, 7), NAMES, SLUGS, strict=True)
    )


@pytest.mark.parametrize("name", NAMES)
def test_each_stage_has_the_frameworks_heading_or_none(stages, name):
    stage = stages[name]
    assert (stage.activities, stage.criterion, stage.key_question) == HEADINGS[name]


@pytest.mark.parametrize("name", NAMES)
def test_each_stage_has_its_kind_of_measure(stages, name):
    assert stages[name].measure_kind == MEASURE_KINDS[name]


@pytest.mark.parametrize("name", NAMES)
def test_each_stages_text_is_the_frameworks_own(stages, name):
    seed = normalised(SEED.read_text(encoding="utf-8"))
    stage = stages[name]
    focus, success = OPENINGS[name]

    assert stage.focus_and_purpose.startswith(focus)
    assert stage.success_measured_by.startswith(success)
    assert normalised(stage.focus_and_purpose) in seed
    assert normalised(stage.success_measured_by) in seed
    for paragraph in stage.focus_paragraphs:
        assert normalised(paragraph) in seed


@pytest.mark.parametrize("name", NAMES)
def test_no_stages_text_carries_the_next_stages_heading(stages, name):
    text = stages[name].focus_and_purpose + stages[name].success_measured_by
    for heading in ["INTEGRATING", "GROWING", "SYSTEM CHANGE", "FOCUS AND PURPOSE", "SUCCESS"]:
        assert heading not in text
    for criterion in ["Viability", "Scalability", "Progressiveness"]:
        assert criterion not in text


def test_stage_text_keeps_its_paragraphs(stages):
    assert [len(stages[name].focus_paragraphs) for name in NAMES] == [2, 3, 2, 3, 3, 2]


@pytest.mark.parametrize("name", NAMES)
def test_each_stage_has_reflection_prompts(stages, name):
    prompts = stages[name].prompts
    assert len(prompts) >= 2
    assert all(prompt.endswith("?") for prompt in prompts)


def test_the_first_prompt_of_mobilising_asks_what_triggered_it(stages):
    assert stages["Mobilising"].prompts[0] == (
        "What triggered this, and what evidence shows the need?"
    )


@pytest.mark.parametrize("name", NAMES)
def test_each_stage_has_a_history_row(stages, name):
    stage = stages[name]
    rows = list(stage.history.order_by("history_id"))
    assert rows
    assert (rows[0].history_type, rows[0].history_change_reason, rows[0].name) == (
        "+",
        "Loaded from the framework text",
        name,
    )
