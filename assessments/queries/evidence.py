"""Reads of measures, readings, checks and involvement. Each runs a fixed number of queries,
whatever the number of measures, readings, parts or answers, on PostgreSQL and SQLite alike."""

from collections import Counter
from typing import NamedTuple

from django.db.models import F, Prefetch, Window
from django.db.models.functions import RowNumber

from assessments.models import LEVEL_DONE, Check, Involvement, Level, Measure, Reading
from assessments.status import ON_TRACK, MeasureStatus, combined_status, not_on_track_in_short
from stages.models import Part, Stage, State

LAST_STAGE = 6


def _readings():
    """Readings oldest first: by date observed, then the order they were recorded in."""
    return (
        Reading.objects.current()
        .select_related("part", "recorded_by")
        .order_by("observed_on", "recorded_at", "id")
    )


def _measures(innovation, *, include_inactive=False):
    measures = (
        Measure.objects.filter(innovation=innovation)
        .select_related("stage", "part")
        .prefetch_related(Prefetch("readings", queryset=_readings(), to_attr="readings_in_order"))
        .order_by("stage__number", F("part__name").asc(nulls_first=True), "name", "id")
    )
    if not include_inactive:
        measures = measures.filter(is_active=True)
    return measures


class Position(NamedTuple):
    """Where a part stands, as far as following a measure goes."""

    part_id: int
    name: str
    stage_id: int
    state: str


def positions_of(parts):
    """[Position] of Part rows (their current stage and state). No query."""
    return [Position(part.pk, part.name, part.stage_id, part.state) for part in parts]


def _parts_of(innovation_id):
    return list(Part.objects.filter(innovation_id=innovation_id).select_related("stage"))


def following(measure, latest_by_part, positions):
    """[(part id, name)] of the parts that follow the measure, by name. No query.

    - A measure of one part is followed by that part only.
    - A measure of the whole innovation is followed by each part of it that is at the
      measure's stage and not stopped (active or paused), as `positions` (a [Position] of
      the innovation's parts) say, and by every part that has readings of its own of it,
      wherever that part is now.

    `latest_by_part`: {part id, or None for the whole: the latest reading of that series};
    readings of the whole (part None) are a series of their own, and make no part follow."""
    if measure.part_id is not None:
        return [(measure.part_id, measure.part.name)]
    found = {
        position.part_id: position.name
        for position in positions
        if position.stage_id == measure.stage_id and position.state != State.STOPPED
    }
    for part_id, reading in latest_by_part.items():
        if part_id is not None:
            found.setdefault(part_id, reading.part.name)
    return sorted(found.items(), key=lambda item: (item[1].lower(), item[0]))


def status_of_measure(measure, latest_by_part, positions, today):
    """The status of a measure: the one place that decides it, for the innovation page, the
    measures list, the measure's page, each part's readiness, the move form, the agenda, the
    dashboard, the board report and the exports. No query.

    A measure of one part: its latest reading decides, as `Measure.status_from` says.

    A measure of the whole innovation followed by parts (see `following`): each part is
    judged by its own latest reading, or, where it has none, by the latest reading of the
    whole; the measure is on track only when every part is, and otherwise says which parts
    are off track, have no recent data, and so on (`assessments.status.combined_status`).
    When no following part has readings of its own, the readings of the whole decide, as
    they do when nobody follows the measure."""
    if measure.part_id is not None:
        latest = max(
            latest_by_part.values(),
            key=lambda r: (r.observed_on, r.recorded_at, r.id),
            default=None,
        )
        return measure.status_from(latest, today)
    whole = latest_by_part.get(None)
    followers = following(measure, latest_by_part, positions)
    if not any(part_id in latest_by_part for part_id, _name in followers):
        return measure.status_from(whole, today)
    lines = []
    for part_id, name in followers:
        reading = latest_by_part.get(part_id)
        if reading is None and whole is not None:
            name = f"{name} judged by the whole innovation's reading"
        lines.append((name, measure.status_from(reading or whole, today)))
    return combined_status(lines)


def _with_status(measure, today, positions):
    series = {}
    for reading in measure.readings_in_order:
        series.setdefault(reading.part_id, []).append(reading)
    measure.series = series
    measure.latest = measure.readings_in_order[-1] if measure.readings_in_order else None
    measure.latest_by_part = {part_id: readings[-1] for part_id, readings in series.items()}
    measure.followed_by = [
        name for _pk, name in following(measure, measure.latest_by_part, positions)
    ]
    measure.status = status_of_measure(measure, measure.latest_by_part, positions, today)
    measure.status_by_part = {
        part_id: measure.status_from(reading, today)
        for part_id, reading in measure.latest_by_part.items()
    }
    return measure


def measure_with_status(measure, today, *, parts=None):
    """One measure with the attributes `measures_with_status` gives each. One query, and one
    more for a measure of the whole innovation unless its innovation's `parts` are given."""
    measure.readings_in_order = list(_readings().filter(measure=measure))
    if parts is None and measure.part_id is None:
        parts = _parts_of(measure.innovation_id)
    return _with_status(measure, today, positions_of(parts or ()))


def measures_with_status(innovation, today, *, include_inactive=False, parts=None):
    """The innovation's measures in use (all of them with `include_inactive`), ordered by
    stage, part (the whole innovation first) and name. Two queries, and one more unless the
    innovation's `parts` (all of them, where they stand now) are given. Each measure carries:

    - `readings_in_order`: its readings, oldest first (part and recorded_by selected);
    - `series`: {part id, or None for the whole: [readings, oldest first]};
    - `latest`: the latest reading of any series, or None;
    - `latest_by_part`: {part id or None: latest reading of that series};
    - `followed_by`: the names of the parts that follow it (see `following`);
    - `status`: a MeasureStatus (code, explanation, label): see `status_of_measure`;
    - `status_by_part`: {part id or None: MeasureStatus of that series}.

    "Latest" is the latest date observed; on the same date, the one recorded last."""
    innovation_id = getattr(innovation, "pk", innovation)
    measures = list(_measures(innovation_id, include_inactive=include_inactive))
    if parts is None:
        parts = _parts_of(innovation_id) if measures else ()
    positions = positions_of(parts)
    return [_with_status(m, today, positions) for m in measures]


def status_for_part(measure, part_id, today):
    """A measure's latest reading for one part and the measure's status: the part's own
    latest reading, else (for a measure of the whole innovation) the latest reading of the
    whole; the status is the measure's own (`status_of_measure`), so a part's readiness
    counts a measure of the whole on track only when every part following it is. Needs
    `_with_status` attributes."""
    reading = measure.latest_by_part.get(part_id)
    if reading is None and measure.part_id is None:
        reading = measure.latest_by_part.get(None)
    return reading, measure.status


class CoverageGap(NamedTuple):
    stage: Stage
    parts_here: int
    next_for: int

    def describe(self):
        """ "Developing: 2 parts, no measure yet", "Integrating: next for 1 part, no measure
        yet"."""
        said = []
        if self.parts_here:
            said.append(_count(self.parts_here, "part"))
        if self.next_for:
            said.append(f"next for {_count(self.next_for, 'part')}")
        return f"{self.stage.name}: {', '.join(said)}, no measure yet"


def _count(n, noun):
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def coverage(innovation, *, parts=None):
    """[CoverageGap(stage, parts here, next for)] for each stage, in wheel order, that has no
    measure in use and either holds parts that are active or paused (a stopped part needs no
    measure to go on) or is the next stage of an active part (none is next after System
    Change: going round again is a decision of its own). Three queries; two when the
    innovation's `parts` (all of them, stage selected) are given."""
    stages = list(Stage.objects.order_by("number"))
    here, next_for = Counter(), Counter()
    if parts is None:
        positions = Part.objects.filter(innovation=innovation).values_list("stage__number", "state")
    else:
        positions = [(part.stage.number, part.state) for part in parts]
    for number, state in positions:
        if state != State.STOPPED:
            here[number] += 1
        if state == State.ACTIVE and number < LAST_STAGE:
            next_for[number + 1] += 1
    measured = set(
        Measure.objects.active()
        .filter(innovation=innovation)
        .values_list("stage__number", flat=True)
    )
    return [
        CoverageGap(stage, here[stage.number], next_for[stage.number])
        for stage in stages
        if stage.number not in measured and (here[stage.number] or next_for[stage.number])
    ]


def check_history(part, *, stage=None):
    """Every answer the part has given, newest first (by date answered, then when recorded),
    at every stage or at `stage`. One query (stage and answered_by selected)."""
    checks = Check.objects.filter(part=part).select_related("stage", "answered_by")
    if stage is not None:
        checks = checks.filter(stage=stage)
    return list(checks.order_by("-answered_on", "-recorded_at", "-id"))


def _latest_at_current_stage(model, date_field, parts_filter, select):
    rows = (
        model.objects.filter(**parts_filter, stage_id=F("part__stage_id"))
        .annotate(
            rank=Window(
                RowNumber(),
                partition_by=[F("part_id")],
                order_by=[F(date_field).desc(), F("recorded_at").desc(), F("id").desc()],
            )
        )
        .filter(rank=1)
        .select_related(*select)
    )
    return {row.part_id: row for row in rows}


def current_checks(innovation):
    """{part id: the latest Check of the part at its current stage}; parts with no answer
    there are absent. One query (stage and answered_by selected)."""
    return _latest_at_current_stage(
        Check, "answered_on", {"part__innovation": innovation}, ("stage", "answered_by")
    )


def involvement_by_part(innovation):
    """{part id: the latest Involvement of the part at its current stage}; parts with none
    recorded there are absent. One query (stage and recorded_by selected)."""
    return _latest_at_current_stage(
        Involvement, "recorded_on", {"part__innovation": innovation}, ("stage", "recorded_by")
    )


class PartMeasure(NamedTuple):
    measure: Measure
    latest: Reading | None
    status: MeasureStatus


def readiness_summary(stage, measures, check, involvement):
    """The readiness in plain words: "2 of 3 measures on track; viability answered 'partly';
    families consulted". A measure of the whole innovation not on track says which parts
    following it are not: "0 of 1 measure on track (Families attending: no recent data for
    East locality); …". No query."""
    if measures:
        on_track = sum(1 for line in measures if line.status.code == ON_TRACK)
        why = [
            f"{line.measure.name}: {not_on_track_in_short(line.status)}"
            for line in measures
            if line.status.code != ON_TRACK and not_on_track_in_short(line.status)
        ]
        said = [
            f"{on_track} of {_count(len(measures), 'measure')} on track"
            + (f" ({'; '.join(why)})" if why else "")
        ]
    else:
        said = ["no measure yet"]
    if not stage.key_question:
        # The framework states no key question here: the check is a reflection on the prompts.
        said.append("prompts reflected on" if check is not None else "prompts not reflected on yet")
    elif check is not None:
        subject = stage.criterion.strip().lower() or "the key question"
        said.append(f"{subject} answered '{check.get_answer_display().lower()}'")
    else:
        said.append("key question not answered yet")
    if involvement is not None:
        said.append(
            f"{involvement.get_who_display().lower()} {LEVEL_DONE[Level(involvement.level)]}"
        )
    else:
        said.append("no involvement recorded")
    return "; ".join(said)


def _readiness(part, measures, check, involvement, today):
    lines = [
        PartMeasure(measure, *status_for_part(measure, part.pk, today))
        for measure in measures
        if measure.stage_id == part.stage_id and measure.part_id in (None, part.pk)
    ]
    return {
        "part": part,
        "stage": part.stage,
        "check": check,
        "measures": lines,
        "measures_on_track": sum(1 for line in lines if line.status.code == ON_TRACK),
        "involvement": involvement,
        "summary": readiness_summary(part.stage, lines, check, involvement),
    }


def readiness(part, today):
    """What is known about the part's readiness at its current stage. It informs a move and
    never makes one. Five queries. A dict:

    - `part`, `stage` (the part's current stage: its criterion, key question and prompts);
    - `check`: the latest answer at this stage, or None;
    - `measures`: [PartMeasure(measure, latest reading, MeasureStatus)] for the measures in
      use at this stage for this part or the whole innovation (see `status_for_part`);
    - `measures_on_track`: how many of them are on track;
    - `involvement`: the latest Involvement at this stage, or None;
    - `summary`: all of it in plain words (see `readiness_summary`)."""
    # Every part of the innovation: which of them follow a measure of the whole.
    parts = _parts_of(part.innovation_id)
    part = next(p for p in parts if p.pk == part.pk)
    positions = positions_of(parts)
    measures = [
        _with_status(m, today, positions)
        for m in _measures(part.innovation_id).filter(stage_id=part.stage_id)
    ]
    parts_filter = {"part": part}
    check = _latest_at_current_stage(Check, "answered_on", parts_filter, ("stage", "answered_by"))
    involvement = _latest_at_current_stage(
        Involvement, "recorded_on", parts_filter, ("recorded_by",)
    )
    return _readiness(part, measures, check.get(part.pk), involvement.get(part.pk), today)


def readiness_for_parts(innovation, today):
    """{part id: readiness dict (as `readiness`)} for every part of the innovation, in the
    parts' name order. Five queries."""
    parts = list(Part.objects.filter(innovation=innovation).select_related("stage"))
    measures = measures_with_status(innovation, today, parts=parts)
    checks = current_checks(innovation)
    involvement = involvement_by_part(innovation)
    return {
        part.pk: _readiness(part, measures, checks.get(part.pk), involvement.get(part.pk), today)
        for part in parts
    }
