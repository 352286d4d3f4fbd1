"""The pictures' size is bounded whatever the data: a long journey is summarised by period in
the timeline, and many parts are counted per stage on the wheel."""

import re
from datetime import date, timedelta

import pytest

from innovate.pictures import timeline, wheel
from innovate.pictures.timeline import timeline_svg
from innovate.pictures.wheel import Marker, wheel_svg

# The pictures name the stages as their rows do.
pytestmark = pytest.mark.django_db

START = date(2010, 1, 1)


def long_journey(moves):
    """A lane of `moves` segments: two days active in Designing, then one day paused in
    Mobilising (a rewind mark there), over and over."""
    segments, events = [], []
    day = START
    for n in range(moves):
        stage, state, length = (2, "active", 2) if n % 2 == 0 else (1, "paused", 1)
        segments.append(
            {"start": day, "end": day + timedelta(days=length), "stage": stage, "state": state}
        )
        if stage == 1:
            events.append((day, "rewind", f"North team rewound to Mobilising on {day}", False))
        day += timedelta(days=length)
    return segments, events, day


def bars(svg):
    """The stage bars of a timeline (not the hatching laid over paused ones)."""
    return re.findall(r'<rect [^>]*height="\d+" class="app-stage-', svg)


def test_a_lane_of_two_thousand_moves_is_drawn_in_a_bounded_number_of_bars():
    segments, events, end = long_journey(2000)
    svg = str(timeline_svg([("North team", segments, events)], start=START, end=end, title="T"))
    assert len(bars(svg)) <= timeline.LANE_BARS[1]
    assert len(re.findall(r'class="app-timeline__rewind"', svg)) <= timeline.LANE_BARS[1]
    assert len(svg) < 120_000
    assert "a long journey is summarised" in svg


def test_a_summarised_lane_shows_the_stage_held_for_most_of_each_period():
    segments, events, end = long_journey(2000)
    svg = str(timeline_svg([("North team", segments, events)], start=START, end=end, title="T"))
    # Two days in three in Designing: every period of many days is mostly Designing.
    titles = re.findall(r"<title>(North team: [^<]*)</title></rect>", svg)
    assert titles and all(t.startswith("North team: mostly active in Designing") for t in titles)
    # Periods alike in a row are one bar.
    assert len(titles) == 1
    assert titles[0].endswith(f"{START:%-d %b %Y} to {end:%-d %b %Y}")


def test_the_marks_of_a_period_are_one_mark_that_counts_them():
    segments, events, end = long_journey(2000)
    svg = str(timeline_svg([("North team", segments, events)], start=START, end=end, title="T"))
    counted = [
        int(n) for n in re.findall(r"<title>North team: (\d+) rewinds from [^<]*</title>", svg)
    ]
    single = re.findall(r"<title>North team rewound to Mobilising on [^<]*</title>", svg)
    assert sum(counted) + len(single) == len(events)


def test_a_short_lane_is_drawn_move_by_move():
    segments, events, end = long_journey(30)
    svg = str(timeline_svg([("North team", segments, events)], start=START, end=end, title="T"))
    assert len(bars(svg)) == 30
    assert len(re.findall(r'class="app-timeline__rewind"', svg)) == len(events) == 15
    assert "mostly" not in svg and "summarised" not in svg


def test_many_lanes_share_the_bars_of_the_picture():
    lanes = []
    for n in range(100):
        segments, events, end = long_journey(300)
        lanes.append((f"Team {n:03}", segments, events))
    svg = str(timeline_svg(lanes, start=START, end=end, title="T"))
    per_lane = timeline.lane_budget(100)
    assert per_lane == timeline.TIMELINE_BARS // 100
    assert len(bars(svg)) <= 100 * per_lane
    assert svg.count("<text") >= 100  # every lane still has its name


def markers(count):
    return [
        Marker(n, f"Team {n:03}", 1 + n % 6, "paused" if n % 4 == 0 else "active", 1)
        for n in range(1, count + 1)
    ]


def test_the_wheel_draws_a_marker_per_part_up_to_its_limit():
    svg = str(wheel_svg(markers(wheel.WHEEL_MARKERS), title="W"))
    assert svg.count('class="app-marker__number"') == wheel.WHEEL_MARKERS


def test_the_wheel_of_more_parts_counts_them_per_stage_and_state():
    svg = str(wheel_svg(markers(2000), title="W"))
    assert 'class="app-marker__number"' not in svg
    assert "2000 parts" in svg
    # Stage 2 holds parts 1, 7, 13, ...: 334 of them, those divisible by 4 paused.
    in_designing = [n for n in range(1, 2001) if 1 + n % 6 == 2]
    paused = sum(1 for n in in_designing if n % 4 == 0)
    assert f"Designing: {len(in_designing) - paused} active, {paused} paused, 0 stopped" in svg
    assert len(svg) < 20_000
