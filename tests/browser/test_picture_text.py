"""The words inside the pictures (the journey timeline, the flow over time, the median days in
each stage and the wheels of an innovation and of the portfolio), measured in Chromium as drawn:
their size in CSS pixels is their computed font size times the picture's scale on screen. At
1280 px they are read as drawn; zoomed to 200% (a 640 px viewport at twice the pixel density)
they are drawn at least as large in CSS pixels, so twice as large on the screen; at 320 px (a
phone, or 400% zoom) each picture gives way to the table or list that tells the same facts, as
its words would otherwise be smaller than the body text's."""

import datetime

import pytest
from playwright.sync_api import expect

from stages.models import Role
from tests.browser.conftest import _close, _page, login
from tests.factories import (
    PASSWORD,
    InnovationFactory,
    MembershipFactory,
    UserFactory,
    make_move,
    make_part,
)

pytestmark = pytest.mark.django_db(transaction=True)

# The smallest word in a picture, in CSS px, or None when the picture is not drawn.
SMALLEST_WORD = """(selector) => {
    const svg = document.querySelector(selector);
    if (!svg || svg.getClientRects().length === 0) return null;
    const sizes = Array.from(svg.querySelectorAll('text')).map(
        t => parseFloat(getComputedStyle(t).fontSize) * t.getScreenCTM().a);
    return Math.min(...sizes);
}"""
BODY_TEXT = (
    "() => parseFloat(getComputedStyle(document.querySelector('main .govuk-body')).fontSize)"
)


@pytest.fixture
def pictures(stages):
    """A leader's innovation of three parts that moved over a year: a timeline, a flow and
    median days to draw."""
    membership = MembershipFactory(
        role=Role.LEADER, user=UserFactory(username="sam", first_name="Sam", last_name="Patel")
    )
    innovation = InnovationFactory(organisation=membership.organisation, title="Family hubs")
    today = datetime.date.today()
    year_ago = today - datetime.timedelta(days=365)
    for index, name in enumerate(["North locality", "South locality", "East locality"]):
        part = make_part(innovation, by=membership.user, name=name, on=year_ago)
        make_move(
            part,
            "advance",
            by=membership.user,
            on=year_ago + datetime.timedelta(days=60 + index * 30),
        )
        make_move(part, "advance", by=membership.user, on=year_ago + datetime.timedelta(days=200))
    return innovation


def pages(live_server, innovation):
    """(address, the picture, what stands in for it at 320 px: a table's caption or a list)."""
    return [
        (
            f"{live_server.url}/innovations/{innovation.pk}/timeline/",
            ".app-timeline",
            'caption:has-text("Moves up to")',
        ),
        (
            f"{live_server.url}/dashboard/flow/",
            ".app-chart--flow",
            'caption:has-text("at the end of each month")',
        ),
        (
            f"{live_server.url}/dashboard/durations/",
            ".app-chart--medians",
            'caption:has-text("Median active days")',
        ),
        (
            f"{live_server.url}/innovations/{innovation.pk}/",
            ".app-wheel",
            'ol[aria-label="Parts by number on the wheel"]',
        ),
        (
            f"{live_server.url}/dashboard/",
            ".app-wheel",
            'caption:has-text("Parts in each stage")',
        ),
    ]


def measure(chromium, live_server, innovation, viewport, scale):
    """{address: (smallest word in CSS px or None, body text in CSS px, stand-in shown)}."""
    context, page = _page(chromium, device_scale_factor=scale)
    page.set_viewport_size(viewport)
    login(page, live_server, "sam", PASSWORD)
    found = {}
    for url, picture, stand_in in pages(live_server, innovation):
        page.goto(url)
        found[url] = (
            page.evaluate(SMALLEST_WORD, picture),
            page.evaluate(BODY_TEXT),
            page.locator(stand_in).first.is_visible(),
        )
        if found[url][0] is None:
            expect(page.locator(".app-narrow-only").first).to_be_visible()
    _close(context, page)
    return found


def test_words_in_the_wide_pictures_grow_with_zoom_and_give_way_to_tables_on_a_phone(
    chromium, live_server, pictures
):
    wide = measure(chromium, live_server, pictures, {"width": 1280, "height": 800}, 1)
    zoomed = measure(chromium, live_server, pictures, {"width": 640, "height": 800}, 2)
    phone = measure(chromium, live_server, pictures, {"width": 320, "height": 800}, 1)
    for picture in wide:
        smallest, _body, table = wide[picture]
        assert smallest is not None and table, picture
        assert smallest >= 12, f"{picture}: {smallest:.1f} px at 1280 px"
        # At 200% the words are as large in CSS px as at 100%: twice as large on the screen.
        at_200, _body, table = zoomed[picture]
        assert at_200 is not None and at_200 >= smallest * 0.99, (picture, smallest, at_200)
        # At 320 px the picture is left out for its table (its words would be smaller than
        # the body text's), or its words are at least the body text's size.
        at_320, body, table = phone[picture]
        assert table, picture
        assert at_320 is None or at_320 >= body, (picture, at_320, body)
    # Today every one of them gives way at 320 px, the wheels included.
    assert [phone[p][0] for p in phone] == [None, None, None, None, None]
