"""The glossary explains the framework's words, and every picture's key leads to it."""

import datetime
import re

import pytest
from django.urls import reverse

from tests.factories import make_move

GLOSSARY = reverse("glossary")
TERMS = [
    "Stage",
    "Part",
    "Round",
    "Advance",
    "Rewind",
    "Pause",
    "Resume",
    "Stop",
    "Restart",
    "Go round again",
    "Void",
    "Criterion",
    "Key question",
    "Reflection prompts",
]


def terms(html):
    return re.findall(r'<dt class="govuk-summary-list__key">([^<]+)</dt>', html)


@pytest.mark.parametrize("persona", ["anonymous", "viewer", "leader", "facilitator", "manager"])
def test_the_glossary_explains_each_word_of_the_framework(request, client_for, db, persona):
    user = None if persona == "anonymous" else request.getfixturevalue(persona)
    response = client_for(user).get(GLOSSARY)
    assert response.status_code == 200
    html = response.content.decode()
    assert '<h1 class="govuk-heading-l">Glossary</h1>' in html
    assert set(TERMS) <= set(terms(html))
    assert "1. Mobilising, 2. Designing" in html
    assert "6. System Change" in html
    assert 'id="void"' in html and "the void says which move it cancelled" in html
    assert f'href="{GLOSSARY}">Glossary</a>' in html  # in the footer of every page


def test_the_glossary_answers_only_get(client_for, viewer):
    assert client_for(viewer).post(GLOSSARY).status_code == 405


def keys(html):
    """The keys of the page's pictures: each <ul class="app-key …"> … </ul>."""
    return re.findall(r'<ul class="app-key[^"]*"[^>]*aria-label="Key[^"]*">(.*?)</ul>', html, re.S)


@pytest.mark.parametrize(
    "page",
    ["innovation", "timeline", "portfolio", "flow", "report"],
)
def test_every_pictures_key_links_to_the_glossary(client_for, manager, part, leader, page):
    make_move(part, "advance", by=leader, on=datetime.date(2024, 2, 1))
    make_move(part, "pause", by=leader, on=datetime.date(2024, 3, 1))
    url = {
        "innovation": part.innovation.get_absolute_url(),
        "timeline": reverse("innovations:timeline", args=[part.innovation.pk]),
        "portfolio": reverse("dashboard:portfolio"),
        "flow": reverse("dashboard:flow"),
        "report": reverse("dashboard:report"),
    }[page]
    html = client_for(manager).get(url).content.decode()
    found = keys(html)
    assert found, f"no key on the {page} page"
    for key in found:
        assert f'href="{GLOSSARY}#' in key
