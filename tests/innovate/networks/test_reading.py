"""The network's views: what each sharing level lets a network page show (a literal table),
that withdrawing consent takes an innovation out of every page, file, count and cache at once,
the small-number suppression for observers, the public summary, and the same number of
queries for a network of 2 organisations and of 20."""

import re
from datetime import date

import pytest
import time_machine
from django.urls import reverse

from assessments.services import evidence
from stages import services
from stages.models import Part
from tests.factories import InnovationFactory, make_move, make_part
from tests.networks.network_data import (
    adopt,
    leave,
    member_of,
    model_of,
    network_of,
    observer_of,
    organisation,
    share,
)

TODAY = date(2025, 6, 30)

# Each thing a network page shows of one innovation, and the level from which it shows it.
THINGS = [
    "organisation page: its part",
    "wheel file: its part",
    "wheel: counted",
    "time in stage: its stay",
    "what moved: its move",
    "what moved: the reason",
    "organisation page: its measure's status",
    "fidelity: its adoption",
    "model page: its part",
]
# level: [shown?] in the order of THINGS. "unset" is an innovation with no sharing row.
CONSENT = {
    "unset": [False, False, False, False, False, False, False, False, False],
    "nothing": [False, False, False, False, False, False, False, False, False],
    "stages": [True, True, True, True, True, False, False, True, True],
    "statuses": [True, True, True, True, True, False, True, True, True],
    "reasons": [True, True, True, True, True, True, True, True, True],
}


@pytest.fixture
def spread(db):
    """The owner (Hertfordshire) publishes a model; Leeds adopts it with one innovation whose
    one part started in Mobilising, advanced to Designing and was paused with a reason, and
    whose measure has a reading."""
    owner = organisation("Hertfordshire County Council")
    adopter = organisation("Leeds City Council")
    owner_leader = member_of(owner, "manager", "herts-manager")
    adopter_leader = member_of(adopter, "manager", "leeds-manager")
    network = network_of(owner, adopter, by=owner_leader)
    source = InnovationFactory(organisation=owner, title="Family Safeguarding in Herts")
    adopted = InnovationFactory(organisation=adopter, title="Family Safeguarding in Leeds")
    part = make_part(adopted, by=adopter_leader, name="Armley hub", on=date(2025, 1, 6))
    make_move(part, "advance", by=adopter_leader, on=date(2025, 3, 3))
    make_move(
        part,
        "pause",
        by=adopter_leader,
        on=date(2025, 5, 5),
        rationale="Waiting for the new practice lead.",
        review_on=date(2025, 8, 1),
    )
    measure = evidence.define_measure(
        adopted, by=adopter_leader, stage=2, name="Families with a whole-family plan"
    )
    evidence.record_reading(measure, by=adopter_leader, observed_on=date(2025, 4, 1), value=12)
    model = model_of(network, source, by=owner_leader)
    adopt(model, adopted, by=adopter_leader, states=[("adapted", "Fortnightly, not weekly.")])
    return {
        "network": network,
        "model": model,
        "adopted": adopted,
        "adopter_leader": adopter_leader,
        "viewer": member_of(owner, "viewer", "herts-viewer"),
        "owner_leader": owner_leader,
    }


def _pages(client, spread):
    network = spread["network"]
    since = {"since": "2025-01-01"}
    organisation = [network.pk, spread["adopted"].organisation_id]
    return {
        "wheel": client.get(reverse("networks:wheel", args=[network.pk])),
        "organisation page": client.get(reverse("networks:organisation", args=organisation)),
        "wheel file": client.get(reverse("networks:export-wheel", args=[network.pk])),
        "time in stage": client.get(reverse("networks:durations", args=[network.pk])),
        "what moved": client.get(reverse("networks:changes", args=[network.pk]), since),
        "fidelity": client.get(reverse("networks:fidelity", args=[network.pk])),
        "model page": client.get(reverse("networks:model", args=[network.pk, spread["model"].pk])),
    }


def _text(response):
    if hasattr(response, "streaming_content"):
        return b"".join(response.streaming_content).decode()
    return response.content.decode()


def _seen(client, spread):
    pages = {name: _text(response) for name, response in _pages(client, spread).items()}
    # The rationale's words are the organisation's own, at every level.
    assert not any("Waiting for the new practice lead." in page for page in pages.values())
    # The network's wheel counts the parts; each organisation's page shows them.
    assert "Armley hub" not in pages["wheel"]
    shown = pages["organisation page"]
    return [
        "Armley hub" in shown,
        "Armley hub" in pages["wheel file"],
        "1 shared part," in pages["wheel"],
        "1 stay" in pages["time in stage"],
        "Armley hub" in pages["what moved"],
        "Planned pause" in pages["what moved"],
        "Families with a whole-family plan" in shown and "no target" in shown,
        "Family Safeguarding in Leeds" in pages["fidelity"],
        "Armley hub" in pages["model page"],
    ]


@pytest.mark.parametrize("level", list(CONSENT))
@time_machine.travel(TODAY, tick=False)
def test_each_sharing_level_shows_what_it_says_and_nothing_more(client, spread, level):
    if level != "unset":
        share(spread["network"], spread["adopted"], level, by=spread["adopter_leader"])
    client.force_login(spread["viewer"])
    assert dict(zip(THINGS, _seen(client, spread), strict=True)) == dict(
        zip(THINGS, CONSENT[level], strict=True)
    )


@time_machine.travel(TODAY, tick=False)
def test_an_organisation_that_left_is_seen_nowhere(client, spread):
    share(spread["network"], spread["adopted"], "reasons", by=spread["adopter_leader"])
    leave(spread["network"], spread["adopted"].organisation, by=spread["adopter_leader"])
    client.force_login(spread["viewer"])
    assert _seen(client, spread) == [False] * len(THINGS)


@time_machine.travel(TODAY, tick=False)
def test_a_withdrawn_innovation_is_seen_nowhere(client, spread):
    share(spread["network"], spread["adopted"], "reasons", by=spread["adopter_leader"])
    services.withdraw_innovation(
        spread["adopted"], by=spread["adopter_leader"], reason="Entered twice."
    )
    client.force_login(spread["viewer"])
    assert _seen(client, spread) == [False] * len(THINGS)


@time_machine.travel(TODAY, tick=False)
def test_the_picture_as_of_a_date_shows_where_the_parts_stood_then(client, spread):
    share(spread["network"], spread["adopted"], "stages", by=spread["adopter_leader"])
    client.force_login(spread["viewer"])
    url = reverse(
        "networks:organisation", args=[spread["network"].pk, spread["adopted"].organisation_id]
    )
    then = _text(client.get(url, {"on": "2025-02-01"}))
    now = _text(client.get(url))
    before = _text(client.get(url, {"on": "2025-01-05"}))
    assert "1. Mobilising" in then and "Active" in then
    assert "2. Designing" in now and "Paused" in now
    assert "Armley hub" not in before
    assert "As of 1 February 2025" in then
    wheel = reverse("networks:wheel", args=[spread["network"].pk])
    assert "0 shared parts" in _text(client.get(wheel, {"on": "2025-01-05"}))
    assert "1 shared part," in _text(client.get(wheel, {"on": "2025-02-01"}))


@time_machine.travel(TODAY, tick=False)
def test_a_date_in_the_future_is_refused_by_name_and_the_page_shows_today(client, spread):
    share(spread["network"], spread["adopted"], "stages", by=spread["adopter_leader"])
    client.force_login(spread["viewer"])
    for name, args in (
        ("networks:wheel", [spread["network"].pk]),
        ("networks:organisation", [spread["network"].pk, spread["adopted"].organisation_id]),
    ):
        response = client.get(reverse(name, args=args), {"on": "2030-01-01"})
        text = _text(response)
        assert response.status_code == 200
        assert "The date must be today or in the past" in text
        assert "1 shared part, today" in text
    assert "Armley hub" in text and "2. Designing" in text


def _live_summary(network, by):
    from networks import services as network_services

    network_services.change_summary(network, "request", by=by)
    network_services.change_summary(network, "approve", by=by)
    network.refresh_from_db()
    return reverse("networks:public-summary", args=[network.summary_token])


@time_machine.travel(TODAY, tick=False)
def test_withdrawing_consent_removes_the_innovation_from_every_page_file_count_and_cache_at_once(
    client, spread
):
    from networks import services as network_services

    network, adopted = spread["network"], spread["adopted"]
    network_services.set_sharing(adopted, network, "reasons", by=spread["adopter_leader"])
    summary = _live_summary(network, spread["owner_leader"])
    client.force_login(spread["viewer"])
    # Read every page once, so that what can be cached is.
    assert _seen(client, spread) == [True] * len(THINGS)
    assert "fewer than 3 shared parts" in client.get(summary).content.decode()

    network_services.set_sharing(adopted, network, "nothing", by=spread["adopter_leader"])

    assert _seen(client, spread) == [False] * len(THINGS)
    assert "0 shared parts" in client.get(summary).content.decode()


@pytest.fixture
def counted(db):
    """Two member organisations: Small shares 2 parts, Large shares 3, each with a completed
    stay in Mobilising; an observer of the network."""
    small, large = organisation("Small Borough"), organisation("Large Borough")
    manager = member_of(small, "manager", "small-manager")
    viewer = member_of(large, "viewer", "large-viewer")
    network = network_of(small, large, by=manager)
    for org, names in ((small, ["S1", "S2"]), (large, ["L1", "L2", "L3"])):
        leader = member_of(org, "leader")
        innovation = InnovationFactory(organisation=org, title=f"{org.name} hubs")
        share(network, innovation, "reasons", by=leader)
        for name in names:
            part = make_part(innovation, by=leader, name=f"Hub {name}", on=date(2025, 1, 1))
            make_move(part, "advance", by=leader, on=date(2025, 2, 1))
    return network, viewer, observer_of(network, by=manager)


def viewer_small(network):
    return network.members.get(organisation__name="Small Borough").organisation_id


def _organisation_row(text, name):
    """The cells of the organisation's row (its name a link or not), each cell's first words."""
    row = re.search(
        rf'<th scope="row" class="govuk-table__header">(?:<a [^>]*>)?{name}(?:</a>)?</th>'
        r"(.*?)</tr>",
        text,
        re.S,
    )
    return [cell.split("<")[0] for cell in re.findall(r"<td[^>]*>(.*?)</td>", row.group(1))]


@time_machine.travel(TODAY, tick=False)
def test_the_model_page_has_a_table_for_the_narrow_screen_where_its_wheel_gives_way(client, spread):
    """Members read each part in the table; an observer reads the counts in each stage, with
    1 or 2 as "fewer than 3", and no part."""
    share(spread["network"], spread["adopted"], "stages", by=spread["adopter_leader"])
    url = reverse("networks:model", args=[spread["network"].pk, spread["model"].pk])
    client.force_login(spread["viewer"])
    text = client.get(url).content.decode()
    assert 'class="app-picture-wide"' in text
    assert "The parts on the wheel," in text and "Armley hub" in text
    assert "Parts in each stage," not in text

    client.force_login(observer_of(spread["network"], by=spread["owner_leader"]))
    text = client.get(url).content.decode()
    assert 'class="app-picture-wide"' in text
    assert "Parts in each stage," in text and "Armley hub" not in text
    designing = text.split("2. Designing</th>")[1].split("</tr>")[0]
    assert [cell.split(">")[-1] for cell in designing.split("</td>")[:-1]] == [
        "0",
        "fewer than 3",
        "0",
    ]


@time_machine.travel(TODAY, tick=False)
def test_observers_see_counts_under_three_as_fewer_than_three_and_no_part(client, counted):
    network, viewer, observer = counted
    url = reverse("networks:wheel", args=[network.pk])
    client.force_login(observer)
    text = client.get(url).content.decode()
    assert _organisation_row(text, "Small Borough") == [
        "0",
        "fewer than 3",
        "0",
        "0",
        "0",
        "0",
        "fewer than 3",
    ]
    assert _organisation_row(text, "Large Borough") == ["0", "3", "0", "0", "0", "0", "3"]
    assert "Hub S1" not in text and "Hub L1" not in text
    assert "5 shared parts" in text
    durations = client.get(reverse("networks:durations", args=[network.pk])).content.decode()
    assert "fewer than 3 stays" in durations and "31 days, 3 stays" in durations
    csv = b"".join(
        client.get(reverse("networks:export-wheel", args=[network.pk])).streaming_content
    ).decode()
    assert "Small Borough,0,fewer than 3,0,0,0,0,fewer than 3" in csv
    assert "Hub S1" not in csv

    small = reverse("networks:organisation", args=[network.pk, viewer_small(network)])
    assert client.get(small).status_code == 403

    client.force_login(viewer)
    text = client.get(url).content.decode()
    assert _organisation_row(text, "Small Borough") == ["0", "2", "0", "0", "0", "0", "2"]
    assert "Hub S1" not in text
    assert f'href="{small}"' in text
    text = client.get(small).content.decode()
    assert "Hub S1" in text and "Hub S2" in text and "Hub L3" not in text
    durations = client.get(reverse("networks:durations", args=[network.pk])).content.decode()
    assert "31 days, 2 stays" in durations


@time_machine.travel(TODAY, tick=False)
def test_the_public_summary_is_anonymous_and_live_only_once_approved(client, spread):
    network = spread["network"]
    share(network, spread["adopted"], "reasons", by=spread["adopter_leader"])
    draft = client.get(reverse("networks:public-summary", args=[network.summary_token]))
    assert draft.status_code == 404
    summary = _live_summary(network, spread["owner_leader"])
    response = client.get(summary)
    text = response.content.decode()
    assert response.status_code == 200
    assert response["X-Robots-Tag"] == "noindex, nofollow"
    assert '<meta name="robots" content="noindex, nofollow">' in text
    assert "Organisation A" in text and "Organisation B" in text
    for private in (
        "Leeds",
        "Hertfordshire",
        "Armley hub",
        "Waiting for the new practice lead.",
        spread["adopter_leader"].get_full_name(),
        spread["owner_leader"].get_full_name(),
    ):
        assert private not in text
    assert client.get(reverse("networks:public-summary", args=["not-a-token"])).status_code == 404


def _moves_by_stage(text):
    table = text.split("Moves by stage</caption>")[1].split("</tbody>")[0]
    rows = []
    for row in table.split('<tr class="govuk-table__row">')[2:]:
        cells = [c.split(">")[-1] for c in row.replace("</th>", "</td>").split("</td>")[:-1]]
        rows.append(tuple(cells))
    return rows


@time_machine.travel(TODAY, tick=False)
def test_what_moved_counts_each_stage_transition_and_observers_read_under_three_as_fewer(
    client, counted
):
    """Small's Hub S1 pauses in Designing; Large's Hubs L1 and L2 advance to Developing. An
    observer reads the moves by stage and by organisation, each count of 1 or 2 as "fewer than
    3", and no part's own move; a member reads the numbers and each move."""
    network, viewer, observer = counted
    parts = {p.name: p for p in Part.objects.filter(name__in=["Hub S1", "Hub L1", "Hub L2"])}
    pause = {"review_on": date(2025, 9, 1)}
    make_move(parts["Hub S1"], "pause", by=viewer, on=date(2025, 3, 1), **pause)
    make_move(parts["Hub L1"], "advance", by=viewer, on=date(2025, 3, 1))
    make_move(parts["Hub L2"], "advance", by=viewer, on=date(2025, 3, 2))
    url = reverse("networks:changes", args=[network.pk])

    client.force_login(observer)
    text = client.get(url, {"since": "2024-12-31"}).content.decode()
    assert _moves_by_stage(text) == [
        ("Started", "1. Mobilising, active", "5"),
        ("1. Mobilising", "2. Designing, active", "5"),
        ("2. Designing", "2. Designing, paused", "fewer than 3"),
        ("2. Designing", "3. Developing, active", "fewer than 3"),
    ]
    assert "13 moves." in text
    assert "Hub S1" not in text and "Hub L1" not in text
    later = client.get(url, {"since": "2025-02-15"}).content.decode()
    assert "3 moves." in later
    assert _organisation_row(later, "Small Borough") == ["fewer than 3"]
    assert _organisation_row(later, "Large Borough") == ["fewer than 3"]
    assert _moves_by_stage(later) == [
        ("2. Designing", "2. Designing, paused", "fewer than 3"),
        ("2. Designing", "3. Developing, active", "fewer than 3"),
    ]

    client.force_login(viewer)
    text = client.get(url, {"since": "2025-02-15"}).content.decode()
    assert _moves_by_stage(text) == [
        ("2. Designing", "2. Designing, paused", "1"),
        ("2. Designing", "3. Developing, active", "2"),
    ]
    assert _organisation_row(text, "Small Borough") == ["1"]
    assert "Hub S1" in text and "Hub L2" in text


@time_machine.travel(TODAY, tick=False)
def test_an_organisations_page_is_only_of_a_current_member(client, spread):
    """Another organisation's id, one that left and one that does not exist find no page."""
    network = spread["network"]
    share(network, spread["adopted"], "stages", by=spread["adopter_leader"])
    stranger = organisation("Nowhere Council")
    client.force_login(spread["viewer"])
    for organisation_id in (stranger.pk, 999_999):
        url = reverse("networks:organisation", args=[network.pk, organisation_id])
        assert client.get(url).status_code == 404
    mine = reverse("networks:organisation", args=[network.pk, spread["adopted"].organisation_id])
    assert client.get(mine).status_code == 200
    leave(network, spread["adopted"].organisation, by=spread["adopter_leader"])
    assert client.get(mine).status_code == 404


@time_machine.travel(TODAY, tick=False)
def test_a_move_of_any_members_part_is_on_the_wheel_and_its_organisations_page_at_once(
    client, spread
):
    """The wheel is kept rendered under every member's version: a move rebuilds it."""
    network = spread["network"]
    share(network, spread["adopted"], "stages", by=spread["adopter_leader"])
    client.force_login(spread["viewer"])
    wheel = reverse("networks:wheel", args=[network.pk])
    page = reverse("networks:organisation", args=[network.pk, spread["adopted"].organisation_id])
    assert _organisation_row(_text(client.get(wheel)), "Leeds City Council")[:3] == ["0", "1", "0"]
    paused = '<td class="govuk-table__cell">Paused</td>'
    assert paused in _text(client.get(page))
    part = Part.objects.get(name="Armley hub")
    make_move(part, "resume", by=spread["adopter_leader"], on=TODAY)
    make_move(part, "advance", by=spread["adopter_leader"], on=TODAY)
    assert _organisation_row(_text(client.get(wheel)), "Leeds City Council")[:3] == ["0", "0", "1"]
    text = _text(client.get(page))
    assert "3. Developing" in text and paused not in text
