"""At a stage whose key question the framework does not state (Mobilising, Designing,
Developing), the check page says so and asks the stage's reflection prompts instead; nothing
asks for a yes, partly or no to a question that does not exist."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from assessments.models import Check
from assessments.services import evidence as services
from tests.factories import make_part
from tests.innovate.evidence_helpers import error_at, evidence_counts
from tests.innovate.helpers import HTMX

BOUNDS = "What are the bounds of the pilot and what are we trying to learn?"
CHANGED = "What have we changed because of testing?"


@pytest.fixture
def developing(innovation, leader):
    return make_part(innovation, by=leader, name="North team", stage=3)


def check_url(part):
    return reverse("evidence:check", args=[part.pk])


@pytest.mark.parametrize("stage", [1, 2, 3])
def test_the_check_page_asks_the_prompts_not_a_yes_or_no(client_for, leader, innovation, stage):
    part = make_part(innovation, by=leader, name="West team", stage=stage)
    html = client_for(leader).get(check_url(part)).content.decode()
    assert "Reflection prompts for West team</h1>" in html
    assert "states no key question for" in html
    assert "our own wording" in html
    assert 'name="answer"' not in html
    assert "Yes</label>" not in html
    assert 'name="prompt_1"' in html
    assert "Record the reflection" in html


def test_a_leader_reflects_on_the_prompts_and_it_is_kept_against_them(
    client_for, leader, developing
):
    client = client_for(leader)
    response = client.post(
        check_url(developing),
        {"prompt_1": "Two pods, six months.", "prompt_2": "", "prompt_3": "Shorter forms.",
         "answered_on": "2026-11-02"},
    )  # fmt: skip
    assert response.status_code == 303
    check = Check.objects.get(part=developing)
    assert (check.answer, check.stage.number, check.answered_by) == ("unknown", 3, leader)
    assert check.answered_on == datetime.date(2026, 11, 2)
    assert check.evidence == (
        f"{BOUNDS}\nTwo pods, six months.\n\n"
        "What wider changes would a full roll-out need?\nShorter forms."
    )
    html = client.get(check_url(developing)).content.decode()
    assert "Reflection recorded for North team at Developing." in html
    assert "Reflection</strong> at Developing (now)" in html
    assert "Two pods, six months." in html
    assert CHANGED in html  # still asked: the prompt left empty is not recorded


def test_a_reflection_with_every_prompt_empty_is_refused_naming_the_field(
    client_for, leader, developing
):
    before = evidence_counts()
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    response = client_for(leader).post(
        check_url(developing), {"prompt_2": "  ", "answered_on": tomorrow.isoformat()}
    )
    error_at(response, "prompt_1", "Write about at least one of the prompts.")
    assert evidence_counts() == before
    response = client_for(leader).post(
        check_url(developing),
        {"prompt_2": "Kept as typed", "answered_on": tomorrow.isoformat()},
    )
    html = error_at(response, "answered_on", "The date of the reflection cannot be in the future.")
    assert "Kept as typed" in html
    assert evidence_counts() == before


def test_a_reflection_with_htmx_answers_the_fragment(client_for, leader, developing):
    response = client_for(leader).post(
        check_url(developing), {"prompt_1": "Small.", "answered_on": "2026-11-02"}, **HTMX
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in html
    assert "Reflection recorded for North team at Developing." in html


def test_a_yes_posted_at_such_a_stage_records_nothing(client_for, leader, developing):
    before = evidence_counts()
    response = client_for(leader).post(
        check_url(developing), {"answer": "yes", "evidence": "Seen.", "answered_on": "2026-11-02"}
    )
    error_at(response, "prompt_1", "Write about at least one of the prompts.")
    assert evidence_counts() == before


def test_the_write_path_refuses_a_reflection_where_the_framework_states_the_key_question(
    leader, innovation
):
    integrating = make_part(innovation, by=leader, name="South team", stage=4)
    with pytest.raises(ValidationError) as refused:
        services.reflect_on_prompts(integrating, by=leader, notes=[("Funded?", "Yes.")])
    assert refused.value.message_dict["notes"] == [
        "The framework states Integrating's key question: answer it rather than the prompts."
    ]
    assert not Check.objects.exists()


def test_the_move_form_never_speaks_of_a_key_question_at_such_a_stage(
    client_for, leader, developing
):
    services.reflect_on_prompts(developing, by=leader, notes=[(BOUNDS, "Two pods.")])
    html = client_for(leader).get(reverse("parts:move", args=[developing.pk])).content.decode()
    assert "key question answered" not in html
    assert "Key question:" not in html
    assert "prompts reflected on" in html
