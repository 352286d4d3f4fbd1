"""The pages of each part's answers to its key question and of how children, young people and
families took part, and the innovation's ethics notes per stage."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from assessments.models import Check, EthicsNote, Involvement
from stages import services as stage_services
from tests.assessments.factories import make_check, make_involvement
from tests.factories import make_part
from tests.innovate.evidence_helpers import error_at, evidence_counts
from tests.innovate.helpers import HTMX, csrf_post, login_url

D = datetime.date
TOMORROW = timezone.localdate() + datetime.timedelta(days=1)


@pytest.fixture
def developing(innovation, leader):
    return make_part(innovation, by=leader, name="North team", stage=3)


@pytest.fixture
def integrating(innovation, leader):
    return make_part(innovation, by=leader, name="South team", stage=4)


def check_url(part):
    return reverse("evidence:check", args=[part.pk])


def involvement_url(part):
    return reverse("evidence:involvement", args=[part.pk])


def ethics_url(innovation, number):
    return reverse("evidence:ethics", args=[innovation.pk, number])


# The key question


def test_a_stage_without_a_key_question_says_so_and_offers_its_prompts(
    client_for, viewer, developing
):
    response = client_for(viewer).get(check_url(developing))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Reflection prompts for North team</h1>" in html
    assert re.search(
        r"Key question \(the framework\)</dt><dd[^>]*>Not stated in the framework", html
    )
    assert re.search(r"Criterion</dt><dd[^>]*>Not stated in the framework text", html)
    assert "The framework states no key question for Developing, so there is no yes or no" in html
    assert "Reflection prompts (our own wording)</dt>" in html
    assert "What are the bounds of the pilot and what are we trying to learn?" in html
    assert "Not answered yet." in html
    assert "Record the reflection" not in html
    assert "Record the answer" not in html


def test_a_stage_with_a_key_question_shows_it_and_its_criterion(client_for, leader, integrating):
    html = client_for(leader).get(check_url(integrating)).content.decode()
    assert "Is it (financially, practically) sustainable?" in html
    assert re.search(r"Criterion</dt><dd[^>]*>Viability", html)
    assert "Key question for South team</h1>" in html
    assert "Reflection prompts" not in html
    assert "Record the answer" in html


def test_a_leader_answers_and_earlier_answers_are_kept(client_for, leader, integrating):
    make_check(
        integrating, by=leader, answer="no", evidence="No budget yet.", answered_on=D(2026, 6, 1)
    )
    client = client_for(leader)
    response = client.post(
        check_url(integrating),
        {"answer": "partly", "evidence": "Funded to March only.", "answered_on": "2026-11-02"},
    )
    assert response.status_code == 303
    assert response["Location"] == check_url(integrating)
    latest = Check.objects.filter(part=integrating).latest("answered_on")
    assert (latest.answer, latest.answered_by, latest.stage.number) == ("partly", leader, 4)
    assert Check.objects.filter(part=integrating).count() == 2
    html = client.get(check_url(integrating)).content.decode()
    assert "Answer recorded for South team at Integrating: partly." in html
    assert html.index("Funded to March only.") < html.index("No budget yet.")


def test_an_answer_other_than_unknown_needs_its_evidence(client_for, leader, integrating):
    client = client_for(leader, enforce_csrf_checks=True)
    before = evidence_counts()
    response = csrf_post(
        client,
        check_url(integrating),
        {"answer": "yes", "evidence": "", "answered_on": "2026-11-02"},
    )
    html = error_at(response, "evidence", "Say what the answer rests on.")
    assert re.search(r'<input[^>]* value="yes"[^>]* checked', html)
    assert evidence_counts() == before


def test_an_answer_needs_an_answer_and_a_date_not_in_the_future(client_for, leader, integrating):
    before = evidence_counts()
    response = client_for(leader).post(
        check_url(integrating), {"evidence": "Seen.", "answered_on": TOMORROW.isoformat()}
    )
    html = error_at(response, "answer", "Choose yes, partly, no or unknown.")
    assert "Seen." in html
    assert evidence_counts() == before
    response = client_for(leader).post(
        check_url(integrating),
        {"answer": "unknown", "evidence": "", "answered_on": TOMORROW.isoformat()},
    )
    error_at(response, "answered_on", "The date answered cannot be in the future.")
    assert evidence_counts() == before


def test_an_answer_with_htmx_answers_the_fragment(client_for, leader, integrating):
    client = client_for(leader)
    page = client.get(check_url(integrating), **HTMX).content.decode()
    assert "<html" not in page
    assert "Record the answer" in page
    response = client.post(
        check_url(integrating),
        {"answer": "unknown", "evidence": "", "answered_on": "2026-11-02"},
        **HTMX,
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in html
    assert "Answer recorded for South team at Integrating: unknown." in html
    refused = client.post(check_url(integrating), {"answer": "yes"}, **HTMX)
    assert refused.status_code == 422
    assert "<html" not in refused.content.decode()


@pytest.mark.parametrize(("persona", "status"), [("viewer", 403), ("outsider", 404)])
def test_who_may_not_answer_answers_nothing(request, client_for, developing, persona, status):
    client = client_for(request.getfixturevalue(persona))
    before = evidence_counts()
    data = {"answer": "yes", "evidence": "Seen.", "answered_on": "2026-11-02"}
    assert client.post(check_url(developing), data).status_code == status
    assert evidence_counts() == before


def test_the_answers_of_another_organisation_are_not_found(client_for, outsider, developing):
    assert client_for(outsider).get(check_url(developing)).status_code == 404


def test_answers_ask_an_anonymous_person_to_sign_in(client, developing):
    assert client.get(check_url(developing))["Location"] == login_url(check_url(developing))


def test_answers_answer_only_get_and_post(client_for, leader, developing):
    assert client_for(leader).put(check_url(developing)).status_code == 405


def test_a_closed_innovation_takes_no_new_answer(client_for, leader, innovation, developing):
    stage_services.close_innovation(
        innovation, by=leader, outcome="other", learning="It ran its course."
    )
    before = evidence_counts()
    data = {"answer": "yes", "evidence": "Seen.", "answered_on": "2026-11-02"}
    response = client_for(leader).post(check_url(developing), data)
    assert response.status_code == 303
    assert evidence_counts() == before


# Involvement


def test_a_leader_records_that_young_people_co_designed(client_for, leader, developing):
    make_involvement(
        developing, by=leader, level="informed", who="families", note="Newsletter.", stage=2
    )
    client = client_for(leader)
    form = client.get(involvement_url(developing)).content.decode()
    assert '<option value="3" selected>3. Developing</option>' in form
    assert "North team is in Developing now." in form
    assert "Nothing recorded at this stage yet." in form
    response = client.post(
        involvement_url(developing),
        {
            "who": "young_people",
            "level": "co_designing",
            "note": "Four young people redesigned the first letter.",
            "stage": 3,
            "recorded_on": "2026-11-02",
        },
    )
    assert response.status_code == 303
    assert response["Location"] == involvement_url(developing)
    record = Involvement.objects.latest("id")
    assert (record.who, record.level, record.stage.number, record.recorded_by) == (
        "young_people",
        "co_designing",
        3,
        leader,
    )
    html = client.get(involvement_url(developing)).content.decode()
    assert "Recorded for North team: Young people co-designed in Developing." in html
    assert "<strong>Young people co-designed</strong> (2 November 2026)" in html
    assert "Families informed</strong> in Designing" in html


def test_involvement_needs_who_how_and_a_note(client_for, leader, developing):
    client = client_for(leader, enforce_csrf_checks=True)
    before = evidence_counts()
    response = csrf_post(
        client,
        involvement_url(developing),
        {"who": "families", "level": "", "note": "", "stage": 3, "recorded_on": "2026-11-02"},
    )
    html = error_at(response, "level", "Choose how they took part.")
    assert re.search(r'id="id_note[-_]error"', html)
    assert re.search(r'<input[^>]* value="families"[^>]* checked', html)
    assert evidence_counts() == before


def test_involvement_with_htmx_answers_the_fragment(client_for, leader, developing):
    response = client_for(leader).post(
        involvement_url(developing),
        {"who": "families", "level": "consulted", "note": "Forum.", "stage": 3,
         "recorded_on": "2026-11-02"},
        **HTMX,
    )  # fmt: skip
    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in html
    assert "<strong>Families consulted</strong>" in html


def test_a_viewer_reads_the_involvement_without_the_form(client_for, viewer, developing, leader):
    make_involvement(developing, by=leader, note="Met at the family forum.")
    html = client_for(viewer).get(involvement_url(developing)).content.decode()
    assert "Met at the family forum." in html
    assert "Record it" not in html


@pytest.mark.parametrize(("persona", "status"), [("viewer", 403), ("outsider", 404)])
def test_who_may_not_record_involvement_records_nothing(
    request, client_for, developing, persona, status
):
    client = client_for(request.getfixturevalue(persona))
    before = evidence_counts()
    data = {"who": "families", "level": "consulted", "note": "Forum.", "stage": 3,
            "recorded_on": "2026-11-02"}  # fmt: skip
    assert client.post(involvement_url(developing), data).status_code == status
    assert evidence_counts() == before


def test_involvement_asks_an_anonymous_person_to_sign_in(client, developing):
    target = involvement_url(developing)
    assert client.post(target, {})["Location"] == login_url(target)


def test_involvement_answers_only_get_and_post(client_for, leader, developing):
    assert client_for(leader).delete(involvement_url(developing)).status_code == 405


# Ethics notes


def test_a_leader_writes_then_rewrites_an_ethics_note(client_for, leader, innovation, developing):
    client = client_for(leader)
    page = client.get(ethics_url(innovation, 3)).content.decode()
    assert "Ethics note for 3. Developing" in page
    assert "No ethics note for Developing yet." in page
    assert re.search(r"Parts in Developing now</dt><dd[^>]*>North team", page)
    first = client.post(ethics_url(innovation, 3), {"note": "Better for families who want a say."})
    assert first.status_code == 303
    assert first["Location"] == ethics_url(innovation, 3)
    client.post(ethics_url(innovation, 3), {"note": "Risk: parents feel watched."})
    note = EthicsNote.objects.get(innovation=innovation, stage__number=3)
    assert (note.note, note.updated_by) == ("Risk: parents feel watched.", leader)
    html = client.get(ethics_url(innovation, 3)).content.decode()
    assert "Ethics note for Developing saved." in html
    assert html.index("Risk: parents feel watched.") < html.index("Earlier wording")
    assert "Better for families who want a say." in html.split("Earlier wording")[1]


def test_an_empty_new_ethics_note_is_refused(client_for, leader, innovation):
    client = client_for(leader, enforce_csrf_checks=True)
    before = evidence_counts()
    response = csrf_post(client, ethics_url(innovation, 2), {"note": "   "})
    error_at(response, "note", "Write the note: better for whom? What risks, whose power?")
    assert evidence_counts() == before


def test_an_unchanged_ethics_note_writes_nothing(client_for, leader, innovation):
    client = client_for(leader)
    client.post(ethics_url(innovation, 2), {"note": "Whose power?"})
    before = evidence_counts()
    response = client.post(ethics_url(innovation, 2), {"note": "Whose power?"}, follow=True)
    assert "The note is unchanged." in response.content.decode()
    assert evidence_counts() == before


def test_an_ethics_note_with_htmx_answers_the_fragment(client_for, leader, innovation):
    response = client_for(leader).post(ethics_url(innovation, 2), {"note": "Whose voice?"}, **HTMX)
    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in html
    assert "Ethics note for Designing saved." in html
    refused = client_for(leader).post(ethics_url(innovation, 1), {"note": ""}, **HTMX)
    assert refused.status_code == 422
    assert "<html" not in refused.content.decode()


@pytest.mark.parametrize("number", [0, 7])
def test_a_stage_that_does_not_exist_is_not_found(client_for, leader, innovation, number):
    assert client_for(leader).get(ethics_url(innovation, number)).status_code == 404


@pytest.mark.parametrize(("persona", "status"), [("viewer", 403), ("outsider", 404)])
def test_who_may_not_write_an_ethics_note_writes_nothing(
    request, client_for, innovation, persona, status
):
    client = client_for(request.getfixturevalue(persona))
    before = evidence_counts()
    assert client.post(ethics_url(innovation, 2), {"note": "Risks."}).status_code == status
    assert evidence_counts() == before


def test_a_viewer_reads_the_ethics_note(client_for, viewer, leader, innovation):
    client_for(leader).post(ethics_url(innovation, 2), {"note": "Whose power?"})
    html = client_for(viewer).get(ethics_url(innovation, 2)).content.decode()
    assert "Whose power?" in html
    assert "Save the note" not in html


def test_ethics_notes_ask_an_anonymous_person_to_sign_in(client, innovation):
    target = ethics_url(innovation, 2)
    assert client.get(target)["Location"] == login_url(target)


def test_ethics_notes_answer_only_get_and_post(client_for, leader, innovation):
    assert client_for(leader).put(ethics_url(innovation, 2)).status_code == 405
