"""Each network page runs the same number of queries for a network of 2 organisations and of
20: every organisation shares an innovation at "reasons" with two parts (moved, paused and
rewound), a measure with a reading, and an adoption of the model with its answers."""

from datetime import date

import pytest
import time_machine
from django.urls import reverse

from assessments.services import evidence
from networks.models import SummaryState
from tests.factories import InnovationFactory, make_move, make_part
from tests.networks.network_data import (
    adopt,
    member_of,
    model_of,
    network_of,
    observer_of,
    organisation,
    share,
)

TODAY = date(2025, 6, 30)


def build(size):
    owner = organisation("Council 00")
    manager = member_of(owner, "manager", "owner-manager")
    others = [organisation(f"Council {n:02}") for n in range(1, size)]
    network = network_of(owner, *others, by=manager)
    source = InnovationFactory(organisation=owner, title="The model's own innovation")
    share(network, source, "reasons", by=manager)
    model = model_of(network, source, by=manager, core=("Group supervision", "Whole-family plan"))
    titles = []
    for index, org in enumerate([owner, *others]):
        leader = member_of(org, "manager")
        innovation = InnovationFactory(organisation=org, title=f"Spread {index:02}")
        titles.append(innovation.title)
        share(network, innovation, "reasons", by=leader)
        for name in ("North", "South"):
            part = make_part(innovation, by=leader, name=f"{name} {index:02}", on=date(2025, 1, 1))
            make_move(part, "advance", by=leader, on=date(2025, 2, 1))
            make_move(part, "advance", by=leader, on=date(2025, 3, 1))
            make_move(part, "rewind", by=leader, on=date(2025, 4, 1), to_stage=2)
            make_move(part, "pause", by=leader, on=date(2025, 5, 1), review_on=date(2025, 9, 1))
        measure = evidence.define_measure(innovation, by=leader, stage=2, name=f"Reach {index:02}")
        evidence.record_reading(measure, by=leader, observed_on=date(2025, 4, 2), value=5)
        adopt(model, innovation, by=leader, states=[("in_place", ""), ("adapted", "Monthly.")])
    network.summary_state = SummaryState.LIVE
    network.summary_approved_by = manager
    network.summary_approved_at = network.created_at
    network.save()
    return network, model, manager, observer_of(network, by=manager), titles


PAGES = {
    # name: (url name, query, queries for a member, queries for an observer). An observer's
    # page reads the networks they observe once more, for the header ("observer of ...").
    "wheel": ("networks:wheel", {}, 7, 8),
    "wheel as of a date": ("networks:wheel", {"on": "2025-03-15"}, 7, 8),
    "durations": ("networks:durations", {}, 8, 9),
    "changes": ("networks:changes", {"since": "2025-01-01"}, 6, 7),
    "fidelity": ("networks:fidelity", {}, 9, 10),
    "model": ("networks:model", {}, 13, 14),
    "wheel file": ("networks:export-wheel", {}, 8, 7),
    "durations file": ("networks:export-durations", {}, 8, 8),
    "fidelity file": ("networks:export-fidelity", {}, 9, 9),
}


@pytest.mark.parametrize("size", [2, 20])
@pytest.mark.parametrize("page", list(PAGES))
@pytest.mark.parametrize("who", ["member", "observer"])
@time_machine.travel(TODAY, tick=False)
def test_a_network_page_runs_a_fixed_number_of_queries(
    client, db, django_assert_num_queries, size, page, who
):
    network, model, manager, observer, titles = build(size)
    name, query, member_count, observer_count = PAGES[page]
    args = [network.pk, model.pk] if name == "networks:model" else [network.pk]
    client.force_login(manager if who == "member" else observer)
    with django_assert_num_queries(member_count if who == "member" else observer_count):
        response = client.get(reverse(name, args=args), query)
        body = (
            b"".join(response.streaming_content)
            if hasattr(response, "streaming_content")
            else response.content
        ).decode()
    assert response.status_code == 200
    if who == "member" and page in {"wheel file", "changes", "fidelity", "model"}:
        for title in titles:
            assert title in body
    if page in {"wheel", "wheel as of a date"}:
        # The wheel counts every organisation's parts: two in Designing, paused, today.
        for index in range(size):
            assert f"Council {index:02}" in body
        assert "North 00" not in body
        if page == "wheel":
            paused = "fewer than 3 paused" if who == "observer" else "2 paused"
            assert body.count(paused) == size
    if who == "member" and page in {"durations", "durations file"}:
        assert body.count("Council ") >= size


@pytest.mark.parametrize("size", [2, 20])
@time_machine.travel(TODAY, tick=False)
def test_the_public_summary_runs_a_fixed_number_of_queries(
    client, db, django_assert_num_queries, size
):
    network, _model, _manager, _observer, _titles = build(size)
    with django_assert_num_queries(9):
        response = client.get(reverse("networks:public-summary", args=[network.summary_token]))
    assert response.status_code == 200
    assert f"Organisation {'T' if size == 20 else 'B'}" in response.content.decode()


@pytest.mark.parametrize("size", [2, 20])
@time_machine.travel(TODAY, tick=False)
def test_an_organisations_page_runs_a_fixed_number_of_queries(
    client, db, django_assert_num_queries, size
):
    network, _model, manager, _observer, titles = build(size)
    client.force_login(manager)
    last = network.members.get(organisation__name=f"Council {size - 1:02}").organisation_id
    for query in ({}, {"on": "2025-03-15"}):
        with django_assert_num_queries(10):
            response = client.get(reverse("networks:organisation", args=[network.pk, last]), query)
        body = response.content.decode()
        assert response.status_code == 200
        assert titles[-1] in body and titles[0] not in body
        assert f"North {size - 1:02}" in body and f"South {size - 1:02}" in body
        # Its measure's status, from its reading of 2 April.
        assert (f"Reach {size - 1:02}" in body) == (not query)
