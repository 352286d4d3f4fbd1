"""Build a national-scale database: organisations, people, innovations, parts and journeys,
measures with readings, checks and reflection sessions, and networks over the organisations
(each with its members' consent per innovation, a model, its adoptions and their fidelity).

Journeys are generated in memory, each step validated by stages.rules (the same pure function
the write path uses), then written in bulk; models with history get their history rows
through simple-history's bulk helpers. Afterwards a sample of parts is replayed from the
stored moves and checked against the stored positions.

    python bench/generate.py                       # 150 organisations (about 900,000 moves)
    python bench/generate.py --organisations 1     # a small run
    python bench/generate.py --networks-only       # networks over organisations already built
"""

import argparse
import multiprocessing
import os
import random
import sys
import time
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "innovate.settings")
os.environ.setdefault("INNOVATE_ALLOW_HTTP", "1")
os.environ.setdefault("SECRET_KEY", "bench-only-not-secret")
# The writers are forked processes: each opens its own connection, which a pool of
# connections made before the fork would share between them.
os.environ.setdefault("DATABASE_POOL", "0")

import django  # noqa: E402

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.contrib.auth.hashers import make_password  # noqa: E402
from django.db import connection, connections, transaction  # noqa: E402
from django.utils import timezone  # noqa: E402
from simple_history.utils import bulk_create_with_history  # noqa: E402

from assessments.models import (  # noqa: E402
    Answer,
    Check,
    Direction,
    Measure,
    Rating,
    Reading,
    Scale,
)
from search.indexing import rebuild as rebuild_search  # noqa: E402
from stages import rules, visits  # noqa: E402
from stages.models import (  # noqa: E402
    Innovation,
    Membership,
    Move,
    MoveKind,
    Organisation,
    Part,
    PartKind,
    Reason,
    Stage,
    State,
    stage_names,
)
from stages.services import since_dates  # noqa: E402

PASSWORD = "bench-password-2026"
BATCH = 5000
TOPICS = [
    "Family group conferencing",
    "Contextual safeguarding",
    "Transitional safeguarding",
    "Trauma-informed practice",
    "Foster carer hub",
    "No wrong door hub",
    "Family help hub",
    "Kinship peer support",
    "Restorative practice",
    "Edge of care outreach",
]
PART_NAMES = ["North team", "South team", "East locality", "West locality", "Hub", "Partner"]
REASONS = [r for r in Reason.values if r != Reason.RECORDING_ERROR]


def progress(message, started):
    print(f"[{time.monotonic() - started:6.1f}s] {message}", flush=True)


def journey(rng, start_on, today, target_moves, names):
    """[(kind, to_stage, reason, rationale, effective_on, review_on, position)] for one part,
    every step checked by stages.rules.next_position (`names`: the stages' names, for its
    refusals). Voids are marked with kind void and carry the position they return to."""
    steps = []
    first_stage = 1 if rng.random() < 0.8 else rng.randint(2, 3)
    position = rules.next_position(
        None,
        MoveKind.START,
        first_stage,
        names=names,
        rationale="Under way before recording began.",
    )
    steps.append((MoveKind.START, first_stage, "", "Started.", start_on, None, position))
    span = (today - start_on).days
    gap_mean = max(span // max(target_moves, 1), 1)
    on = start_on
    history = [position]
    while len(steps) < target_moves:
        gap = max(1, int(rng.expovariate(1 / gap_mean)))
        if (on + timedelta(days=gap)) > today:
            break
        on = on + timedelta(days=gap)
        kinds = [k for k in rules.allowed_kinds(position) if k != MoveKind.VOID]
        weights = {
            MoveKind.ADVANCE: 10,
            MoveKind.JUMP: 0.3,
            MoveKind.REWIND: 1.2,
            MoveKind.NEW_CYCLE: 6,
            MoveKind.PAUSE: 1.5,
            MoveKind.RESUME: 8,
            MoveKind.STOP: 0.25,
            MoveKind.RESTART: 6,
        }
        if len(history) >= 2 and rng.random() < 0.01:
            # A mistaken move voided: the position returns to the one before it.
            previous = history[-2]
            steps.append(
                (
                    MoveKind.VOID,
                    None,
                    Reason.RECORDING_ERROR,
                    "Recorded in error.",
                    on,
                    None,
                    previous,
                )
            )
            history.pop()
            position = previous
            continue
        kind = rng.choices(kinds, weights=[weights[k] for k in kinds])[0]
        targets = rules.target_stages(position, kind)
        to_stage = rng.choice(targets) if targets else None
        reason = rng.choice(REASONS) if kind in rules.NEEDS_REASON else ""
        rationale = "Agreed at the team's review." if kind in rules.NEEDS_RATIONALE else ""
        review_on = on + timedelta(days=rng.randint(20, 120)) if kind == MoveKind.PAUSE else None
        position = rules.next_position(
            position,
            kind,
            to_stage,
            names=names,
            reason=reason,
            rationale=rationale,
            review_on=review_on,
            effective_on=on,
        )
        rules.check_effective_on(on, today=today, latest=("move", steps[-1][4]))
        steps.append((kind, to_stage, reason, rationale, on, review_on, position))
        history.append(position)
    return steps


def generate(args):
    started = time.monotonic()
    rng = random.Random(args.seed)
    stages = {s.number: s for s in Stage.objects.all()}
    if len(stages) != 6:
        raise SystemExit("The six stages are missing: run manage.py migrate first.")
    existing = Organisation.objects.filter(slug__startswith="bench-").count()
    if existing and not args.append:
        raise SystemExit(
            f"{existing} bench organisations already exist; use a fresh database or --append."
        )
    indexes = list(range(existing, existing + args.organisations))
    jobs = max(1, min(args.jobs, len(indexes)))
    chunks = [indexes[j::jobs] for j in range(jobs)]
    connections.close_all()
    if jobs == 1:
        results = [build(chunks[0], args, started)]
    else:
        with multiprocessing.get_context("fork").Pool(jobs) as pool:
            results = pool.starmap(build, [(chunk, args, started) for chunk in chunks])
    totals = {key: sum(r[key] for r in results) for key in results[0]}
    # The moves were written in bulk, past the write path: the table of visits is written from
    # them, as `manage.py rebuild_stage_visits` does.
    parts, written = visits.rebuild()
    progress(f"{written:,} visits of {parts:,} parts written from the log", started)
    totals["networks"] = build_networks(args, started)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    checked = replay_sample(rng, args.sample)
    progress(f"done: {totals}; replayed {checked} parts and all matched", started)
    return totals


def build_networks(args, started):
    """`args.networks` networks of `args.network_size` bench organisations each (consecutive
    runs of organisations, the first one the owner): every member shares about half of its
    innovations at a level above nothing; the owner publishes its first innovation as a model
    with three core components and two adaptable elements, and one innovation of every other
    member adopts it, with an answer for each core component. An observer per network. Written
    in bulk with history, as the rest of the bench data."""
    from networks.models import (
        Adoption,
        Component,
        Fidelity,
        Network,
        NetworkMember,
        Observer,
        SharedModel,
        ShareLevel,
        Sharing,
    )

    rng = random.Random(args.seed + 7)
    User = get_user_model()
    organisations = list(Organisation.objects.filter(slug__startswith="bench-").order_by("slug"))
    size = max(2, min(args.network_size, len(organisations)))
    made = 0
    now = timezone.now()
    levels = [ShareLevel.STAGES, ShareLevel.STATUSES, ShareLevel.REASONS]
    password = make_password(PASSWORD)
    for index in range(args.networks):
        members = organisations[index * size : (index + 1) * size]
        if len(members) < 2:
            break
        name = f"Bench network {index + 1:02d}"
        if Network.objects.filter(name=name).exists():
            continue
        owner = members[0]
        managers = {
            m.organisation_id: m.user
            for m in Membership.objects.filter(
                organisation__in=members, role="manager"
            ).select_related("user")
        }
        by = managers[owner.pk]
        with transaction.atomic():
            [network] = bulk_create_with_history(
                [Network(name=name, owner=owner, created_by=by, created_at=now)],
                Network,
                default_user=by,
                default_change_reason="Bench",
            )
            bulk_create_with_history(
                [
                    NetworkMember(
                        network=network,
                        organisation=org,
                        invited_by=by,
                        invited_at=now,
                        joined_by=managers[org.pk],
                        joined_at=now,
                    )
                    for org in members
                ],
                NetworkMember,
                default_user=by,
                default_change_reason="Bench",
            )
            innovations = {}
            for innovation in Innovation.objects.filter(organisation__in=members).order_by("pk"):
                innovations.setdefault(innovation.organisation_id, []).append(innovation)
            sharings = [
                Sharing(
                    network=network,
                    organisation_id=org_id,
                    innovation=innovation,
                    level=rng.choice(levels),
                    set_by=managers[org_id],
                    set_at=now,
                )
                for org_id, found in innovations.items()
                for position, innovation in enumerate(found)
                if position == 0 or rng.random() < 0.5
            ]
            bulk_create_with_history(
                sharings, Sharing, batch_size=BATCH, default_user=by, default_change_reason="Bench"
            )
            [model] = bulk_create_with_history(
                [
                    SharedModel(
                        network=network,
                        organisation=owner,
                        innovation=innovations[owner.pk][0],
                        name=f"Bench model {index + 1:02d}",
                        summary="A bench model.",
                        published_by=by,
                        published_at=now,
                    )
                ],
                SharedModel,
                default_user=by,
                default_change_reason="Bench",
            )
            components = bulk_create_with_history(
                [
                    Component(model=model, kind=kind, name=f"{kind.capitalize()} {n}", position=n)
                    for kind, count in (("core", 3), ("adaptable", 2))
                    for n in range(1, count + 1)
                ],
                Component,
                default_user=by,
                default_change_reason="Bench",
            )
            adoptions = bulk_create_with_history(
                [
                    Adoption(
                        model=model,
                        organisation=org,
                        innovation=innovations[org.pk][0],
                        linked_by=managers[org.pk],
                        linked_at=now,
                    )
                    for org in members[1:]
                ],
                Adoption,
                default_user=by,
                default_change_reason="Bench",
            )
            answers = []
            for adoption in adoptions:
                for component in components:
                    if component.kind != "core":
                        continue
                    state = rng.choice(["in_place", "adapted", "not_yet"])
                    answers.append(
                        Fidelity(
                            adoption=adoption,
                            component=component,
                            state=state,
                            how_why="Adapted to local teams." if state == "adapted" else "",
                            recorded_by=managers[adoption.organisation_id],
                            recorded_at=now,
                        )
                    )
            bulk_create_with_history(
                answers, Fidelity, default_user=by, default_change_reason="Bench"
            )
            watcher = User.objects.create(
                username=f"bench-observer{index + 1:02d}",
                first_name="Observer",
                last_name=f"{index + 1:02d}",
                email=f"bench-observer{index + 1:02d}@example.org",
                password=password,
            )
            bulk_create_with_history(
                [
                    Observer(
                        network=network,
                        user=watcher,
                        email=watcher.email,
                        name="Bench observer",
                        invited_by=by,
                        invited_at=now,
                        token_hash=f"bench-{index}",
                        expires_at=now + timedelta(days=7),
                        accepted_at=now,
                    )
                ],
                Observer,
                default_user=by,
                default_change_reason="Bench",
            )
        made += 1
    progress(f"{made} networks of {size} organisations", started)
    return made


def build(indexes, args, started):
    """Write the organisations numbered `indexes`; returns the counts written."""
    connections.close_all()
    rng = random.Random(args.seed + indexes[0])
    today = timezone.localdate()
    stages = {s.number: s for s in Stage.objects.all()}
    names = {number: stage.name for number, stage in stages.items()}
    User = get_user_model()
    password = make_password(PASSWORD)
    totals = {
        "organisations": 0,
        "innovations": 0,
        "parts": 0,
        "moves": 0,
        "readings": 0,
        "checks": 0,
        "search rows": 0,
    }
    for done, index in enumerate(indexes, 1):
        with transaction.atomic():
            org = Organisation(name=f"Bench Borough {index + 1:03d}", slug=f"bench-{index + 1:03d}")
            [org] = bulk_create_with_history([org], Organisation, default_change_reason="Bench")
            people = [
                User(
                    username=f"bench{index + 1:03d}-{role}{n}",
                    first_name=role.capitalize(),
                    last_name=f"{index + 1:03d}-{n}",
                    password=password,
                )
                for role in ("manager", "leader", "facilitator", "viewer")
                for n in range(1, 4 if role == "leader" else 2)
            ]
            people = User.objects.bulk_create(people)
            bulk_create_with_history(
                [
                    Membership(
                        user=u,
                        organisation=org,
                        role=u.username.split("-")[1].rstrip("0123456789"),
                    )
                    for u in people
                ],
                Membership,
                default_change_reason="Bench",
            )
            leaders = [u for u in people if "-leader" in u.username]
            manager = people[0]
            innovations = bulk_create_with_history(
                [
                    Innovation(
                        organisation=org,
                        title=f"{TOPICS[i % len(TOPICS)]} {i // len(TOPICS) + 1}",
                        summary="A bench innovation.",
                        lead=rng.choice(leaders),
                        tags_text=f",{TOPICS[i % len(TOPICS)].split()[0].lower()},",
                    )
                    for i in range(args.innovations)
                ],
                Innovation,
                default_user=manager,
                default_change_reason="Bench",
            )
            parts, journeys = [], []
            for innovation in innovations:
                for p in range(args.parts):
                    start_on = today - timedelta(
                        days=rng.randint(args.years * 365 - 200, args.years * 365)
                    )
                    steps = journey(
                        rng, start_on, today, rng.randint(args.moves - 5, args.moves + 5), names
                    )
                    chain = [
                        Move(
                            to_stage_id=stages[pos.stage].pk,
                            to_state=pos.state,
                            cycle=pos.cycle,
                            effective_on=on,
                            review_on=review,
                        )
                        for kind, _t, _r, _w, on, review, pos in steps
                        if kind != MoveKind.VOID
                    ]
                    live = _live_chain(steps, chain)
                    stage_since, state_since = since_dates(live)
                    final = steps[-1][6]
                    parts.append(
                        Part(
                            organisation=org,
                            innovation=innovation,
                            name=PART_NAMES[p % len(PART_NAMES)] + (f" {p + 1}" if p >= 6 else ""),
                            kind=rng.choice(PartKind.values),
                            lead=rng.choice(leaders),
                            next_review_on=today + timedelta(days=rng.randint(-60, 120)),
                            stage=stages[final.stage],
                            state=final.state,
                            cycle=final.cycle,
                            stage_since=stage_since,
                            state_since=state_since,
                            review_on=live[-1].review_on if final.state == State.PAUSED else None,
                            version=len(steps),
                        )
                    )
                    journeys.append(steps)
            parts = bulk_create_with_history(
                parts, Part, batch_size=BATCH, default_user=manager, default_change_reason="Bench"
            )
            moves, voids = _moves(org, parts, journeys, stages, rng, leaders)
            created = Move.objects.bulk_create(moves, batch_size=BATCH)
            by_key = {(m.part_id, m.seq): m for m in created}
            for void, voided_seq in voids:
                void.voids_id = by_key[(void.part_id, voided_seq)].pk
            Move.objects.bulk_create([v for v, _ in voids], batch_size=BATCH)
            n_readings, n_checks = _evidence(org, innovations, parts, stages, rng, leaders, today)
            _sessions(org, innovations, parts, rng, people, today)
            # Bulk writes skip the signals that keep the search index: index this one now.
            totals["search rows"] += rebuild_search(organisations=[org.pk])
        totals["organisations"] += 1
        totals["innovations"] += len(innovations)
        totals["parts"] += len(parts)
        totals["moves"] += len(moves) + len(voids)
        totals["readings"] += n_readings
        totals["checks"] += n_checks
        if done % max(1, len(indexes) // 10) == 0 or done == len(indexes):
            progress(
                f"worker {indexes[0] % max(args.jobs, 1) + 1}: {done}/{len(indexes)} "
                f"organisations, {totals['moves']:,} moves, {totals['readings']:,} readings",
                started,
            )
    connections.close_all()
    return totals


def _live_chain(steps, chain):
    """The live moves of a generated journey (voided moves and voids dropped)."""
    live, index = [], 0
    for kind, *_rest in steps:
        if kind == MoveKind.VOID:
            live.pop()
            continue
        live.append(chain[index])
        index += 1
    return live


def _moves(org, parts, journeys, stages, rng, leaders):
    moves, voids = [], []
    now = timezone.now()
    for part, steps in zip(parts, journeys, strict=True):
        previous = None
        live_seqs = []
        by = part.lead or leaders[0]
        for seq, (kind, _to_stage, reason, rationale, on, review, pos) in enumerate(steps, 1):
            move = Move(
                organisation=org,
                part_id=part.pk,
                seq=seq,
                kind=kind,
                from_stage_id=stages[previous.stage].pk if previous else None,
                to_stage_id=stages[pos.stage].pk,
                from_state=previous.state if previous else "",
                to_state=pos.state,
                from_cycle=previous.cycle if previous else None,
                cycle=pos.cycle,
                reason=reason,
                rationale=rationale,
                effective_on=on,
                review_on=review,
                recorded_by_id=by.pk,
                recorded_at=now,
            )
            if kind == MoveKind.VOID:
                voids.append((move, live_seqs.pop()))
            else:
                moves.append(move)
                live_seqs.append(seq)
            previous = pos
    return moves, voids


def _evidence(org, innovations, parts, stages, rng, leaders, today):
    by_innovation = {}
    for part in parts:
        by_innovation.setdefault(part.innovation_id, []).append(part)
    measures = []
    for innovation in innovations:
        for n in range(3):
            stage = stages[rng.randint(1, 6)]
            measures.append(
                Measure(
                    organisation=org,
                    innovation=innovation,
                    stage=stage,
                    name=f"Measure {n + 1}",
                    kind=stage.measure_kind,
                    scale=Scale.RATED if n == 2 else Scale.NUMERIC,
                    unit="%" if n != 2 else "",
                    direction=Direction.HIGHER,
                    baseline_value=Decimal(40) if n != 2 else None,
                    baseline_on=today - timedelta(days=730) if n != 2 else None,
                    target_value=Decimal(80) if n != 2 else None,
                    target_on=today + timedelta(days=180) if n != 2 else None,
                    collection="Monthly return.",
                )
            )
    measures = bulk_create_with_history(
        measures, Measure, batch_size=BATCH, default_change_reason="Bench"
    )
    readings = []
    ratings = Rating.values
    for measure in measures:
        innovation_parts = by_innovation[measure.innovation_id]
        for month in range(24):
            observed = today - timedelta(days=30 * (24 - month))
            rated = measure.scale == Scale.RATED
            readings.append(
                Reading(
                    organisation=org,
                    measure=measure,
                    part=rng.choice(innovation_parts) if month % 2 else None,
                    observed_on=observed,
                    value=None if rated else Decimal(40 + month * 1.5 + rng.randint(-5, 5)),
                    rating=rng.choice(ratings) if rated else "",
                    recorded_by=rng.choice(leaders),
                )
            )
    bulk_create_with_history(readings, Reading, batch_size=BATCH, default_change_reason="Bench")
    checks = [
        Check(
            organisation=org,
            part=part,
            stage=part.stage,
            answer=rng.choice(Answer.values),
            evidence="Reviewed at the team meeting.",
            answered_by=rng.choice(leaders),
            answered_on=today - timedelta(days=rng.randint(1, 90)),
        )
        for part in parts
    ]
    bulk_create_with_history(checks, Check, batch_size=BATCH, default_change_reason="Bench")
    return len(readings), len(checks)


def _sessions(org, innovations, parts, rng, people, today):
    """Reflection sessions, when that part of the product is installed."""
    try:
        from assessments.models import ReflectionSession
    except ImportError:
        return 0
    facilitator = next(u for u in people if "-facilitator" in u.username)
    sessions = [
        ReflectionSession(
            organisation=org,
            innovation=innovation,
            held_on=today - timedelta(days=rng.randint(10, 400)),
            title="Quarterly reflection",
            facilitator=facilitator,
            created_by=facilitator,
            status="held",
        )
        for innovation in innovations
    ]
    bulk_create_with_history(sessions, ReflectionSession, default_change_reason="Bench")
    return len(sessions)


def replay_sample(rng, size):
    """Replay the live moves of a sample of parts and compare with the stored positions."""
    ids = list(
        Part.objects.filter(organisation__slug__startswith="bench-").values_list("pk", flat=True)
    )
    sample = rng.sample(ids, min(size, len(ids)))
    parts = {p.pk: p for p in Part.objects.filter(pk__in=sample).select_related("stage")}
    names = stage_names()
    replayed = {}
    for move in (
        Move.objects.live().filter(part_id__in=sample).select_related("to_stage").order_by("seq")
    ):
        position = replayed.get(move.part_id)
        if move.kind == MoveKind.START:
            position = rules.next_position(
                None, MoveKind.START, move.to_stage.number, names=names, rationale="replay"
            )
        else:
            position = rules.next_position(
                position,
                move.kind,
                move.to_stage.number if move.kind in rules.NEEDS_TARGET else None,
                names=names,
                reason=move.reason or "replay",
                rationale=move.rationale or "replay",
                review_on=move.review_on,
                effective_on=move.effective_on,
            )
        replayed[move.part_id] = position
    for pk, part in parts.items():
        stored = part.position
        if replayed[pk] != stored:
            raise SystemExit(f"Part {pk}: replay gives {replayed[pk]}, stored {stored}")
    return len(parts)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--organisations", type=int, default=150)
    parser.add_argument("--innovations", type=int, default=40)
    parser.add_argument("--parts", type=int, default=6)
    parser.add_argument("--moves", type=int, default=25, help="moves per part, about")
    parser.add_argument("--years", type=int, default=4)
    parser.add_argument("--sample", type=int, default=500, help="parts to replay")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--append", action="store_true")
    parser.add_argument("--jobs", type=int, default=2, help="processes writing in parallel")
    parser.add_argument("--networks", type=int, default=4, help="networks over the organisations")
    parser.add_argument("--network-size", type=int, default=20, help="organisations a network")
    parser.add_argument(
        "--networks-only", action="store_true", help="only the networks, over organisations built"
    )
    args = parser.parse_args(argv)
    if args.networks_only:
        return build_networks(args, time.monotonic())
    return generate(args)


if __name__ == "__main__":
    main()
