"""The menu item a page lights up comes from its area (innovate.http.respond), set once for
every page of the area rather than by each view."""

import re

import pytest
from django.urls import reverse

from tests.innovate.test_access_matrix import kwargs_for, team, world  # noqa: F401

# url name: the menu item shown as the current page (None: no item is).
CURRENT = {
    "innovations:list": "Innovations",
    "innovations:detail": "Innovations",
    "innovations:timeline": "Innovations",
    "innovations:history": "Innovations",
    "innovations:create": "Innovations",
    "parts:move": "Innovations",
    "evidence:measures": "Innovations",
    "evidence:measure": "Innovations",
    "evidence:check": "Innovations",
    "evidence:ethics": "Innovations",
    "sessions:list": "Innovations",
    "sessions:detail": "Innovations",
    "sessions:summary": "Innovations",
    "dashboard:portfolio": "Dashboard",
    "dashboard:durations": "Dashboard",
    "dashboard:compare": "Dashboard",
    "dashboard:my-work": "My work",
    "framework": "The framework",
    "people:list": "People",
    "people:invite": "People",
    "people:role": "People",
    "switch-organisation": None,
    "notices:privacy": None,
    # The invitation link is the invited person's page, not the manager's People page.
    "people:accept": None,
}


def current_items(html):
    """The items of the menu at the top (not a page's own tabs) marked as the current page."""
    return re.findall(
        r'class="govuk-service-navigation__link" href="[^"]*" aria-current="page">([^<]+)</a>',
        html,
    )


@pytest.mark.parametrize("name", sorted(CURRENT))
def test_each_page_lights_up_the_menu_item_of_its_area(name, world, client, manager):  # noqa: F811
    client.force_login(manager)
    response = client.get(reverse(name, kwargs=kwargs_for(name, world)))
    assert response.status_code == 200
    expected = CURRENT[name]
    assert current_items(response.content.decode()) == ([expected] if expected else [])


def test_a_refused_form_keeps_the_menu_item_of_its_area(client, leader):
    client.force_login(leader)
    response = client.post(reverse("innovations:create"), {})
    assert response.status_code == 422
    assert current_items(response.content.decode()) == ["Innovations"]


def test_a_page_not_found_in_an_area_lights_up_no_menu_item(client, leader):
    client.force_login(leader)
    response = client.get(reverse("innovations:detail", args=[999999]))
    assert response.status_code == 404
    assert current_items(response.content.decode()) == []
