"""The rendered fragments of the innovation page, the timeline and the dashboard are kept in the
cache under the version of what they show: a write rebuilds only the pages it changes, and a
cached page is never stale."""

import re
from datetime import date

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from innovate import caching
from stages.models import Innovation, Organisation
from stages.services import bump_version
from tests.factories import InnovationFactory, make_move, make_part


@pytest.fixture
def two(organisation, leader):
    """Two innovations of one organisation, a part in each."""
    first = InnovationFactory(organisation=organisation, title="Family group conferencing")
    second = InnovationFactory(organisation=organisation, title="Kinship peer support")
    return (
        first,
        make_part(first, by=leader, name="North team", on=date(2024, 1, 1)),
        second,
        make_part(second, by=leader, name="South team", on=date(2024, 1, 1)),
    )


def queries_for(client, url):
    """(the number of queries a GET of `url` ran, its HTML)."""
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured), response.content.decode()


@pytest.mark.parametrize("page", ["innovations:detail", "innovations:timeline"])
def test_a_move_rebuilds_its_innovations_page_and_no_other(client, leader, two, page):
    first, north, second, south = two
    client.force_login(leader)
    first_url, second_url = reverse(page, args=[first.pk]), reverse(page, args=[second.pk])
    client.get(first_url)
    built, _ = queries_for(client, second_url)
    warm, _ = queries_for(client, second_url)
    assert warm < built

    make_move(north, "advance", by=leader, on=date(2024, 2, 1))

    # The other innovation's page is still the one in the cache: a hit, not a rebuild.
    after, _ = queries_for(client, second_url)
    assert after == warm
    # The moved innovation's page is rebuilt at once: never stale.
    rebuilt, html = queries_for(client, first_url)
    assert rebuilt > warm
    assert "Designing" in html


def test_a_change_to_the_organisation_rebuilds_every_innovations_page(client, leader, two):
    first, north, second, south = two
    client.force_login(leader)
    url = reverse("innovations:detail", args=[second.pk])
    built, _ = queries_for(client, url)
    warm, _ = queries_for(client, url)
    bump_version(second.organisation_id)  # a change that is no one innovation's alone
    assert queries_for(client, url)[0] > warm


def test_the_dashboard_is_rebuilt_after_a_move_and_shows_it(client, leader, two):
    first, north, second, south = two
    client.force_login(leader)
    url = reverse("dashboard:portfolio")
    client.get(url)
    warm, html = queries_for(client, url)
    make_move(north, "advance", by=leader, on=date(2024, 2, 1))
    rebuilt, html = queries_for(client, url)
    assert rebuilt > warm
    assert "North team" in html


def test_a_move_bumps_its_innovations_version_and_not_the_others(leader, two):
    first, north, second, south = two
    before = dict(Innovation.objects.values_list("pk", "version"))
    shared = Organisation.objects.get(pk=first.organisation_id).shared_version
    make_move(north, "advance", by=leader, on=date(2024, 2, 1))
    after = dict(Innovation.objects.values_list("pk", "version"))
    assert after[first.pk] == before[first.pk] + 1
    assert after[second.pk] == before[second.pk]
    assert Organisation.objects.get(pk=first.organisation_id).shared_version == shared


def test_a_cached_fragment_carries_each_visitors_own_csrf_token(rf, organisation, settings):
    """The fragment is rendered once, with a mark where the token goes; each visitor gets
    their own token in its place."""
    settings.TEMPLATES = [
        {
            "BACKEND": "django.template.backends.django.DjangoTemplates",
            "OPTIONS": {
                "loaders": [
                    (
                        "django.template.loaders.locmem.Loader",
                        {"form.html": '<form method="post">{% csrf_token %}</form>'},
                    )
                ],
                "context_processors": ["django.template.context_processors.request"],
            },
        }
    ]
    seen = []
    for _ in range(2):
        request = rf.get("/")
        html = caching.fragment(
            request, "form.html", dict, organisation=organisation, name="form", parts=()
        )
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
        assert token == request.META["CSRF_COOKIE"] or token != caching.CSRF_MARK
        assert _unmasked(token) == request.META["CSRF_COOKIE"]
        seen.append(token)
    # One entry in the cache, with the mark in it; a different token for each visitor.
    kept = cache.get(caching.key_for(organisation, "form"), version=str(organisation.version))
    assert caching.CSRF_MARK in kept[0]
    assert seen[0] != seen[1]


def _unmasked(token):
    from django.middleware.csrf import _unmask_cipher_token

    return _unmask_cipher_token(token)
