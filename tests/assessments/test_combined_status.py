"""One status for a measure followed by several parts: on track only when every part is, and
otherwise the parts that are not named under their status."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from assessments.status import (
    LABELS,
    NO_DATA,
    NO_RECENT_DATA,
    NO_TARGET,
    OFF_TRACK,
    ON_TRACK,
    SOME_CONCERN,
    MeasureStatus,
    combined_status,
    not_on_track_in_short,
)

NORTH = MeasureStatus(
    OFF_TRACK,
    "Latest reading 5 on 1 June 2026: behind the straight line from the baseline of 1 on "
    "1 January 2026 to the target of 20 by 31 December 2026 expects 9.62 by then.",
)
EAST = MeasureStatus(
    NO_RECENT_DATA,
    "The latest reading is from 1 March 2026, 160 days ago: more than 120 days.",
)
WEST = MeasureStatus(ON_TRACK, "Target of 20 by 31 December 2026 met: 21 on 1 August 2026.")
SOUTH = MeasureStatus(ON_TRACK, "Rated on track on 2 August 2026.")


def test_one_part_keeps_its_status_and_is_named():
    assert combined_status([("East locality", EAST)]) == MeasureStatus(
        NO_RECENT_DATA,
        "East locality: The latest reading is from 1 March 2026, 160 days ago: more than 120 days.",
        (("East locality", NO_RECENT_DATA),),
    )


def test_every_part_on_track_is_on_track_and_names_them():
    status = combined_status([("South team", SOUTH), ("West team", WEST)])
    assert status == MeasureStatus(
        ON_TRACK,
        "On track for all 2 parts following it: South team and West team.",
        (("South team", ON_TRACK), ("West team", ON_TRACK)),
    )
    assert not_on_track_in_short(status) == ""


def test_one_part_with_no_recent_data_beside_one_on_track_is_not_on_track():
    status = combined_status([("East locality", EAST), ("West team", WEST)])
    assert status.code == NO_RECENT_DATA
    assert status.label == "No recent data"
    assert status.explanation == (
        "1 of 2 parts following it on track. No recent data: East locality (the latest "
        "reading is from 1 March 2026, 160 days ago: more than 120 days). On track: West team."
    )


def test_off_track_comes_first_and_each_part_is_named_under_its_status():
    status = combined_status([("East locality", EAST), ("North team", NORTH), ("West team", WEST)])
    assert status.code == OFF_TRACK
    assert status.explanation.startswith(
        "1 of 3 parts following it on track. Off track: North team (latest reading 5 on "
        "1 June 2026: behind the straight line"
    )
    assert "expects 9.62 by then). No recent data: East locality (the latest reading" in (
        status.explanation
    )
    assert status.explanation.endswith("On track: West team.")
    assert not_on_track_in_short(status) == (
        "off track for North team; no recent data for East locality"
    )


def test_a_status_of_one_series_names_no_part():
    assert not_on_track_in_short(EAST) == ""


@pytest.mark.parametrize(
    ("codes", "expected"),
    [
        ((SOME_CONCERN, NO_DATA), NO_DATA),
        ((NO_TARGET, SOME_CONCERN), SOME_CONCERN),
        ((NO_TARGET, ON_TRACK), NO_TARGET),
        ((NO_RECENT_DATA, OFF_TRACK, NO_DATA), OFF_TRACK),
        ((NO_DATA, NO_RECENT_DATA), NO_RECENT_DATA),
    ],
)
def test_the_part_that_fares_worst_gives_the_status(codes, expected):
    lines = [(f"Part {n}", MeasureStatus(code, "Why.")) for n, code in enumerate(codes)]
    assert combined_status(lines).code == expected


def test_no_part_is_refused():
    with pytest.raises(ValueError, match="at least one part"):
        combined_status([])


CODES = st.sampled_from([ON_TRACK, SOME_CONCERN, OFF_TRACK, NO_RECENT_DATA, NO_DATA, NO_TARGET])


@given(st.lists(CODES, min_size=1, max_size=8))
def test_on_track_exactly_when_every_part_is_and_every_other_part_is_named(codes):
    lines = [
        (f"Part {n:02}", MeasureStatus(code, f"Why part {n:02}.")) for n, code in enumerate(codes)
    ]
    status = combined_status(lines)
    assert (status.code == ON_TRACK) == all(code == ON_TRACK for code in codes)
    assert status.code in codes
    assert status.parts == tuple((name, s.code) for name, s in lines)
    for name, part_status in lines:
        assert name in status.explanation
        if part_status.code != ON_TRACK:
            assert f"why part {name[-2:]}" in status.explanation.lower()
            if len(lines) > 1:
                assert f"{LABELS[part_status.code]}: " in status.explanation
