import datetime

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from stages import services
from stages.models import Innovation, InnovationStatus, Move
from tests.factories import InnovationFactory, make_move, make_part
from tests.innovate.helpers import HTMX, csrf_post, error_at, login_url, row_counts


def detail_url(innovation):
    return reverse("innovations:detail", args=[innovation.pk])


# The list


def test_the_list_shows_the_organisations_open_innovations_with_where_their_parts_stand(
    client_for, viewer, part
):
    response = client_for(viewer).get(reverse("innovations:list"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Family group conferencing" in html
    assert "Mobilising: 1 active" in html
    assert "1 innovation" in html


def test_the_list_offers_to_add_an_innovation_only_to_those_who_may(
    client_for, viewer, leader, innovation
):
    add = reverse("innovations:create")
    assert add not in client_for(viewer).get(reverse("innovations:list")).content.decode()
    assert add in client_for(leader).get(reverse("innovations:list")).content.decode()


def test_the_list_asks_an_anonymous_person_to_sign_in(client, innovation):
    url = reverse("innovations:list")
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"] == login_url(url)


def test_the_list_never_shows_another_organisations_innovations(client_for, outsider, innovation):
    response = client_for(outsider).get(reverse("innovations:list"))
    assert response.status_code == 200
    assert "Family group conferencing" not in response.content.decode()


def test_the_list_answers_only_get(client_for, leader, innovation):
    client = client_for(leader)
    assert client.post(reverse("innovations:list")).status_code == 405
    assert client.put(reverse("innovations:list")).status_code == 405


@pytest.fixture
def shelf(organisation, leader):
    """Three innovations: one with a part paused in Developing, one at Mobilising, one
    closed."""
    respite = InnovationFactory(organisation=organisation, title="Respite foster carers")
    respite.tags = ["edge of care", "fostering"]
    respite.save()
    paused = make_part(respite, by=leader, name="East team", stage=3)
    make_move(paused, "pause", by=leader, on=datetime.date(2024, 2, 1))
    hubs = InnovationFactory(organisation=organisation, title="Family hubs")
    hubs.tags = ["early help"]
    hubs.save()
    make_part(hubs, by=leader, name="West team")
    closed = InnovationFactory(
        organisation=organisation,
        title="Old helpline",
        status=InnovationStatus.CLOSED,
        learning="Families preferred texting.",
        outcome="other",
    )
    return respite, hubs, closed


def titles(response):
    html = response.content.decode()
    return {t for t in ("Respite foster carers", "Family hubs", "Old helpline") if t in html}


@pytest.mark.parametrize(
    ("query", "shown"),
    [
        ({}, {"Respite foster carers", "Family hubs"}),
        ({"q": "hubs"}, {"Family hubs"}),
        ({"q": "RESPITE"}, {"Respite foster carers"}),
        ({"stage": "3"}, {"Respite foster carers"}),
        ({"stage": "1"}, {"Family hubs"}),
        ({"state": "paused"}, {"Respite foster carers"}),
        ({"tag": "early help"}, {"Family hubs"}),
        ({"tag": "fostering"}, {"Respite foster carers"}),
        ({"status": "closed"}, {"Old helpline"}),
        ({"status": "all"}, {"Respite foster carers", "Family hubs", "Old helpline"}),
        ({"stage": "9"}, {"Respite foster carers", "Family hubs"}),
    ],
)
def test_the_list_searches_and_filters(client_for, viewer, shelf, query, shown):
    response = client_for(viewer).get(reverse("innovations:list"), query)
    assert response.status_code == 200
    assert titles(response) == shown


def test_the_list_offers_the_organisations_tags_to_filter_by(client_for, viewer, shelf):
    html = client_for(viewer).get(reverse("innovations:list")).content.decode()
    for tag in ("edge of care", "fostering", "early help"):
        assert f'<option value="{tag}">{tag}</option>' in html


def test_the_list_for_htmx_is_the_results_fragment(client_for, viewer, shelf):
    response = client_for(viewer).get(reverse("innovations:list"), {"q": "hubs"}, **HTMX)
    assert response.status_code == 200
    html = response.content.decode()
    assert "<html" not in html
    assert "1 innovation" in html
    assert "Family hubs" in html
    assert 'name="q"' not in html


# Adding an innovation


def test_a_leader_adds_an_innovation_with_tags(client_for, leader, organisation):
    client = client_for(leader)
    form = client.get(reverse("innovations:create"))
    assert form.status_code == 200
    assert "Add an innovation" in form.content.decode()
    response = client.post(
        reverse("innovations:create"),
        {
            "title": "Mockingbird constellations",
            "summary": "Hub homes supporting foster families.",
            "tags": "Fostering, edge  of care, fostering",
            "lead": leader.pk,
        },
    )
    created = Innovation.objects.get(title="Mockingbird constellations")
    assert response.status_code == 303
    assert response["Location"] == detail_url(created)
    assert created.organisation == organisation
    assert created.lead == leader
    assert created.tags == ["fostering", "edge of care"]
    assert created.history.get().history_user == leader
    page = client.get(response["Location"]).content.decode()
    assert "Mockingbird constellations created. Now add its parts." in page
    assert '<strong class="govuk-tag govuk-tag--grey">edge of care</strong>' in page


def test_a_title_already_used_in_the_organisation_is_refused(client_for, leader, innovation):
    before = row_counts()
    response = client_for(leader).post(
        reverse("innovations:create"),
        {"title": "family group CONFERENCING", "summary": "A second try at it."},
    )
    html = error_at(response, "title", "Your organisation already has an innovation of this title.")
    assert 'value="family group CONFERENCING"' in html
    assert "A second try at it." in html
    assert row_counts() == before


def test_a_title_used_by_another_organisation_is_allowed(client_for, outsider, innovation):
    response = client_for(outsider).post(
        reverse("innovations:create"), {"title": "Family group conferencing"}
    )
    assert response.status_code == 303
    assert Innovation.objects.filter(title="Family group conferencing").count() == 2


def test_an_innovation_needs_a_title(client_for, leader, organisation):
    before = row_counts()
    response = client_for(leader).post(
        reverse("innovations:create"), {"title": "  ", "tags": "kinship"}
    )
    html = error_at(response, "title", "Enter the title")
    assert 'value="kinship"' in html
    assert row_counts() == before


def test_a_refused_innovation_keeps_the_token_and_input_under_csrf_checks(leader, innovation):
    client = Client(enforce_csrf_checks=True)
    client.force_login(leader)
    before = row_counts()
    response = csrf_post(
        client, reverse("innovations:create"), {"title": "Family group conferencing"}
    )
    error_at(response, "title", "Your organisation already has an innovation of this title.")
    assert row_counts() == before
    created = csrf_post(client, reverse("innovations:create"), {"title": "Kinship navigators"})
    assert created.status_code == 303


def test_a_post_without_the_csrf_token_is_refused(leader, organisation):
    client = Client(enforce_csrf_checks=True)
    client.force_login(leader)
    before = row_counts()
    response = client.post(reverse("innovations:create"), {"title": "Kinship navigators"})
    assert response.status_code == 403
    assert row_counts() == before


def test_a_viewer_may_not_add_an_innovation(client_for, viewer, organisation):
    client = client_for(viewer)
    assert client.get(reverse("innovations:create")).status_code == 403
    before = row_counts()
    response = client.post(reverse("innovations:create"), {"title": "Kinship navigators"})
    assert response.status_code == 403
    assert "Only a leader or a role above it" in response.content.decode()
    assert row_counts() == before


def test_adding_an_innovation_asks_an_anonymous_person_to_sign_in(client, organisation):
    url = reverse("innovations:create")
    assert client.get(url)["Location"] == login_url(url)
    before = row_counts()
    response = client.post(url, {"title": "Kinship navigators"})
    assert response.status_code == 302
    assert row_counts() == before


def test_adding_an_innovation_answers_only_get_and_post(client_for, leader, organisation):
    assert client_for(leader).put(reverse("innovations:create")).status_code == 405


# The innovation page


def test_the_innovation_page_shows_the_wheel_and_the_parts(client_for, viewer, part):
    response = client_for(viewer).get(detail_url(part.innovation))
    assert response.status_code == 200
    html = response.content.decode()
    assert '<h1 class="govuk-heading-l">Family group conferencing</h1>' in html
    assert 'role="img"' in html
    assert "1. North team: active in Mobilising" in html
    assert 'id="overview"' in html


def test_the_innovation_page_offers_moves_only_to_those_who_may(client_for, viewer, leader, part):
    move = reverse("parts:move", args=[part.pk])
    assert move not in client_for(viewer).get(detail_url(part.innovation)).content.decode()
    assert move in client_for(leader).get(detail_url(part.innovation)).content.decode()


def test_the_innovation_page_for_htmx_is_the_overview_fragment(client_for, viewer, part):
    response = client_for(viewer).get(detail_url(part.innovation), **HTMX)
    assert response.status_code == 200
    html = response.content.decode()
    assert "<html" not in html
    assert "Where the parts stand on the wheel" in html
    assert "North team" in html
    assert "<h1" not in html


def test_the_innovation_page_of_another_organisation_is_not_found(client_for, outsider, part):
    assert client_for(outsider).get(detail_url(part.innovation)).status_code == 404


def test_a_missing_innovation_is_not_found(client_for, leader, innovation):
    url = reverse("innovations:detail", args=[innovation.pk + 1000])
    assert client_for(leader).get(url).status_code == 404


def test_the_innovation_page_asks_an_anonymous_person_to_sign_in(client, innovation):
    url = detail_url(innovation)
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"] == login_url(url)


def test_the_innovation_page_answers_only_get(client_for, leader, innovation):
    assert client_for(leader).post(detail_url(innovation)).status_code == 405


# Editing


def test_a_leader_edits_an_innovation(client_for, leader, innovation):
    innovation.tags = ["kinship", "edge of care"]
    innovation.save()
    url = reverse("innovations:edit", args=[innovation.pk])
    client = client_for(leader)
    form = client.get(url).content.decode()
    assert 'value="kinship, edge of care"' in form
    response = client.post(url, {"title": "Family group decision making", "tags": "kinship"})
    assert response.status_code == 303
    assert response["Location"] == detail_url(innovation)
    innovation.refresh_from_db()
    assert innovation.title == "Family group decision making"
    assert innovation.tags == ["kinship"]
    assert innovation.history.first().history_user == leader


def test_an_edit_to_a_blank_title_is_refused(client_for, leader, innovation):
    before = row_counts()
    response = client_for(leader).post(
        reverse("innovations:edit", args=[innovation.pk]), {"title": "", "summary": "Kept words"}
    )
    html = error_at(response, "title", "Enter the title")
    assert "Kept words" in html
    innovation.refresh_from_db()
    assert innovation.title == "Family group conferencing"
    assert row_counts() == before


def test_an_edit_to_another_innovations_title_is_refused(client_for, leader, innovation):
    InnovationFactory(organisation=innovation.organisation, title="Family hubs")
    before = row_counts()
    response = client_for(leader).post(
        reverse("innovations:edit", args=[innovation.pk]), {"title": "Family Hubs"}
    )
    error_at(response, "title", "Your organisation already has an innovation of this title.")
    assert row_counts() == before


@pytest.mark.parametrize(
    ("persona", "status"), [("leader", 200), ("manager", 200), ("viewer", 403), ("outsider", 404)]
)
def test_who_may_open_the_edit_form(request, client_for, innovation, persona, status):
    user = request.getfixturevalue(persona)
    url = reverse("innovations:edit", args=[innovation.pk])
    assert client_for(user).get(url).status_code == status


@pytest.mark.parametrize(("persona", "status"), [("viewer", 403), ("outsider", 404)])
def test_who_may_not_edit_changes_nothing(request, client_for, innovation, persona, status):
    user = request.getfixturevalue(persona)
    before = row_counts()
    response = client_for(user).post(
        reverse("innovations:edit", args=[innovation.pk]), {"title": "Taken over"}
    )
    assert response.status_code == status
    assert row_counts() == before
    innovation.refresh_from_db()
    assert innovation.title == "Family group conferencing"


def test_editing_asks_an_anonymous_person_to_sign_in(client, innovation):
    url = reverse("innovations:edit", args=[innovation.pk])
    assert client.get(url)["Location"] == login_url(url)


def test_editing_answers_only_get_and_post(client_for, leader, innovation):
    url = reverse("innovations:edit", args=[innovation.pk])
    assert client_for(leader).put(url).status_code == 405


# Closing and reopening


def test_closing_needs_what_was_learned(client_for, leader, innovation):
    before = row_counts()
    response = client_for(leader).post(
        reverse("innovations:close", args=[innovation.pk]),
        {"outcome": "mainstreamed", "learning": "   "},
    )
    error_at(response, "learning", "Say what was learned before closing.")
    innovation.refresh_from_db()
    assert innovation.status == InnovationStatus.OPEN
    assert row_counts() == before


def test_closing_needs_how_it_ended_and_keeps_what_was_typed(client_for, leader, part, innovation):
    before = row_counts()
    response = client_for(leader).post(
        reverse("innovations:close", args=[innovation.pk]), {"learning": "Evening meetings."}
    )
    html = error_at(response, "outcome", "Choose how the innovation ended.")
    assert "Evening meetings." in html
    innovation.refresh_from_db()
    part.refresh_from_db()
    assert (innovation.status, innovation.outcome, part.state) == ("open", "", "active")
    assert row_counts() == before


@pytest.mark.parametrize("value", ["not_recorded", "abandoned", ""])
def test_closing_refuses_an_outcome_not_offered(client_for, leader, innovation, value):
    before = row_counts()
    response = client_for(leader).post(
        reverse("innovations:close", args=[innovation.pk]),
        {"outcome": value, "learning": "Learned."},
    )
    assert response.status_code == 422
    assert 'id="id_outcome_error"' in response.content.decode()
    assert row_counts() == before


def test_the_close_page_offers_each_way_an_innovation_ends(client_for, leader, innovation):
    html = client_for(leader).get(reverse("innovations:close", args=[innovation.pk]))
    html = html.content.decode()
    for label in [
        "Mainstreamed into standard practice",
        "Handed to another organisation",
        "Stopped: no benefit shown",
        "Stopped: evidence of harm",
        "Stopped: funding ended",
        "Stopped: priorities changed",
        "Merged into another innovation",
        "Other",
    ]:
        assert label in html
    assert "Not recorded" not in html


def test_a_leader_closes_an_innovation_with_its_learning(client_for, leader, innovation):
    client = client_for(leader)
    url = reverse("innovations:close", args=[innovation.pk])
    assert "Close the innovation" in client.get(url).content.decode()
    response = client.post(
        url, {"outcome": "handed_over", "learning": "Families wanted evening meetings."}
    )
    assert response.status_code == 303
    assert response["Location"] == detail_url(innovation)
    innovation.refresh_from_db()
    assert innovation.status == InnovationStatus.CLOSED
    assert innovation.learning == "Families wanted evening meetings."
    assert innovation.outcome == "handed_over"
    assert innovation.closed_on == timezone.localdate()
    page = client.get(detail_url(innovation)).content.decode()
    assert "What we learned" in page
    assert "Families wanted evening meetings." in page
    assert "How it ended:</strong> Handed to another organisation" in page
    history = client.get(reverse("innovations:history", args=[innovation.pk]))
    assert "Handed to another organisation" in history.content.decode()
    assert "is closed. Its learning is kept." in page
    listing = client.get(reverse("innovations:list")).content.decode()
    assert "Family group conferencing" not in listing
    closed_listing = client.get(reverse("innovations:list"), {"status": "closed"})
    closed_listing = closed_listing.content.decode()
    assert "Family group conferencing" in closed_listing
    assert "Handed to another organisation" in closed_listing


def test_closing_stops_the_live_parts_by_moves_and_leaves_a_stopped_one(
    client_for, leader, innovation
):
    active = make_part(innovation, by=leader, name="North team")
    paused = make_part(innovation, by=leader, name="South team", stage=3)
    make_move(paused, "pause", by=leader, on=datetime.date(2024, 2, 1))
    stopped = make_part(innovation, by=leader, name="West team")
    make_move(stopped, "stop", by=leader, on=datetime.date(2024, 3, 1))
    response = client_for(leader).post(
        reverse("innovations:close", args=[innovation.pk]),
        {"outcome": "stopped_funding", "learning": "The grant ended."},
    )
    assert response.status_code == 303
    today = timezone.localdate()
    for part, stage in [(active, "Mobilising"), (paused, "Developing")]:
        part.refresh_from_db()
        assert (part.state, part.stage.name, part.state_since) == ("stopped", stage, today)
        move = Move.objects.filter(part=part).order_by("-seq").first()
        assert (move.kind, move.reason, move.effective_on, move.recorded_by) == (
            "stop",
            "funding",
            today,
            leader,
        )
        assert move.rationale == (
            "Stopped when the innovation was closed (stopped: funding ended)."
        )
        assert part.history.first().history_change_reason.startswith(f"Move {move.seq}: ")
    assert Move.objects.filter(part=stopped).count() == 2
    assert Move.objects.filter(part__innovation=innovation).count() == 7
    page = client_for(leader).get(detail_url(innovation)).content.decode()
    assert "North team: stopped in Mobilising" in page
    assert "South team: stopped in Developing" in page
    assert "app-tag--active" not in page
    assert page.count("app-tag--stopped") == 3


@pytest.mark.parametrize(("persona", "status"), [("viewer", 403), ("outsider", 404)])
def test_who_may_not_close_changes_nothing(request, client_for, innovation, persona, status):
    user = request.getfixturevalue(persona)
    url = reverse("innovations:close", args=[innovation.pk])
    client = client_for(user)
    assert client.get(url).status_code == status
    assert client.post(url, {"outcome": "other", "learning": "Nothing."}).status_code == status
    innovation.refresh_from_db()
    assert innovation.status == InnovationStatus.OPEN


def test_closing_asks_an_anonymous_person_to_sign_in(client, innovation):
    url = reverse("innovations:close", args=[innovation.pk])
    assert client.post(url, {"outcome": "other", "learning": "x"})["Location"] == login_url(url)
    innovation.refresh_from_db()
    assert innovation.status == InnovationStatus.OPEN


def test_closing_answers_only_get_and_post(client_for, leader, innovation):
    url = reverse("innovations:close", args=[innovation.pk])
    assert client_for(leader).put(url).status_code == 405


@pytest.fixture
def closed(innovation):
    innovation.status = InnovationStatus.CLOSED
    innovation.learning = "Families wanted evening meetings."
    innovation.outcome = "mainstreamed"
    innovation.closed_on = datetime.date(2024, 6, 1)
    innovation.save()
    return innovation


def test_closing_a_closed_innovation_goes_back_to_it(client_for, leader, closed):
    client = client_for(leader)
    response = client.get(reverse("innovations:close", args=[closed.pk]))
    assert response.status_code == 303
    assert response["Location"] == detail_url(closed)
    assert "This innovation is already closed." in client.get(detail_url(closed)).content.decode()


def test_a_leader_reopens_a_closed_innovation(client_for, leader, closed):
    client = client_for(leader)
    reopen = reverse("innovations:reopen", args=[closed.pk])
    assert reopen in client.get(detail_url(closed)).content.decode()
    page = client.get(reopen)
    assert page.status_code == 200
    html = page.content.decode()
    assert "Reopen the innovation" in html
    assert "No part was stopped by the closing" in html
    response = client.post(reopen)
    assert response.status_code == 303
    assert response["Location"] == detail_url(closed)
    closed.refresh_from_db()
    assert closed.status == InnovationStatus.OPEN
    assert closed.closed_on is None
    assert closed.outcome == ""
    assert closed.learning == "Families wanted evening meetings."
    assert (
        "Family group conferencing is open again."
        in client.get(detail_url(closed)).content.decode()
    )


@pytest.fixture
def closed_with_parts(innovation, leader):
    """North team (Designing) and South team (paused at Developing) stopped by the closing;
    West team stopped before it."""
    north = make_part(innovation, by=leader, name="North team")
    make_move(north, "advance", by=leader, on=datetime.date(2024, 2, 1))
    south = make_part(innovation, by=leader, name="South team", stage=3)
    make_move(south, "pause", by=leader, on=datetime.date(2024, 2, 1))
    west = make_part(innovation, by=leader, name="West team")
    make_move(west, "stop", by=leader, on=datetime.date(2024, 3, 1))
    services.close_innovation(
        innovation,
        by=leader,
        outcome="stopped_priorities",
        learning="Other work came first.",
        closed_on=datetime.date(2024, 6, 1),
    )
    return north, south, west


def test_the_reopen_page_offers_the_parts_the_closing_stopped_ticked(
    client_for, leader, innovation, closed_with_parts
):
    html = client_for(leader).get(reverse("innovations:reopen", args=[innovation.pk]))
    html = html.content.decode()
    north, south, west = closed_with_parts
    assert "It was closed on 1 June 2024 (stopped: priorities changed)." in html
    assert "North team, stopped in Designing" in html
    assert "South team, stopped in Developing" in html
    assert "West team" not in html
    for part in (north, south):
        assert f'value="{part.pk}"' in html
    assert html.count("checked") == 2


def test_reopening_restarts_the_chosen_parts_only(
    client_for, leader, innovation, closed_with_parts
):
    north, south, west = closed_with_parts
    client = client_for(leader)
    response = client.post(
        reverse("innovations:reopen", args=[innovation.pk]), {"restart": north.pk}
    )
    assert response.status_code == 303
    innovation.refresh_from_db()
    assert innovation.status == InnovationStatus.OPEN
    for part in closed_with_parts:
        part.refresh_from_db()
    assert (north.state, north.stage.name) == ("active", "Designing")
    assert (south.state, south.stage.name) == ("stopped", "Developing")
    assert (west.state, west.stage.name) == ("stopped", "Mobilising")
    restart = Move.objects.filter(part=north).order_by("-seq").first()
    assert (restart.kind, restart.to_stage.name, restart.effective_on) == (
        "restart",
        "Designing",
        timezone.localdate(),
    )
    assert not Move.objects.filter(part__in=[south, west], kind="restart").exists()
    assert (
        "Family group conferencing is open again. Restarted: North team."
        in client.get(detail_url(innovation)).content.decode()
    )


def test_reopening_refuses_a_part_the_closing_did_not_stop(
    client_for, leader, innovation, closed_with_parts
):
    north, south, west = closed_with_parts
    before = row_counts()
    response = client_for(leader).post(
        reverse("innovations:reopen", args=[innovation.pk]), {"restart": [north.pk, west.pk]}
    )
    assert response.status_code == 422
    assert 'id="id_restart_error"' in response.content.decode()
    innovation.refresh_from_db()
    assert innovation.status == InnovationStatus.CLOSED
    assert row_counts() == before


def test_reopening_an_open_innovation_goes_back_to_it(client_for, leader, innovation):
    response = client_for(leader).get(reverse("innovations:reopen", args=[innovation.pk]))
    assert response.status_code == 303
    assert response["Location"] == detail_url(innovation)


def test_reopening_answers_only_get_and_post(client_for, leader, closed):
    assert (
        client_for(leader).put(reverse("innovations:reopen", args=[closed.pk])).status_code == 405
    )
    closed.refresh_from_db()
    assert closed.status == InnovationStatus.CLOSED


@pytest.mark.parametrize(("persona", "status"), [("viewer", 403), ("outsider", 404)])
def test_who_may_not_reopen_changes_nothing(request, client_for, closed, persona, status):
    user = request.getfixturevalue(persona)
    url = reverse("innovations:reopen", args=[closed.pk])
    assert client_for(user).get(url).status_code == status
    assert client_for(user).post(url).status_code == status
    closed.refresh_from_db()
    assert closed.status == InnovationStatus.CLOSED


def test_reopening_asks_an_anonymous_person_to_sign_in(client, closed):
    url = reverse("innovations:reopen", args=[closed.pk])
    assert client.post(url)["Location"] == login_url(url)


def test_a_viewer_is_not_offered_to_reopen(client_for, viewer, closed):
    assert (
        "Reopen the innovation" not in client_for(viewer).get(detail_url(closed)).content.decode()
    )


def test_a_closed_innovation_refuses_moves(client_for, leader, part, closed):
    client = client_for(leader)
    response = client.post(
        reverse("parts:move", args=[part.pk]),
        {"kind": "advance", "effective_on": "2024-02-01", "expected_version": 1},
    )
    assert response.status_code == 303
    assert response["Location"] == detail_url(closed)
    assert Move.objects.filter(part=part).count() == 1
    page = client.get(response["Location"]).content.decode()
    assert "This innovation is closed: reopen it to change its parts." in page


def test_a_closed_innovation_refuses_new_parts(client_for, leader, closed):
    before = row_counts()
    response = client_for(leader).post(
        reverse("innovations:add-part", args=[closed.pk]),
        {"name": "South team", "kind": "team", "stage": 1, "effective_on": "2024-02-01"},
    )
    assert response.status_code == 303
    assert row_counts() == before
