"""Organisation-wide reads of measures, reflection sessions, decisions and actions, for the
dashboards. Each runs a fixed number of queries, whatever the number of innovations, parts,
measures, readings or sessions, on PostgreSQL and SQLite alike."""

from collections import Counter, defaultdict
from datetime import datetime, time, timedelta
from typing import NamedTuple

from django.db.models import Exists, F, Max, OuterRef, Q, Window
from django.db.models.functions import RowNumber
from django.utils import timezone

from assessments.models import (
    Action,
    Decision,
    DecisionStatus,
    Measure,
    Reading,
    ReflectionSession,
    SessionPart,
    SessionStatus,
)
from assessments.queries.evidence import Position, status_of_measure
from assessments.status import ON_TRACK
from stages.models import Innovation, Part, State
from stages.queries import latest_moves


def _of_current_innovations(field="innovation"):
    """Rows of innovations not withdrawn (`Innovation.objects` leaves withdrawn ones out)."""
    return Q(**{f"{field}__in": Innovation.objects.values("pk")})


def _of_current_parts(*, whole=False):
    """Rows of parts neither withdrawn nor of a withdrawn innovation (`Part.objects` leaves
    them out); with `whole`, rows of the whole innovation (no part) too."""
    current = Q(part__in=Part.objects.values("pk"))
    return current | Q(part__isnull=True) if whole else current


def _of_organisation(organisation):
    """Rows of the organisation; of any (organisation None) for a read across organisations
    (a network's), which names its innovations and positions instead."""
    return {} if organisation is None else {"organisation": organisation}


class MeasureBook:
    """An organisation's measures in use on a date, each with its latest readings by then. A
    measure counts from the day it was defined, or from its first reading where the readings
    were recorded back to an earlier date. Two queries, made when the book is opened, and
    two more unless `positions` are given.

    `positions`: {innovation id: [Position]} of the parts at the end of `on` (see
    `positions_as_of`), which decide the parts that follow a measure of the whole innovation;
    each measure's status is decided once, by `assessments.queries.evidence
    .status_of_measure`, and every part's line, the innovation's list and the counts use it.

    With `organisation` None the book reads across organisations (a network's view): it then
    needs `innovation_ids` and `positions`, and reads only those innovations' measures."""

    def __init__(self, organisation, on, *, innovation_ids=None, positions=None):
        self.on = on
        if positions is None:
            positions = positions_as_of(organisation, on)
        measures = (
            Measure.objects.active()
            .filter(**_of_organisation(organisation))
            .filter(_of_current_innovations(), _of_current_parts(whole=True))
        )
        if on < timezone.localdate():
            # Every measure defined so far was defined by the end of today.
            measures = measures.filter(
                Q(created_at__date__lte=on)
                | Exists(
                    Reading.objects.current().filter(measure=OuterRef("pk"), observed_on__lte=on)
                )
            )
        measures = measures.select_related("stage", "part").order_by(
            "innovation_id",
            "stage__number",
            F("part__name").asc(nulls_first=True),
            "name",
            "id",
        )
        readings = (
            Reading.objects.current()
            .filter(observed_on__lte=on, **_of_organisation(organisation))
            .filter(_of_current_parts(whole=True))
        )
        if innovation_ids is not None:
            measures = measures.filter(innovation_id__in=innovation_ids)
            readings = readings.filter(measure__innovation_id__in=innovation_ids)
        self.measures = list(measures)
        latest = (
            readings.filter(measure__is_active=True)
            .annotate(
                rank=Window(
                    RowNumber(),
                    partition_by=[F("measure_id"), F("part_id")],
                    order_by=[F("observed_on").desc(), F("recorded_at").desc(), F("id").desc()],
                )
            )
            .filter(rank=1)
            .select_related("part")
            # In the order of their dates only: the readings' own order by measure would join
            # three more tables, and they are kept by measure below.
            .order_by("observed_on", "recorded_at", "id")
        )
        self.latest = {}
        self.readings_of = defaultdict(list)
        for reading in latest:
            self.latest[(reading.measure_id, reading.part_id)] = reading
            self.readings_of[reading.measure_id].append(reading)
        self.at = defaultdict(list)
        self.of_innovation = defaultdict(list)
        self.status = {}
        for measure in self.measures:
            self.at[(measure.innovation_id, measure.stage.number)].append(measure)
            self.of_innovation[measure.innovation_id].append(measure)
            self.status[measure.pk] = status_of_measure(
                measure,
                {r.part_id: r for r in self.readings_of.get(measure.pk, ())},
                positions.get(measure.innovation_id, ()),
                on,
            )

    def status_for_part(self, measure, part_id):
        """(latest reading, MeasureStatus) of a measure for a part: the part's own latest
        reading, else (for a measure of the whole innovation) the whole's, and the measure's
        status, as `assessments.queries.evidence.status_for_part` gives. No query."""
        reading = self.latest.get((measure.pk, part_id))
        if reading is None and measure.part_id is None:
            reading = self.latest.get((measure.pk, None))
        return reading, self.status[measure.pk]

    def for_part(self, part_id, innovation_id, stage):
        """[(measure, latest reading, status)] for the measures at `stage` of the part or of
        its whole innovation. No query."""
        return [
            (measure, *self.status_for_part(measure, part_id))
            for measure in self.at.get((innovation_id, stage), ())
            if measure.part_id in (None, part_id)
        ]

    def on_track(self, part_id, innovation_id, stage):
        """(measures on track, measures in use) at the part's stage. No query."""
        lines = self.for_part(part_id, innovation_id, stage)
        return sum(1 for _m, _r, status in lines if status.code == ON_TRACK), len(lines)

    def for_innovation(self, innovation_id):
        """[(measure, latest reading of any series, status)] of an innovation, in stage
        order. No query."""
        lines = []
        for measure in self.of_innovation.get(innovation_id, ()):
            reading = max(
                self.readings_of.get(measure.pk, ()),
                key=lambda r: (r.observed_on, r.recorded_at, r.id),
                default=None,
            )
            lines.append((measure, reading, self.status[measure.pk]))
        return lines

    def measured(self):
        """{(innovation id, stage number)} that have at least one measure in use."""
        return set(self.at)


def positions_from(pairs):
    """{innovation id: [Position]} from (part, its last live move by the as-of date) pairs:
    where each part stood then. No query."""
    found = defaultdict(list)
    for part, move in pairs:
        found[part.innovation_id].append(
            Position(part.pk, part.name, move.to_stage_id, move.to_state)
        )
    return dict(found)


def positions_as_of(organisation, on):
    """{innovation id: [Position]} of the organisation's parts at the end of `on`
    (stages.queries.latest_moves). Two queries."""
    latest = latest_moves(organisation, on)
    parts = Part.objects.filter(organisation=organisation).only("pk", "name", "innovation_id")
    return positions_from((part, latest[part.pk]) for part in parts if part.pk in latest)


class Gap(NamedTuple):
    innovation_id: int
    stage: int
    parts: int


def coverage_gaps(positions, measured):
    """[Gap(innovation id, stage, parts there)] for each stage of an innovation that holds
    active or paused parts and has no measure in use. `positions`: [(innovation id, stage,
    state)] of the parts to consider; `measured`: {(innovation id, stage)} as
    `MeasureBook.measured`. No query."""
    here = Counter(
        (innovation_id, stage)
        for innovation_id, stage, state in positions
        if state != State.STOPPED
    )
    return [
        Gap(innovation_id, stage, count)
        for (innovation_id, stage), count in sorted(here.items())
        if (innovation_id, stage) not in measured
    ]


# --- Reflection sessions ---------------------------------------------------------------


def last_sessions(organisation, on):
    """{innovation id: date of its latest session held on or before `on`}; planned sessions
    that never took place do not count. One query."""
    rows = (
        ReflectionSession.objects.held()
        .filter(organisation=organisation, held_on__lte=on)
        .filter(_of_current_innovations())
        .values("innovation_id")
        .annotate(last=Max("held_on"))
        .values_list("innovation_id", "last")
    )
    return dict(rows)


def upcoming_sessions(organisation, on, *, until, user=None, innovations=None):
    """Sessions planned from `on` to `until`, soonest first. With `user`: those the person
    facilitates, or of innovations or parts they lead; with `innovations` (a queryset of the
    innovations the person may see), only theirs. One query (innovation and facilitator
    selected)."""
    sessions = ReflectionSession.objects.filter(
        _of_current_innovations(),
        organisation=organisation,
        status=SessionStatus.PLANNED,
        held_on__gte=on,
        held_on__lte=until,
    )
    if innovations is not None:
        sessions = sessions.filter(innovation__in=innovations.values("pk"))
    if user is not None:
        mine = (
            Q(facilitator=user)
            | Q(innovation__lead=user)
            | Q(pk__in=SessionPart.objects.filter(part__lead=user).values("session_id"))
        )
        sessions = sessions.filter(mine)
    return list(sessions.select_related("innovation", "facilitator").order_by("held_on", "pk"))


def next_session_facilitated(organisation, on, user, *, innovations=None):
    """The planned session `user` facilitates on or after `on`, the soonest (or None); of
    `innovations` (a queryset) only, where it is given. One query."""
    sessions = ReflectionSession.objects.filter(
        _of_current_innovations(),
        organisation=organisation,
        status=SessionStatus.PLANNED,
        held_on__gte=on,
        facilitator=user,
    )
    if innovations is not None:
        sessions = sessions.filter(innovation__in=innovations)
    return sessions.order_by("held_on", "pk").first()


def overdue_actions(organisation, on, *, innovations=None):
    """Actions agreed at sessions held by `on`, due before it and not done by the end of it,
    the most overdue first; of `innovations` (a queryset) only, where it is given. One query
    (owner and the session's innovation selected)."""
    actions = Action.objects.filter(
        organisation=organisation, session__held_on__lte=on, due_on__lt=on
    )
    if innovations is not None:
        actions = actions.filter(session__innovation__in=innovations.values("pk"))
    return list(
        actions.filter(_of_current_innovations("session__innovation"))
        .filter(Q(done=False) | Q(done_on__gt=on))
        .select_related("owner", "session__innovation")
        .order_by("due_on", "pk")
    )


def actions_owned_by(user, organisation, *, innovations=None):
    """The person's open actions in the organisation, soonest due first (no due date last);
    of `innovations` (a queryset) only, where it is given. One query (the session's
    innovation selected)."""
    actions = Action.objects.open()
    if innovations is not None:
        actions = actions.filter(session__innovation__in=innovations.values("pk"))
    return list(
        actions.filter(owner=user, organisation=organisation)
        .filter(_of_current_innovations("session__innovation"))
        .select_related("session__innovation")
        .order_by(F("due_on").asc(nulls_last=True), "pk")
    )


def pending_decisions(organisation, on, *, parts=None, user=None):
    """Session decisions waiting to be applied at the end of `on`: decided by then, and
    neither applied nor withdrawn (not applied, noted as a stay, or replaced) by the end of
    that day, as the decision's history tells; one applied later was still waiting then.
    `parts`: a queryset of parts to keep to (stages.queries.counted_parts); `user`: only the
    decisions of sessions the person facilitates or of innovations they lead. Oldest session
    first, then by part. One query (part, to_stage and the session with its innovation and
    facilitator selected)."""
    end_of_day = timezone.make_aware(datetime.combine(on + timedelta(days=1), time.min))
    waiting = Q(status=DecisionStatus.PENDING)
    if end_of_day <= timezone.now():
        # A day already over: a decision settled since was still waiting then. For today,
        # every settlement is before the end of the day, so the status alone tells.
        settled = Decision.history.filter(id=OuterRef("pk")).exclude(status=DecisionStatus.PENDING)
        waiting |= Exists(settled) & ~Exists(settled.filter(history_date__lt=end_of_day))
    decisions = Decision.objects.filter(
        _of_current_parts(), organisation=organisation, decided_on__lte=on
    ).filter(waiting)
    if parts is not None:
        decisions = decisions.filter(part__in=parts.values("pk"))
    if user is not None:
        decisions = decisions.filter(
            Q(session__facilitator=user) | Q(session__innovation__lead=user)
        )
    return list(
        decisions.select_related(
            "part", "to_stage", "session__innovation", "session__facilitator"
        ).order_by("decided_on", "session_id", "part__name", "pk")
    )


def last_decisions(organisation, on, *, per=3):
    """{innovation id: its latest `per` session decisions made on or before `on`, newest
    first}; a decision replaced by a later one in the same session is left out. One query
    (part, stage and session selected)."""
    decisions = (
        Decision.objects.filter(organisation=organisation, decided_on__lte=on)
        .filter(_of_current_parts())
        .exclude(status=DecisionStatus.REPLACED)
        .annotate(
            for_innovation=F("session__innovation_id"),
            rank=Window(
                RowNumber(),
                partition_by=[F("session__innovation_id")],
                order_by=[F("decided_on").desc(), F("recorded_at").desc(), F("pk").desc()],
            ),
        )
        .filter(rank__lte=per)
        .select_related("part", "to_stage", "session")
        .order_by("-decided_on", "-recorded_at", "-pk")
    )
    found = defaultdict(list)
    for decision in decisions:
        found[decision.for_innovation].append(decision)
    return dict(found)
