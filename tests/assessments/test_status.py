# ruff: noqa: E501
"""A measure's status from its latest reading, target and direction: a literal table."""

from datetime import date
from decimal import Decimal as D

import pytest

from assessments.status import format_number, measure_status

BASE_ON = date(2025, 1, 1)
TARGET_ON = date(2025, 12, 31)  # 364 days after BASE_ON
MID = date(2025, 7, 2)  # 182 days after BASE_ON: half way along the straight line
TODAY = date(2025, 7, 10)
LATE = date(2026, 1, 5)  # after TARGET_ON

# fmt: off
# (case, scale, direction, baseline value, baseline date, target value, target date,
#  latest value, latest rating, latest date, today, expected status)
TABLE = [
    # no data, whatever else is known
    ("numeric, no reading", "numeric", "higher", D(10), BASE_ON, D(50), TARGET_ON, None, "", None, TODAY, "no_data"),
    ("rated, no reading", "rated", "higher", None, None, None, None, None, "", None, TODAY, "no_data"),
    ("numeric, no reading, no target", "numeric", "lower", None, None, None, None, None, "", None, TODAY, "no_data"),
    # stale: more than 120 days before today
    ("numeric, 121 days old", "numeric", "higher", D(10), BASE_ON, D(50), TARGET_ON, D(60), "", date(2025, 3, 11), TODAY, "no_recent_data"),
    ("numeric, 120 days old still counts", "numeric", "higher", D(10), BASE_ON, D(50), TARGET_ON, D(60), "", date(2025, 3, 12), TODAY, "on_track"),
    ("rated, 121 days old", "rated", "higher", None, None, None, None, None, "on_track", date(2025, 3, 11), TODAY, "no_recent_data"),
    ("numeric, no target, 121 days old", "numeric", "higher", None, None, None, None, D(5), "", date(2025, 3, 11), TODAY, "no_recent_data"),
    # rated: the rating itself
    ("rated on track", "rated", "higher", None, None, None, None, None, "on_track", MID, TODAY, "on_track"),
    ("rated some concern", "rated", "lower", None, None, None, None, None, "some_concern", MID, TODAY, "some_concern"),
    ("rated off track", "rated", "higher", None, None, None, None, None, "off_track", MID, TODAY, "off_track"),
    # numeric with no target
    ("no target, no baseline", "numeric", "higher", None, None, None, None, D(5), "", MID, TODAY, "no_target"),
    ("no target, with baseline", "numeric", "lower", D(10), BASE_ON, None, None, D(5), "", MID, TODAY, "no_target"),
    # higher is better; baseline 10 on 1 Jan, target 50 on 31 Dec: 30 expected on 2 July
    ("higher, target exceeded", "numeric", "higher", D(10), BASE_ON, D(50), TARGET_ON, D(60), "", MID, TODAY, "on_track"),
    ("higher, target met exactly", "numeric", "higher", D(10), BASE_ON, D(50), TARGET_ON, D(50), "", MID, TODAY, "on_track"),
    ("higher, ahead of the line", "numeric", "higher", D(10), BASE_ON, D(50), TARGET_ON, D(35), "", MID, TODAY, "on_track"),
    ("higher, exactly on the line", "numeric", "higher", D(10), BASE_ON, D(50), TARGET_ON, D(30), "", MID, TODAY, "on_track"),
    ("higher, just behind the line", "numeric", "higher", D(10), BASE_ON, D(50), TARGET_ON, D("29.99"), "", MID, TODAY, "off_track"),
    ("higher, still at the baseline", "numeric", "higher", D(10), BASE_ON, D(50), TARGET_ON, D(10), "", MID, TODAY, "off_track"),
    ("higher, worse than the baseline", "numeric", "higher", D(10), BASE_ON, D(50), TARGET_ON, D(4), "", MID, TODAY, "off_track"),
    ("higher, reading before the baseline date, at the baseline", "numeric", "higher", D(10), BASE_ON, D(50), TARGET_ON, D(10), "", date(2024, 12, 1), date(2025, 1, 2), "on_track"),
    ("higher, reading before the baseline date, below the baseline", "numeric", "higher", D(10), BASE_ON, D(50), TARGET_ON, D(8), "", date(2024, 12, 1), date(2025, 1, 2), "off_track"),
    ("higher, target date passed, not met", "numeric", "higher", D(10), BASE_ON, D(50), TARGET_ON, D(45), "", date(2026, 1, 2), LATE, "off_track"),
    ("higher, target date passed, reading from before it, not met", "numeric", "higher", D(10), BASE_ON, D(50), TARGET_ON, D(49), "", date(2025, 12, 1), LATE, "off_track"),
    ("higher, target date passed, met", "numeric", "higher", D(10), BASE_ON, D(50), TARGET_ON, D(50), "", date(2026, 1, 2), LATE, "on_track"),
    # lower is better; baseline 50 on 1 Jan, target 10 on 31 Dec: 30 expected on 2 July
    ("lower, target beaten", "numeric", "lower", D(50), BASE_ON, D(10), TARGET_ON, D(5), "", MID, TODAY, "on_track"),
    ("lower, target met exactly", "numeric", "lower", D(50), BASE_ON, D(10), TARGET_ON, D(10), "", MID, TODAY, "on_track"),
    ("lower, ahead of the line", "numeric", "lower", D(50), BASE_ON, D(10), TARGET_ON, D(20), "", MID, TODAY, "on_track"),
    ("lower, exactly on the line", "numeric", "lower", D(50), BASE_ON, D(10), TARGET_ON, D(30), "", MID, TODAY, "on_track"),
    ("lower, just behind the line", "numeric", "lower", D(50), BASE_ON, D(10), TARGET_ON, D("30.01"), "", MID, TODAY, "off_track"),
    ("lower, worse than the baseline", "numeric", "lower", D(50), BASE_ON, D(10), TARGET_ON, D(70), "", MID, TODAY, "off_track"),
    ("lower, target date passed, not met", "numeric", "lower", D(50), BASE_ON, D(10), TARGET_ON, D(11), "", date(2026, 1, 2), LATE, "off_track"),
    ("lower, target date passed, met", "numeric", "lower", D(50), BASE_ON, D(10), TARGET_ON, D(9), "", date(2026, 1, 2), LATE, "on_track"),
    # no baseline: the pace cannot be judged
    ("higher, no baseline, not met yet", "numeric", "higher", None, None, D(50), TARGET_ON, D(30), "", MID, TODAY, "some_concern"),
    ("higher, no baseline, met", "numeric", "higher", None, None, D(50), TARGET_ON, D(51), "", MID, TODAY, "on_track"),
    ("higher, no baseline, target date passed", "numeric", "higher", None, None, D(50), TARGET_ON, D(30), "", date(2026, 1, 2), LATE, "off_track"),
    ("lower, no baseline, no target date, not met", "numeric", "lower", None, None, D(10), None, D(30), "", MID, TODAY, "some_concern"),
    ("lower, no baseline, no target date, met", "numeric", "lower", None, None, D(10), None, D(10), "", MID, TODAY, "on_track"),
    # a baseline value but no straight line (a date is missing)
    ("higher, undated baseline, moved the right way", "numeric", "higher", D(10), None, D(50), TARGET_ON, D(30), "", MID, TODAY, "some_concern"),
    ("higher, undated baseline, no better than it", "numeric", "higher", D(10), None, D(50), TARGET_ON, D(10), "", MID, TODAY, "off_track"),
    ("higher, no target date, worse than the baseline", "numeric", "higher", D(10), BASE_ON, D(50), None, D(8), "", MID, TODAY, "off_track"),
    ("lower, no target date, moved the right way", "numeric", "lower", D(50), BASE_ON, D(10), None, D(40), "", MID, TODAY, "some_concern"),
    ("lower, undated baseline, worse than it", "numeric", "lower", D(50), None, D(10), None, D(55), "", MID, TODAY, "off_track"),
]
# fmt: on


CASES = {row[0]: (row[1:-1], row[-1]) for row in TABLE}


def status_of(args, **extra):
    keys = (
        "scale",
        "direction",
        "baseline_value",
        "baseline_on",
        "target_value",
        "target_on",
        "latest_value",
        "latest_rating",
        "latest_on",
        "today",
    )
    return measure_status(**dict(zip(keys, args, strict=True)), **extra)


@pytest.mark.parametrize("args, expected", CASES.values(), ids=CASES.keys())
def test_status_follows_the_table(args, expected):
    assert status_of(args).code == expected


def test_a_shorter_staleness_limit_is_honoured():
    args = ("numeric", "higher", None, None, D(50), None, D(60), "", date(2025, 6, 9), TODAY)
    assert status_of(args).code == "on_track"
    assert status_of(args, stale_after_days=30).code == "no_recent_data"


# Explanations, word for word.
EXPLANATIONS = {
    "numeric, no reading": "No reading yet.",
    "numeric, 121 days old": (
        "The latest reading is from 11 March 2025, 121 days ago: more than 120 days."
    ),
    "rated some concern": "Rated some concern on 2 July 2025.",
    "no target, no baseline": "Latest reading 5 families on 2 July 2025; no target is set.",
    "higher, target exceeded": (
        "Target of 50 families by 31 December 2025 met: 60 families on 2 July 2025."
    ),
    "higher, ahead of the line": (
        "Latest reading 35 families on 2 July 2025: at or better than the straight line from "
        "the baseline of 10 families on 1 January 2025 to the target of 50 families by "
        "31 December 2025 expects 30 families by then."
    ),
    "higher, just behind the line": (
        "Latest reading 29.99 families on 2 July 2025: behind the straight line from the "
        "baseline of 10 families on 1 January 2025 to the target of 50 families by "
        "31 December 2025 expects 30 families by then."
    ),
    "higher, target date passed, not met": (
        "Target of 50 families by 31 December 2025 not met: 45 families on 2 January 2026, "
        "and the target date has passed."
    ),
    "higher, no baseline, not met yet": (
        "Target of 50 families by 31 December 2025 not met yet: 30 families on 2 July 2025. "
        "Without a baseline the pace cannot be judged."
    ),
    "lower, no target date, moved the right way": (
        "Target of 10 families not met yet: 40 families on 2 July 2025. Without a target date "
        "the pace cannot be judged."
    ),
    "higher, undated baseline, no better than it": (
        "Latest reading 10 families on 2 July 2025: no better than the baseline of "
        "10 families; the target is 50 families by 31 December 2025."
    ),
}


@pytest.mark.parametrize("case, explanation", EXPLANATIONS.items(), ids=EXPLANATIONS.keys())
def test_status_explains_itself_in_plain_words(case, explanation):
    args, _ = CASES[case]
    assert status_of(args, unit="families").explanation == explanation


def test_status_has_a_label():
    args, _ = CASES["numeric, 121 days old"]
    assert status_of(args).label == "No recent data"


@pytest.mark.parametrize(
    "value, shown",
    [
        (D("12.0000"), "12"),
        (D("12.5000"), "12.5"),
        (D("100"), "100"),
        (D("0.0001"), "0.0001"),
        (D("-3.2500"), "-3.25"),
        (D("1234567.12345"), "1234567.1235"),
    ],
)
def test_numbers_are_shown_as_plain_digits(value, shown):
    assert format_number(value) == shown
