"""A measure's status from its latest reading, target and direction, and one status for a
measure followed by several parts from theirs. Pure: no database, so the pages, the readiness
summary and the tests judge a measure the same way."""

from decimal import ROUND_HALF_UP, Decimal
from typing import NamedTuple

ON_TRACK = "on_track"
SOME_CONCERN = "some_concern"
OFF_TRACK = "off_track"
NO_RECENT_DATA = "no_recent_data"
NO_DATA = "no_data"
NO_TARGET = "no_target"

LABELS = {
    ON_TRACK: "On track",
    SOME_CONCERN: "Some concern",
    OFF_TRACK: "Off track",
    NO_RECENT_DATA: "No recent data",
    NO_DATA: "No data",
    NO_TARGET: "No target",
}

STALE_AFTER_DAYS = 120


class MeasureStatus(NamedTuple):
    code: str
    explanation: str
    # For a status combined from the parts following a measure (`combined_status`): each
    # part's (name, code), in the order named.
    parts: tuple = ()

    @property
    def label(self):
        return LABELS[self.code]


def format_number(value, unit=""):
    """A Decimal as plain digits, at most four decimal places, never in exponent form:
    Decimal("12.5000") -> "12.5"; with a unit, "12.5 families"."""
    if value is None:
        return ""
    value = Decimal(value).quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP)
    text = format(value.normalize(), "f")
    if text == "-0":
        text = "0"
    return f"{text} {unit}".strip() if unit else text


def format_date(on):
    return f"{on.day} {on:%B %Y}"


def measure_status(
    *,
    scale,
    direction,
    baseline_value,
    baseline_on,
    target_value,
    target_on,
    latest_value,
    latest_rating,
    latest_on,
    today,
    stale_after_days=STALE_AFTER_DAYS,
    unit="",
):
    """(code, explanation) for a measure whose latest reading is `latest_*`.

    In this order:

    1. No reading: `no_data`.
    2. The latest reading is more than `stale_after_days` days before `today`:
       `no_recent_data` (exactly `stale_after_days` old still counts).
    3. A rated measure: the latest rating itself (`on_track`, `some_concern`, `off_track`).
    4. A numeric measure with no target value: `no_target`.
    5. The target is met (latest >= target when higher is better, <= when lower is better):
       `on_track`, whatever the date.
    6. Not met and `today` is after the target date: `off_track`.
    7. Not met, with a baseline value and both dates: the value expected on the latest
       reading's date is read off the straight line from (baseline date, baseline value) to
       (target date, target value), held at the baseline before the baseline date. At or
       better than expected: `on_track`; worse: `off_track`.
    8. Not met, and no straight line to judge the pace against (no baseline value, or a
       missing date): if there is a baseline value and the latest is no better than it, the
       measure has not moved the right way: `off_track`. Otherwise the pace cannot be judged,
       so neither "on track" nor "off track" would be honest: `some_concern`, with an
       explanation that says what is missing.
    """
    if latest_on is None:
        return MeasureStatus(NO_DATA, "No reading yet.")
    age = (today - latest_on).days
    if age > stale_after_days:
        return MeasureStatus(
            NO_RECENT_DATA,
            f"The latest reading is from {format_date(latest_on)}, {age} days ago: "
            f"more than {stale_after_days} days.",
        )
    if scale == "rated":
        return MeasureStatus(
            latest_rating,
            f"Rated {LABELS[latest_rating].lower()} on {format_date(latest_on)}.",
        )
    latest = f"{format_number(latest_value, unit)} on {format_date(latest_on)}"
    if target_value is None:
        return MeasureStatus(NO_TARGET, f"Latest reading {latest}; no target is set.")
    higher = direction == "higher"
    target = format_number(target_value, unit)
    by = f" by {format_date(target_on)}" if target_on else ""

    def at_least_as_good(value, than):
        return value >= than if higher else value <= than

    if at_least_as_good(latest_value, target_value):
        return MeasureStatus(ON_TRACK, f"Target of {target}{by} met: {latest}.")
    if target_on is not None and today > target_on:
        return MeasureStatus(
            OFF_TRACK,
            f"Target of {target}{by} not met: {latest}, and the target date has passed.",
        )
    if baseline_value is not None and baseline_on is not None and target_on is not None:
        span = (target_on - baseline_on).days
        elapsed = min(max((latest_on - baseline_on).days, 0), span)
        expected = baseline_value + (target_value - baseline_value) * Decimal(elapsed) / span
        line = (
            f"the straight line from the baseline of {format_number(baseline_value, unit)} "
            f"on {format_date(baseline_on)} to the target of {target}{by} expects "
            f"{format_number(expected.quantize(Decimal('0.01')), unit)} by then"
        )
        if at_least_as_good(latest_value, expected):
            return MeasureStatus(ON_TRACK, f"Latest reading {latest}: at or better than {line}.")
        return MeasureStatus(OFF_TRACK, f"Latest reading {latest}: behind {line}.")
    if baseline_value is not None and at_least_as_good(baseline_value, latest_value):
        return MeasureStatus(
            OFF_TRACK,
            f"Latest reading {latest}: no better than the baseline of "
            f"{format_number(baseline_value, unit)}; the target is {target}{by}.",
        )
    if baseline_value is None:
        missing = "a baseline"
    else:
        missing = " and ".join(
            what
            for what, on in (("a baseline date", baseline_on), ("a target date", target_on))
            if on is None
        )
    return MeasureStatus(
        SOME_CONCERN,
        f"Target of {target}{by} not met yet: {latest}. Without {missing} the pace "
        "cannot be judged.",
    )


# Which status a measure followed by several parts takes when they differ: the first of these
# that any part has. "On track" is taken only when every part is on track.
WORST_FIRST = (OFF_TRACK, NO_RECENT_DATA, NO_DATA, SOME_CONCERN, NO_TARGET)


def _as_clause(explanation):
    """ "The latest reading is from …." -> "the latest reading is from …", to follow a name."""
    text = explanation.strip().rstrip(".")
    return text[:1].lower() + text[1:]


def _names(names):
    names = list(names)
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"


def combined_status(lines):
    """One status for a measure followed by several parts, from each part's own status.

    `lines`: [(part name, MeasureStatus)], one for each part that follows the measure, in
    the order they are to be named. With one part, its status, the explanation naming it.
    With several, the measure is on track only when every part is; otherwise it takes the
    status of the part that fares worst, in the order of `WORST_FIRST` (off track, no recent
    data, no data, some concern, no target), and the explanation names every part that is not
    on track under its status, with why, then the parts that are:

    "1 of 2 parts following it on track. No recent data: East locality (the latest reading is
    from 1 March 2026, 160 days ago: more than 120 days). On track: North team."

    The status carries each part's (name, code) as `parts`. Pure: the caller decides which
    parts follow the measure."""
    lines = list(lines)
    if not lines:
        raise ValueError("A combined status needs at least one part.")
    parts = tuple((name, status.code) for name, status in lines)
    if len(lines) == 1:
        ((name, status),) = lines
        return MeasureStatus(status.code, f"{name}: {status.explanation}", parts)
    on_track = [name for name, status in lines if status.code == ON_TRACK]
    if len(on_track) == len(lines):
        return MeasureStatus(
            ON_TRACK,
            f"On track for all {len(lines)} parts following it: {_names(on_track)}.",
            parts,
        )
    codes = {status.code for _name, status in lines}
    code = next(code for code in WORST_FIRST if code in codes)
    said = [f"{len(on_track)} of {len(lines)} parts following it on track."]
    for each in WORST_FIRST:
        here = [
            f"{name} ({_as_clause(status.explanation)})"
            for name, status in lines
            if status.code == each
        ]
        if here:
            said.append(f"{LABELS[each]}: {'; '.join(here)}.")
    if on_track:
        said.append(f"On track: {_names(on_track)}.")
    return MeasureStatus(code, " ".join(said), parts)


def not_on_track_in_short(status):
    """The parts of a combined status that are not on track, in a few words: "off track for
    North team; no recent data for East locality". Empty when none is, and for a status of
    one series."""
    said = []
    for each in WORST_FIRST:
        names = [name for name, code in status.parts if code == each]
        if names:
            said.append(f"{LABELS[each].lower()} for {_names(names)}")
    return "; ".join(said)
