"""The agenda, facilitator mode and the summary run the same queries whatever the number of
parts in scope."""

import datetime

import pytest
from django.urls import reverse

from assessments.services import sessions
from tests.assessments.factories import make_check, make_involvement, make_measure, make_reading
from tests.factories import make_move, make_part

D = datetime.date
SIZES = [2, 20]


@pytest.fixture
def scoped(request, innovation, facilitator, viewer):
    """`size` parts, each with a journey since the previous session (an advance, a pause and a
    rewind), an attendee, a note, a decision applied as a move (odd parts stay), a measure with
    a reading at its stage, a check answer and an involvement record; an action each from both
    sessions."""
    parts = []
    for n in range(request.param):
        part = make_part(innovation, by=facilitator, name=f"Team {n:02}", stage=3)
        parts.append(part)
    earlier = sessions.plan_session(
        innovation,
        by=facilitator,
        held_on=D(2024, 1, 5),
        title="Winter review",
        facilitator=facilitator,
        parts=parts,
    )
    for part in parts:
        make_move(part, "advance", by=facilitator, on=D(2024, 1, 10))
        make_move(part, "pause", by=facilitator, on=D(2024, 1, 20))
        make_move(part, "rewind", by=facilitator, on=D(2024, 1, 25), to_stage=2)
        sessions.add_action(earlier, by=facilitator, text=f"Follow up {part.name}", owner=viewer)
    session = sessions.plan_session(
        innovation,
        by=facilitator,
        held_on=D(2024, 3, 1),
        title="Spring review",
        facilitator=facilitator,
        parts=parts,
    )
    for n, part in enumerate(parts):
        sessions.add_attendee(
            session,
            by=facilitator,
            name_or_role=f"Lead of {part.name}",
            level="practice",
            part=part,
        )
        sessions.add_note(
            session,
            by=facilitator,
            part=part,
            prompt=part.stage.prompts[0],
            text=f"Note on {part.name}",
        )
        sessions.record_decision(
            session,
            part,
            by=facilitator,
            kind="stay" if n % 2 else "advance",
            rationale=f"Why {part.name}",
            minority_view=f"Doubt about {part.name}",
        )
        sessions.add_action(session, by=facilitator, text=f"Act on {part.name}", owner=viewer)
    sessions.apply_decisions(session, by=facilitator)
    for part in parts:
        part.refresh_from_db()
        measure = make_measure(
            innovation,
            by=facilitator,
            stage=part.stage.number,
            name=f"Count {part.name}",
            part=part,
        )
        make_reading(measure, by=facilitator, value=7)
        # Given on the session's date, so the summary shows it among the session's answers.
        make_check(
            part, by=facilitator, evidence=f"Answer for {part.name}", answered_on=D(2024, 3, 1)
        )
        make_involvement(part, by=facilitator)
    return session, [p.name for p in parts]


@pytest.mark.parametrize("scoped", SIZES, indirect=True)
def test_the_agenda_runs_the_same_queries_whatever_the_number_of_parts(
    client_for, viewer, scoped, django_assert_num_queries
):
    session, names = scoped
    client = client_for(viewer)
    with django_assert_num_queries(16):
        response = client.get(reverse("sessions:agenda", args=[session.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    for n, name in enumerate(names):
        assert f"{name} paused in Integrating: planned pause, on 20 January 2024" in html
        assert f"{name} rewound to Designing: learning from testing, on 25 January 2024" in html
        assert f"Count {name}" in html
        assert f"Follow up {name}" in html and f"Act on {name}" in html
        if n % 2 == 0:
            assert f"{name} advanced to Developing, on 1 March 2024" in html


@pytest.mark.parametrize("scoped", SIZES, indirect=True)
def test_facilitator_mode_runs_the_same_queries_whatever_the_number_of_parts(
    client_for, facilitator, scoped, django_assert_num_queries
):
    session, names = scoped
    client = client_for(facilitator)
    part_pk = session.scope.get(part__name=names[1]).part_id
    with django_assert_num_queries(20):
        response = client.get(reverse("sessions:run-part", args=[session.pk, part_pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert f'<h1 class="govuk-heading-xl">{names[1]}</h1>' in html
    assert f"part 2 of {len(names)}" in html
    assert f"Note on {names[1]}" in html
    assert f"Count {names[1]}" in html
    assert f"{names[1]} stays where it is" in html
    label = '<span class="govuk-pagination__link-label">'
    assert "Previous part</span>" in html and f"{label}{names[0]}</span>" in html


@pytest.mark.parametrize("scoped", SIZES, indirect=True)
def test_the_summary_runs_the_same_queries_whatever_the_number_of_parts(
    client_for, viewer, scoped, django_assert_num_queries
):
    session, names = scoped
    client = client_for(viewer)
    # One more than before the summary showed the answers to the checks: that one query.
    with django_assert_num_queries(13):
        response = client.get(reverse("sessions:summary", args=[session.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    for n, name in enumerate(names):
        assert f"Lead of {name} (from {name})" in html
        assert f"Note on {name}" in html
        assert f"Doubt about {name}" in html
        assert f"Answer for {name}" in html.split("Answers to the checks</h2>")[1]
        assert f"Act on {name}" in html
        if n % 2 == 0:
            assert f"{name} advanced to Developing, dated 1 March 2024" in html
        else:
            assert f"{name} stays active in Designing, round 1." in html
