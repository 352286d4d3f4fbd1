"""Pages that many read and few change are cached under the organisation's version: a repeat
read costs three queries (the session, the person and their memberships), and any change is
seen at once."""

from datetime import date, timedelta

import pytest
from django.core.cache import caches
from django.urls import reverse
from django.utils import timezone

from innovate.caching import BoundedLocMemCache, key_for, version_of
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
    queries = 3 if page == "dashboard:portfolio" else 4  # + the innovation itself
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


# The cache is bounded by size as well as by count


def bounded(name, **options):
    backend = BoundedLocMemCache(name, {"OPTIONS": {"MAX_ENTRIES": 100, **options}})
    backend.clear()
    return backend


def pickled_sizes(backend):
    """What the entries weigh, measured apart from the backend's own account."""
    return sum(len(key) + len(value) for key, value in backend._cache.items())


def test_the_cache_of_every_worker_is_bounded_by_size(settings):
    assert isinstance(caches["default"], BoundedLocMemCache)
    options = settings.CACHES["default"]["OPTIONS"]
    assert options["MAX_BYTES"] == settings.CACHE_MAX_BYTES == 32 * 1024 * 1024
    assert options["MAX_ENTRY_BYTES"] == settings.CACHE_MAX_ENTRY_BYTES == 1024 * 1024


def test_an_entry_larger_than_the_entry_limit_is_not_kept():
    backend = bounded("entry-limit", MAX_BYTES=10_000, MAX_ENTRY_BYTES=1_000)
    backend.set("page", "x" * 100)
    backend.set("huge", "x" * 2_000)
    assert backend.add("huge", "x" * 2_000) is False
    assert backend.get("page") == "x" * 100
    assert backend.get("huge") is None
    # A value too large to keep replaces the old one by nothing: never a stale value.
    backend.set("page", "y" * 2_000)
    assert backend.get("page") is None
    assert backend.held_bytes == 0 == pickled_sizes(backend)


def test_the_least_recently_used_entries_go_to_keep_the_total_under_its_limit():
    backend = bounded("lru", MAX_BYTES=5_000, MAX_ENTRY_BYTES=2_000)
    for n in range(3):
        backend.set(f"page-{n}", "x" * 1_500)
    assert backend.get("page-0")  # page-1 is now the least recently used
    backend.set("page-3", "x" * 1_500)
    assert backend.get("page-1") is None
    assert all(backend.get(f"page-{n}") for n in (0, 2, 3))
    assert backend.held_bytes == pickled_sizes(backend) <= 5_000


def test_the_cache_accounts_for_its_bytes_through_every_operation():
    backend = bounded("accounts", MAX_BYTES=100_000, MAX_ENTRY_BYTES=10_000)
    steps = [
        lambda: backend.set("a", "x" * 100),
        lambda: backend.set("a", "y" * 900),
        lambda: backend.add("a", "z"),
        lambda: backend.add("b", "z" * 50),
        lambda: backend.set("n", 1),
        lambda: backend.incr("n", 10**40),
        lambda: backend.set_many({"c": [1, 2, 3], "d": {"e": "f" * 300}}),
        lambda: backend.delete("c"),
        lambda: backend.set("gone", "w" * 500, timeout=0),
        lambda: backend.get("gone"),
        lambda: backend.touch("a", 60),
    ]
    for step in steps:
        step()
        assert backend.held_bytes == pickled_sizes(backend)
    assert backend.get("n") == 1 + 10**40
    assert backend.held_bytes > 0
    backend.clear()
    assert backend.held_bytes == 0


def test_many_distinct_as_of_dates_leave_the_cache_under_its_limit(
    settings, client_for, viewer, innovation, moved
):
    limit = 40_000
    settings.CACHES = {
        "default": {
            "BACKEND": "innovate.caching.BoundedLocMemCache",
            "OPTIONS": {"MAX_ENTRIES": 200, "MAX_BYTES": limit, "MAX_ENTRY_BYTES": 20_000},
        }
    }
    backend = caches["default"]
    client = client_for(viewer)
    url = reverse("innovations:timeline", args=[innovation.pk])
    dates = [date(2024, 1, 1) + timedelta(days=n) for n in range(60)]
    largest = 0
    for day in dates:
        assert client.get(url, {"as_of": day.isoformat()}).status_code == 200
        assert backend.held_bytes == pickled_sizes(backend) <= limit
        largest = max(largest, *(len(value) for value in backend._cache.values()))
    pictures = [key for key in backend._cache if ":innovate:timeline:" in key]
    # Sixty pictures would not fit: the oldest went, the newest are served from the cache.
    assert largest * 60 > limit
    assert 0 < len(pictures) < 60
    organisation = innovation.organisation
    organisation.refresh_from_db()
    innovation.refresh_from_db()
    today = timezone.localdate()
    # Kept under the innovation's version (with the organisation's shared one).
    version = version_of(organisation, innovation)
    newest = key_for(organisation, "timeline", innovation.pk, dates[-1], today, None)
    assert backend.has_key(newest, version=version)
    oldest = key_for(organisation, "timeline", innovation.pk, dates[0], today, None)
    assert not backend.has_key(oldest, version=version)
