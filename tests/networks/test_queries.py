"""The network's reads: time in each stage pooled across the network, checked against a plain
fold written here over a hand-built network, and the one filter (shared_innovations)."""

import statistics
from collections import defaultdict
from datetime import date

import pytest
import time_machine

from networks import queries
from networks.pooling import Spread
from stages.models import Move
from tests.factories import InnovationFactory, make_move, make_part
from tests.networks.network_data import leave, member_of, network_of, organisation, share

ON = date(2025, 6, 30)

# organisation, level, part, [(kind, date, to stage)]; a void cancels the move before it.
JOURNEYS = [
    ("A", "stages", "A north", [("advance", "2024-02-01", None), ("advance", "2024-03-15", None)]),
    (
        "A",
        "stages",
        "A south",
        [
            ("advance", "2024-01-20", None),
            ("pause", "2024-02-01", None),
            ("resume", "2024-03-01", None),
            ("advance", "2024-04-01", None),
            ("rewind", "2024-05-01", 2),
            ("advance", "2024-06-10", None),
        ],
    ),
    (
        "B",
        "reasons",
        "B hub",
        [
            ("advance", "2024-01-31", None),
            ("advance", "2024-02-10", None),
            ("void", "2024-02-10", None),
            ("advance", "2024-04-10", None),
        ],
    ),
    ("B", "statuses", "B east", [("advance", "2024-03-01", None), ("stop", "2024-04-01", None)]),
    ("C", "stages", "C only", [("advance", "2024-01-11", None)]),
    # Not seen by the network: an innovation shared at "nothing", and one of an organisation
    # that left.
    ("C", "nothing", "C private", [("advance", "2024-01-02", None)]),
    ("D", "reasons", "D gone", [("advance", "2024-01-03", None)]),
]


@pytest.fixture
def hand_built(db):
    orgs = {key: organisation(f"Council {key}") for key in "ABCD"}
    people = {key: member_of(org, "manager") for key, org in orgs.items()}
    network = network_of(orgs["A"], orgs["B"], orgs["C"], orgs["D"], by=people["A"])
    for key, level, name, moves in JOURNEYS:
        innovation = InnovationFactory(organisation=orgs[key], title=f"{name} innovation")
        share(network, innovation, level, by=people[key])
        part = make_part(innovation, by=people[key], name=name, on=date(2024, 1, 1))
        for kind, on, to_stage in moves:
            if kind == "void":
                make_move(part, "void", by=people[key], on=date.fromisoformat(on))
            else:
                make_move(part, kind, by=people[key], on=date.fromisoformat(on), to_stage=to_stage)
    leave(network, orgs["D"], by=people["D"])
    return network, orgs


def plain_fold(network_parts, on):
    """{part name: {stage: [active days of each completed stay]}}, from the live moves, by
    hand: a stay ends when the stage (or round) changes; paused and stopped days are not
    active days; the last stay is under way."""
    stays = {}
    for name in network_parts:
        moves = [
            m
            for m in Move.objects.filter(part__name=name).order_by("seq")
            if m.kind != "void" and not Move.objects.filter(voids=m).exists()
        ]
        visits = []
        for move, following in zip(moves, [*moves[1:], None], strict=True):
            end = following.effective_on if following else on
            days = (end - move.effective_on).days if move.to_state == "active" else 0
            here = (move.to_stage.number, move.cycle)
            if visits and visits[-1][0] == here:
                visits[-1][1] += days
            else:
                visits.append([here, days])
        found = defaultdict(list)
        for (stage, _cycle), days in visits[:-1]:
            found[stage].append(days)
        stays[name] = found
    return stays


def plain_spread(days):
    if not days:
        return Spread(0, None, None, None)
    if len(days) == 1:
        return Spread(1, days[0], days[0], days[0])
    lower, _middle, upper = statistics.quantiles(sorted(days), n=4, method="inclusive")
    return Spread(len(days), statistics.median(days), lower, upper)


def test_pooled_durations_agree_with_a_plain_fold(hand_built):
    network, orgs = hand_built
    seen = [name for key, level, name, _ in JOURNEYS if level != "nothing" and key != "D"]
    by_hand = plain_fold(seen, ON)
    pooled, _times, _innovations = queries.durations(network, ON)
    for stage in range(1, 7):
        everyone = [d for name in seen for d in by_hand[name].get(stage, [])]
        assert pooled.network[stage] == plain_spread(everyone), stage
        for key in "ABC":
            mine = [
                d
                for k, level, name, _ in JOURNEYS
                if k == key and name in seen
                for d in by_hand[name].get(stage, [])
            ]
            assert pooled.organisations.get(orgs[key].pk, {}).get(
                stage, Spread(0, None, None, None)
            ) == plain_spread(mine), (key, stage)
    assert orgs["D"].pk not in pooled.organisations


def test_pooled_durations_of_the_hand_built_network_are_these(hand_built):
    """The same figures written out: Mobilising's completed stays are A north 31, A south 19,
    B hub 30, B east 60, C only 10 days; B hub's voided advance leaves its Designing stay
    running from 31 January to 10 April 2024 (70 days); B east's stay in Designing ended in a
    stop, so it has not ended."""
    network, orgs = hand_built
    pooled, _times, _innovations = queries.durations(network, ON)
    assert pooled.network[1] == Spread(5, 30, 19, 31)
    assert pooled.organisations[orgs["B"].pk][1] == Spread(2, 45, 37.5, 52.5)
    assert pooled.organisations[orgs["B"].pk][2] == Spread(1, 70, 70, 70)
    # A north: 43 days in Designing. A south: Designing 12 days active before the pause and
    # 31 after (43), then rewound from Developing (30 days) to Designing for 40 days more.
    assert pooled.organisations[orgs["A"].pk][2] == Spread(3, 43, 41.5, 43)
    assert pooled.organisations[orgs["A"].pk][3] == Spread(1, 30, 30, 30)


def test_only_shared_innovations_of_current_members_are_read(hand_built):
    network, _orgs = hand_built
    titles = sorted(i.title for i in queries.shared_innovations(network))
    assert titles == [
        "A north innovation",
        "A south innovation",
        "B east innovation",
        "B hub innovation",
        "C only innovation",
    ]


def plain_positions(names, on):
    """{part name: (stage, state)} at the end of `on`, by hand: its last live move dated on or
    before it; a part that had not started is absent."""
    found = {}
    for name in names:
        moves = [
            m
            for m in Move.objects.filter(part__name=name, effective_on__lte=on).order_by("seq")
            if m.kind != "void" and not Move.objects.filter(voids=m).exists()
        ]
        if moves:
            found[name] = (moves[-1].to_stage.number, moves[-1].to_state)
    return found


@pytest.mark.parametrize(
    "on", [date(2023, 12, 31), date(2024, 1, 1), date(2024, 2, 10), date(2024, 4, 1), ON]
)
def test_the_counts_in_each_stage_and_state_agree_with_a_plain_fold(hand_built, on):
    """Counted in the database, by organisation: today from the parts' own positions, on an
    earlier date from their moves (B hub's voided advance of 10 February is not counted)."""
    network, orgs = hand_built
    seen = {name: key for key, level, name, _ in JOURNEYS if level != "nothing" and key != "D"}
    expected = {}
    for name, (stage, state) in plain_positions(seen, on).items():
        mine = expected.setdefault(orgs[seen[name]].pk, {})
        mine[(stage, state)] = mine.get((stage, state), 0) + 1
    with time_machine.travel(ON, tick=False):
        counts = queries.stage_counts(network, on)
    found = {
        organisation_id: {
            (stage, state): n
            for stage, states in by_stage.items()
            for state, n in states.items()
            if n
        }
        for organisation_id, by_stage in counts.by_organisation.items()
    }
    assert found == expected
    assert counts.total == sum(sum(mine.values()) for mine in expected.values())
