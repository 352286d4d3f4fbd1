"""Pages that many read and few change are cached under the organisation's version: a repeat
read costs two queries (the person and their memberships), and any change is seen at once."""

from datetime import date

import pytest
from django.urls import reverse

from stages import services
from tests.factories import make_part


@pytest.fixture
def moved(innovation, leader):
    part = make_part(innovation, by=leader, name="North team")
    services.move_part(part, kind="advance", by=leader, effective_on=date(2024, 2, 1))
    return part


@pytest.mark.parametrize(
    "page",
    ["dashboard:portfolio", "innovations:detail", "innovations:timeline"],
)
def test_a_repeat_read_is_served_from_the_cache_and_a_move_is_seen_at_once(
    page, client, viewer, leader, innovation, moved, django_assert_num_queries
):
    client.force_login(viewer)
    url = reverse(page, args=[innovation.pk] if page.startswith("innovations") else [])
    first = client.get(url).content.decode()
    assert "North team" in first and "Designing" in first
    queries = 2 if page == "dashboard:portfolio" else 3  # + the innovation itself
    with django_assert_num_queries(queries):
        again = client.get(url)
    assert again.status_code == 200
    assert "North team" in again.content.decode()

    services.move_part(
        moved,
        kind="pause",
        by=leader,
        reason="funding",
        rationale="Budget review.",
        effective_on=date(2024, 3, 1),
    )
    after = client.get(url).content.decode()
    assert "paused" in after.lower()
    assert after != again.content.decode()


def test_the_cache_is_per_organisation(client, viewer, outsider, innovation, moved):
    client.force_login(viewer)
    assert "North team" in client.get(reverse("dashboard:portfolio")).content.decode()
    client.force_login(outsider)
    assert "North team" not in client.get(reverse("dashboard:portfolio")).content.decode()
