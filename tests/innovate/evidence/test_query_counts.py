"""The pages that list a growing record (sessions, attendees and actions, earlier answers,
involvement, ethics note wordings) run the same queries whatever its length."""

import datetime

import pytest
from django.urls import reverse

from assessments.services import evidence, sessions
from tests.assessments.factories import make_check, make_involvement
from tests.factories import make_part

D = datetime.date
SIZES = [2, 20]


@pytest.fixture
def record(request, innovation, facilitator, leader, viewer):
    """`size` parts at Designing; the first part has `size` answers and involvement records;
    `size` sessions, the first with `size` attendees and actions; `size` wordings of the
    Designing ethics note."""
    size = request.param
    parts = [make_part(innovation, by=leader, name=f"Team {n:02}", stage=2) for n in range(size)]
    first = parts[0]
    for n in range(size):
        make_check(first, by=leader, answer="partly", evidence=f"Answer {n:02}")
        make_involvement(first, by=leader, note=f"Forum {n:02}")
        evidence.set_ethics_note(innovation, 2, by=leader, note=f"Wording {n:02}")
    held = [
        sessions.plan_session(
            innovation,
            by=facilitator,
            held_on=D(2024, 1, 1) + datetime.timedelta(days=n),
            title=f"Session {n:02}",
            facilitator=facilitator,
            parts=parts,
        )
        for n in range(size)
    ]
    for n in range(size):
        sessions.add_attendee(
            held[0],
            by=facilitator,
            name_or_role=f"Worker {n:02}",
            level="practice",
            part=parts[n],
        )
        sessions.add_action(held[0], by=facilitator, text=f"Action {n:02}", owner=viewer)
    return size, first, held[0]


PAGES = {
    "sessions:list": (8, lambda inn, part, ses: [inn.pk], "Session {n:02}"),
    "sessions:detail": (12, lambda inn, part, ses: [ses.pk], "Worker {n:02}"),
    "evidence:check": (8, lambda inn, part, ses: [part.pk], "Answer {n:02}"),
    "evidence:involvement": (8, lambda inn, part, ses: [part.pk], "Forum {n:02}"),
    "evidence:ethics": (12, lambda inn, part, ses: [inn.pk, 2], "Team {n:02}"),
}


@pytest.mark.parametrize("record", SIZES, indirect=True)
@pytest.mark.parametrize("name", sorted(PAGES))
def test_pages_of_a_growing_record_run_the_same_queries_whatever_its_length(
    name, record, client, leader, innovation, django_assert_num_queries
):
    size, part, session = record
    queries, args, row = PAGES[name]
    client.force_login(leader)
    url = reverse(name, args=args(innovation, part, session))
    with django_assert_num_queries(queries):
        response = client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    for n in range(size):
        assert row.format(n=n) in html, (name, n)
