from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.utils import timezone

from innovate.demo import DEMO_PASSWORD
from stages import rules
from stages.models import (
    Innovation,
    InnovationStatus,
    Membership,
    Move,
    MoveKind,
    Organisation,
    Part,
    Role,
    State,
    stage_names,
)

pytestmark = pytest.mark.django_db

LOGINS = {
    "leader": ("northshire", Role.LEADER),
    "manager": ("northshire", Role.MANAGER),
    "facilitator": ("northshire", Role.FACILITATOR),
    "viewer": ("northshire", Role.VIEWER),
    "southdale-leader": ("southdale", Role.LEADER),
    "southdale-manager": ("southdale", Role.MANAGER),
}


def seed():
    out = StringIO()
    call_command("seed_demo", stdout=out)
    return out.getvalue()


def counts():
    return {
        model.__name__: model.objects.count()
        for model in (Organisation, Membership, Innovation, Part, Move, Part.history.model)
    }


def test_running_twice_changes_nothing():
    first = seed()
    after_first = counts()
    second = seed()
    assert counts() == after_first
    # The demo's two organisations and the three more councils of its network.
    assert after_first["Organisation"] == 5
    assert "Demo data already loaded." not in first
    assert "Demo data already loaded." in second
    for output in (first, second):
        assert DEMO_PASSWORD in output
        assert "Open http://127.0.0.1:8000 and sign in as leader" in output
        for username in LOGINS:
            assert username in output


def test_every_kind_of_move_and_position_is_shown():
    seed()
    northshire = Organisation.objects.get(slug="northshire")
    moves = Move.objects.filter(organisation=northshire)
    assert set(moves.values_list("kind", flat=True)) == set(MoveKind.values)
    parts = Part.objects.filter(organisation=northshire)
    assert set(parts.values_list("stage__number", flat=True)) == {1, 2, 3, 4, 5, 6}
    assert parts.filter(cycle=2).exists()
    assert moves.filter(kind=MoveKind.NEW_CYCLE, cycle=2, to_stage__number=1).exists()
    assert parts.filter(state=State.STOPPED).exists()

    today = timezone.localdate()
    paused = parts.filter(state=State.PAUSED, review_on__isnull=False)
    assert paused.exists()
    assert paused.filter(review_on__lt=today).exists()
    assert moves.filter(kind=MoveKind.PAUSE, review_on__isnull=False).exists()
    assert parts.filter(next_review_on__lt=today).exists()

    voids = moves.filter(kind=MoveKind.VOID)
    assert voids.exists()
    assert all(v.reason == "recording_error" and v.rationale for v in voids)
    for kind in (MoveKind.REWIND, MoveKind.STOP, MoveKind.RESTART, MoveKind.JUMP):
        assert all(m.reason and m.rationale for m in moves.filter(kind=kind))

    closed = Innovation.objects.filter(organisation=northshire, status=InnovationStatus.CLOSED)
    assert closed.count() >= 1
    assert all(i.learning.strip() and i.closed_on for i in closed)
    assert Innovation.objects.filter(organisation=northshire).open().count() >= 6
    for innovation in Innovation.objects.filter(organisation=northshire):
        assert innovation.summary and innovation.prompted_by and innovation.better_for_whom
        assert innovation.tags and innovation.lead_id
        assert 2 <= innovation.parts.count() <= 6


def test_every_journey_obeys_the_rules_of_the_wheel():
    seed()
    today = timezone.localdate()
    for part in Part.objects.select_related("stage"):
        all_moves = list(part.moves.order_by("seq"))
        assert [m.seq for m in all_moves] == list(range(1, part.version + 1))
        dates = [m.effective_on for m in all_moves]
        assert dates == sorted(dates), part.name
        assert dates[-1] <= today

        position = None
        for move in Move.objects.live().filter(part=part).select_related("to_stage", "from_stage"):
            if position is not None:
                assert (move.from_stage.number, move.from_state, move.from_cycle) == (
                    position.stage,
                    position.state,
                    position.cycle,
                ), f"{part.name} move {move.seq}"
            target = move.to_stage.number if move.kind in rules.NEEDS_TARGET else None
            position = rules.next_position(
                position,
                move.kind,
                target,
                names=stage_names(),
                reason=move.reason,
                rationale=move.rationale,
                review_on=move.review_on,
                effective_on=move.effective_on,
            )
            assert (position.stage, position.state, position.cycle) == (
                move.to_stage.number,
                move.to_state,
                move.cycle,
            ), f"{part.name} move {move.seq}"
        assert (position.stage, position.state, position.cycle) == (
            part.stage.number,
            part.state,
            part.cycle,
        ), part.name


def test_stages_have_enough_completed_visits_to_tell_who_is_stuck():
    seed()
    completed = {}
    for part in Part.objects.filter(organisation__slug="northshire"):
        live = list(Move.objects.live().filter(part=part))
        for before, after in zip(live, live[1:], strict=False):
            if (before.to_stage_id, before.cycle) != (after.to_stage_id, after.cycle):
                completed[before.to_stage_id] = completed.get(before.to_stage_id, 0) + 1
    assert max(completed.values()) >= 5
    assert sum(1 for n in completed.values() if n >= 5) >= 2


def test_demo_logins_work_and_organisations_are_kept_apart():
    seed()
    for username, (slug, role) in LOGINS.items():
        user = get_user_model().objects.get(username=username)
        assert user.check_password(DEMO_PASSWORD)
        assert user.first_name and user.last_name and user.email.endswith(f"@{slug}.example")
        memberships = Membership.objects.filter(user=user)
        assert [(m.organisation.slug, m.role) for m in memberships] == [(slug, role)]

    northshire = Organisation.objects.get(slug="northshire")
    southdale = Organisation.objects.get(slug="southdale")
    # Its two, and the Family Safeguarding innovation it shares with the network.
    assert Innovation.objects.filter(organisation=southdale).count() == 3
    for part in Part.objects.select_related("innovation"):
        assert part.organisation_id == part.innovation.organisation_id
        assert set(part.moves.values_list("organisation_id", flat=True)) == {part.organisation_id}
        members = Membership.objects.filter(organisation_id=part.organisation_id)
        assert members.filter(user_id=part.lead_id).exists()
        assert not part.moves.exclude(recorded_by__memberships__in=members).exists()
    north_parts = set(Part.objects.filter(organisation=northshire).values_list("pk", flat=True))
    south_parts = set(Part.objects.filter(organisation=southdale).values_list("pk", flat=True))
    assert north_parts and south_parts and not north_parts & south_parts
    assert not Innovation.objects.filter(organisation=southdale, parts__organisation=northshire)
