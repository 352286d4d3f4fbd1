"""Every stage bar of the journey timeline and every stage segment of the flow over time carries
its stage's number, so that no stage is told by colour alone: on a white badge where it has
room, else below the bar (the timeline) or beside it (the flow), joined to it by a thin line
where it is not level with it, and no number over another."""

import re
import xml.etree.ElementTree as ET
from datetime import date, timedelta
from itertools import combinations

import pytest

from innovate.pictures.dashboard import flow_bars_svg
from innovate.pictures.timeline import timeline_svg
from stages.models import State

pytestmark = pytest.mark.django_db

SVG = "{http://www.w3.org/2000/svg}"
START, END = date(2019, 1, 1), date(2026, 6, 30)


def segment(start, days, stage, state="active"):
    return {"start": start, "end": start + timedelta(days=days), "stage": stage, "state": state}


def journey():
    """A lane with two days in Designing and two paused in Testing among years; a lane whose
    last stretch is two days long; a lane of thirty short stretches in a row."""
    short = date(2022, 3, 1)
    first = [
        segment(START, (short - START).days, 1),
        segment(short, 2, 2),
        segment(short + timedelta(days=2), 2, 3, "paused"),
        segment(short + timedelta(days=4), (END - short).days - 4, 4),
    ]
    recent = END - timedelta(days=2)
    second = [segment(START, (recent - START).days, 5), segment(recent, 2, 6)]
    third = [segment(date(2024, 1, 1) + timedelta(days=3 * n), 3, n % 6 + 1) for n in range(30)]
    return [("North team", first, []), ("South team", second, []), ("East team", third, [])]


def flow_points(months):
    """A chart of `months` month ends; each has one part in Designing, one paused in Testing,
    two in System Change (segments too short for a badge) among forty in Mobilising."""
    points = []
    for n in range(months):
        counts = {stage: {state: 0 for state in State.values} for stage in range(1, 7)}
        counts[1][State.ACTIVE] = 40
        counts[2][State.ACTIVE] = 1
        counts[3][State.PAUSED] = 1
        counts[4][State.ACTIVE] = 12
        counts[6][State.ACTIVE] = 2 if n % 2 else 0
        counts[5][State.STOPPED] = 1
        points.append((date(2025, 1, 1) + timedelta(days=31 * n), counts))
    return points


def stage_of(rect):
    return int(re.search(r"app-stage-(\d)", rect.get("class")).group(1))


def numbered(svg, shape):
    """[(the shape, the number's text, the leader or None)] for each stage bar or segment, the
    number being the first text after it in the picture and before the next."""
    elements = list(ET.fromstring(svg).iter())
    found = []
    for index, element in enumerate(elements):
        if element.tag != f"{SVG}rect" or shape not in (element.get("class") or ""):
            continue
        text = leader = None
        for after in elements[index + 1 :]:
            if after.tag == f"{SVG}rect" and shape in (after.get("class") or ""):
                break
            if after.tag == f"{SVG}line" and "app-picture__leader" in after.get("class", ""):
                leader = after
            if after.tag == f"{SVG}text":
                text = after
                break
        found.append((element, text, leader))
    return found


def box(text):
    """About the box of a one-digit number in 12 px bold (7 px wide in Arial)."""
    x, y = float(text.get("x")), float(text.get("y"))
    left = x - 3.5 if text.get("text-anchor") == "middle" else x
    return left, y - 9, left + 7, y + 1


def apart(texts):
    for a, b in combinations([box(t) for t in texts], 2):
        assert a[2] <= b[0] or b[2] <= a[0] or a[3] <= b[1] or b[3] <= a[1], (a, b)


def test_every_bar_of_the_timeline_has_its_stage_number_on_it_or_below_it():
    svg = str(timeline_svg(journey(), start=START, end=END, title="Journey"))
    bars = numbered(svg, "app-timeline__bar")
    assert len(bars) == 4 + 2 + 30
    beside = after = 0
    for rect, text, leader in bars:
        assert text is not None and text.text == str(stage_of(rect)), rect.get("x")
        left = float(rect.get("x"))
        right = left + float(rect.get("width"))
        top = float(rect.get("y"))
        bottom = top + float(rect.get("height"))
        if leader is not None:
            beside += 1
            # The line starts on the bar, just below it, and ends at its number.
            assert left - 0.1 <= float(leader.get("x1")) <= right + 0.1
            assert abs(float(leader.get("y1")) - bottom) <= 1
            assert float(leader.get("x2")) == float(text.get("x"))
            assert float(text.get("y")) > bottom
        elif not left <= float(text.get("x")) <= right:
            # The last bars of a lane: their numbers after its end, on its line, in order.
            after += 1
            assert float(text.get("x")) > right
            assert top < float(text.get("y")) < bottom
    # The two-day stretches and the thirty short ones are labelled below; the recent one and
    # the last short ones after the end of their lanes.
    assert beside >= 2 + 27 and after >= 1 + 3, (beside, after)
    apart([text for _rect, text, _leader in bars])


def test_every_segment_of_the_flow_has_its_stage_number_on_it_or_beside_it():
    for months in (6, 12, 24, 36):
        svg = str(flow_bars_svg(flow_points(months), title="Flow"))
        segments = numbered(svg, "app-chart__segment")
        assert len(segments) == months * 4 + months // 2, months
        beside = 0
        for rect, text, leader in segments:
            assert text is not None and text.text == str(stage_of(rect)), (months, rect.get("y"))
            right = float(rect.get("x")) + float(rect.get("width"))
            top = float(rect.get("y"))
            bottom = top + float(rect.get("height"))
            if float(text.get("x")) < right:
                continue  # on its badge
            beside += 1
            # Just right of the bar: level with its segment, or joined to it by a line.
            assert float(text.get("x")) - right <= 3
            if leader is None:
                assert top - 0.1 <= float(text.get("y")) - 4.5 <= bottom + 0.1
            else:
                assert abs(float(leader.get("x1")) - right) <= 1
                assert top - 0.1 <= float(leader.get("y1")) <= bottom + 0.1
                assert abs(float(leader.get("y2")) - (float(text.get("y")) - 4.5)) <= 5
        assert beside >= months * 2 + months // 2, months
        apart([text for _rect, text, _leader in segments])
        # The numbers beside a bar stay clear of the next bar.
        xs = sorted({float(rect.get("x")) for rect, _text, _leader in segments})
        width = float(segments[0][0].get("width"))
        for rect, text, _leader in segments:
            x = float(rect.get("x"))
            if float(text.get("x")) > x + width:
                following = [n for n in xs if n > x]
                if following:
                    assert box(text)[2] + 3 <= following[0], months
        assert width >= 10, months
