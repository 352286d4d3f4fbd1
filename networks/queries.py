"""Every read a network makes across its member organisations. `shared_innovations` is the one
filter they all go through: a network sees an innovation only while its organisation is a
current member, the innovation is not withdrawn, and the organisation chose a level above
"nothing" for it; measures' statuses only at "statuses" or above, the reasons for moves only
at "reasons". Each read runs a fixed number of queries, whatever the number of organisations,
innovations, parts or moves, on PostgreSQL and SQLite alike.

The picture as of a past date applies today's consent and today's membership to where the
parts stood then: withdrawing consent, or leaving, takes an innovation out of every page at
once, its past included. A network never sees more of the past than it may see today."""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from django.db.models import Count, Exists, F, OuterRef, Subquery, Window
from django.db.models.functions import RowNumber

from assessments.queries.evidence import Position
from assessments.queries.organisation import MeasureBook
from networks.models import (
    SHARE_RANK,
    Adoption,
    Component,
    ComponentKind,
    Fidelity,
    FidelityState,
    NetworkMember,
    SharedModel,
    ShareLevel,
    Sharing,
    levels_from,
)
from networks.pooling import pool
from stages import clock
from stages import queries as journey
from stages.models import Innovation, Move, MoveKind, Part, State, stage_names

SHOWN = levels_from(ShareLevel.STAGES)


def includes(level, wanted):
    """Whether a sharing `level` lets the network see `wanted` (a ShareLevel)."""
    return SHARE_RANK[ShareLevel(level)] >= SHARE_RANK[ShareLevel(wanted)]


def member_organisations(network):
    """The ids of the network's current member organisations, as a lazy subquery."""
    return NetworkMember.objects.current().filter(network=network).values("organisation_id")


def shared_innovations(network, at=None):
    """The innovations the network may see, each annotated with `share_level`: of a current
    member organisation, not withdrawn, shared at a level above "nothing". A lazy queryset,
    so callers use it as a subquery and add no query.

    `at` (a past date the picture is drawn for) changes nothing: today's consent and
    membership decide what the network sees of any date, so a withdrawal is total."""
    level = Sharing.objects.filter(network=network, innovation=OuterRef("pk")).values("level")
    return (
        Innovation.objects.filter(organisation_id__in=member_organisations(network))
        .annotate(share_level=Subquery(level[:1]))
        .filter(share_level__in=SHOWN)
    )


def members(network):
    """[NetworkMember] current, with their organisations (and versions), by name. One query."""
    return list(
        NetworkMember.objects.current()
        .filter(network=network)
        .select_related("organisation")
        .order_by("organisation__name", "organisation_id")
    )


@dataclass(frozen=True)
class SharedPart:
    part_id: int
    name: str
    innovation_id: int
    innovation: str
    organisation_id: int
    stage: int
    stage_id: int
    state: str
    cycle: int
    since: date


@dataclass
class Picture:
    """Where every shared part of the network stood at the end of `on`."""

    on: date
    innovations: list  # [Innovation] with share_level and organisation
    parts: list  # [SharedPart], by organisation, innovation and part name
    counts: dict = field(default_factory=journey.empty_counts)
    by_organisation: dict = field(default_factory=dict)  # {org id: {stage: count}}

    def innovation(self, pk):
        return next(i for i in self.innovations if i.pk == pk)


@dataclass
class Counts:
    """How many shared parts of the network stood in each stage and state at the end of `on`,
    by organisation: `by_organisation` {organisation id: {stage: {state: count}}}, with every
    stage and state of an organisation that has a part there, and the network's `counts`
    {stage: {state: count}}."""

    on: date
    by_organisation: dict = field(default_factory=dict)
    counts: dict = field(default_factory=journey.empty_counts)
    total: int = 0

    def in_stages(self, organisation_id):
        """{stage: count} of the organisation's parts, every stage present."""
        found = self.by_organisation.get(organisation_id, {})
        return {n: sum(found.get(n, {}).values()) for n in journey.STAGES}


def stage_counts(network, on):
    """Counts of the network's shared parts at the end of `on`, counted in the database: a part
    stands where its latest live move dated on or before `on` put it (a part that started
    later is not counted), as `picture` reads it. One query, whatever the number of parts or
    moves: each part's latest move is found by walking its moves back from the last one. For
    today (no move is dated later) that is the part's own position, kept by the write path."""
    parts = Part.objects.filter(innovation__in=shared_innovations(network).values("pk"))
    if on >= clock.localdate():
        parts = parts.annotate(at_stage=F("stage__number"), at_state=F("state"))
    else:
        voided = Move.all_objects.filter(voids=OuterRef("pk"))
        latest = (
            Move.all_objects.filter(part=OuterRef("pk"), effective_on__lte=on)
            .exclude(kind=MoveKind.VOID)
            .filter(~Exists(voided))
            .order_by("-seq")
        )
        parts = parts.annotate(
            at_stage=Subquery(latest.values("to_stage__number")[:1]),
            at_state=Subquery(latest.values("to_state")[:1]),
        ).filter(at_stage__isnull=False)
    rows = (
        parts.order_by()
        .values_list("organisation_id", "at_stage", "at_state")
        .annotate(parts=Count("pk"))
    )
    found = Counts(on)
    for organisation_id, stage, state, count in rows:
        mine = found.by_organisation.setdefault(organisation_id, journey.empty_counts())
        mine[stage][state] += count
        found.counts[stage][state] += count
        found.total += count
    return found


def picture(network, on, *, organisation=None):
    """Picture of the network at the end of `on`: of one member `organisation` (an id) alone
    where it is given. Two queries."""
    shared = shared_innovations(network)
    if organisation is not None:
        shared = shared.filter(organisation_id=organisation)
    innovations = list(
        shared.select_related("organisation").order_by("organisation__name", "title", "pk")
    )
    rows = (
        Move.objects.live()
        .filter(part__innovation__in=shared.values("pk"), effective_on__lte=on)
        .annotate(rank=Window(RowNumber(), partition_by=[F("part_id")], order_by=F("seq").desc()))
        .filter(rank=1)
        .values(
            "part_id",
            "part__name",
            "part__innovation_id",
            "organisation_id",
            "to_stage__number",
            "to_stage_id",
            "to_state",
            "cycle",
            "effective_on",
        )
    )
    titles = {i.pk: i.title for i in innovations}
    order = {i.pk: index for index, i in enumerate(innovations)}
    parts = sorted(
        (
            SharedPart(
                row["part_id"],
                row["part__name"],
                row["part__innovation_id"],
                titles.get(row["part__innovation_id"], ""),
                row["organisation_id"],
                row["to_stage__number"],
                row["to_stage_id"],
                row["to_state"],
                row["cycle"],
                row["effective_on"],
            )
            for row in rows
            if row["part__innovation_id"] in titles
        ),
        key=lambda p: (order[p.innovation_id], p.name.lower(), p.part_id),
    )
    found = Picture(on, innovations, parts)
    for part in parts:
        found.counts[part.stage][part.state] += 1
        mine = found.by_organisation.setdefault(
            part.organisation_id, {n: 0 for n in journey.STAGES}
        )
        mine[part.stage] += 1
    return found


def measure_statuses(found):
    """{innovation id: [(measure, latest reading, status)]} for the innovations of `found` (a
    Picture) shared at "statuses" or above; no others are read. Two queries (none when no
    innovation is shared at that level)."""
    ids = [i.pk for i in found.innovations if includes(i.share_level, ShareLevel.STATUSES)]
    if not ids:
        return {}
    positions = defaultdict(list)
    for part in found.parts:
        if part.innovation_id in ids:
            positions[part.innovation_id].append(
                Position(part.part_id, part.name, part.stage_id, part.state)
            )
    book = MeasureBook(None, found.on, innovation_ids=ids, positions=dict(positions))
    return {pk: book.for_innovation(pk) for pk in ids}


def durations(network, on):
    """(Pooled, {part id: PartTimes}, innovations) of the shared parts as of the end of `on`:
    the network's median and spread of time active in each stage over completed stays, and
    each organisation's own. Two queries."""
    shared = shared_innovations(network)
    innovations = list(shared.select_related("organisation").order_by("organisation__name"))
    rows = list(
        journey.spans_of(Move.objects.live().filter(part__innovation__in=shared.values("pk")), on)
    )
    times = journey.fold_spans(rows, on)
    organisation_of = {row["part_id"]: row["organisation_id"] for row in rows}
    return pool(times, organisation_of), times, innovations


@dataclass(frozen=True)
class Moved:
    """A move of a shared part, with its reason (the code chosen, such as "Funding") only where
    the network may see reasons. The rationale's words are the organisation's own: no network
    sees them, at any level."""

    part: str
    innovation: str
    organisation_id: int
    organisation: str
    kind: str
    kind_label: str
    from_stage: int | None
    to_stage: int
    to_state: str
    cycle: int
    effective_on: date
    reasons_shared: bool = False
    reason: str = ""

    @property
    def stage_name(self):
        return stage_names()[self.to_stage]

    @property
    def state_label(self):
        return State(self.to_state).label.lower()


def moves_since(network, after, until):
    """[Moved] with `effective_on` in (after, until], newest first: the live moves of the
    network's shared parts (a voided move and its void are left out, as the journey reads
    them). One query."""
    shared = shared_innovations(network)
    rows = (
        Move.objects.live()
        .filter(
            part__innovation__in=shared.values("pk"),
            effective_on__gt=after,
            effective_on__lte=until,
        )
        .annotate(
            share_level=Subquery(
                Sharing.objects.filter(
                    network=network, innovation=OuterRef("part__innovation_id")
                ).values("level")[:1]
            )
        )
        .select_related("part__innovation", "organisation", "from_stage", "to_stage")
        .order_by("-effective_on", "-recorded_at", "-seq")
    )
    found = []
    for move in rows:
        reasons = includes(move.share_level, ShareLevel.REASONS)
        found.append(
            Moved(
                move.part.name,
                move.part.innovation.title,
                move.organisation_id,
                move.organisation.name,
                move.kind,
                move.get_kind_display(),
                move.from_stage.number if move.from_stage else None,
                move.to_stage.number,
                move.to_state,
                move.cycle,
                move.effective_on,
                reasons,
                move.get_reason_display() if reasons and move.reason else "",
            )
        )
    return found


@dataclass
class Adopted:
    adoption: Adoption
    states: dict  # {component id: Fidelity or None}


@dataclass
class ModelFidelity:
    model: SharedModel
    core: list  # [Component]
    adaptable: list  # [Component]
    adoptions: list = field(default_factory=list)  # [Adopted]

    def tally(self):
        """{component id: {state: number of adoptions}}: how many adoptions have each core
        component in place, adapted or not yet (no answer counts as not yet)."""
        counts = {c.pk: dict.fromkeys(FidelityState.values, 0) for c in self.core}
        for adopted in self.adoptions:
            for component in self.core:
                answer = adopted.states.get(component.pk)
                counts[component.pk][answer.state if answer else FidelityState.NOT_YET] += 1
        return counts


def fidelity(network, *, model=None):
    """[ModelFidelity] of the network's published models (or of `model` alone): their core
    components and adaptable elements, and each current adoption whose innovation the
    network may see, with its answer for each core component. Four queries."""
    models = SharedModel.objects.published().filter(network=network).select_related("innovation")
    if model is not None:
        models = models.filter(pk=model.pk)
    models = list(models.order_by("name", "pk"))
    components = list(
        Component.objects.filter(model__in=[m.pk for m in models]).order_by("position", "pk")
    )
    adoptions = list(
        Adoption.objects.current()
        .filter(
            model__in=[m.pk for m in models],
            innovation__in=shared_innovations(network).values("pk"),
        )
        .select_related("innovation", "organisation")
        .order_by("organisation__name", "innovation__title", "pk")
    )
    answers = Fidelity.objects.filter(adoption__in=[a.pk for a in adoptions]).select_related(
        "recorded_by"
    )
    by_adoption = defaultdict(dict)
    for answer in answers:
        by_adoption[answer.adoption_id][answer.component_id] = answer
    result = {
        m.pk: ModelFidelity(
            m,
            [c for c in components if c.model_id == m.pk and c.kind == ComponentKind.CORE],
            [c for c in components if c.model_id == m.pk and c.kind == ComponentKind.ADAPTABLE],
        )
        for m in models
    }
    for adoption in adoptions:
        result[adoption.model_id].adoptions.append(
            Adopted(adoption, dict(by_adoption.get(adoption.pk, {})))
        )
    return list(result.values())


def model_parts(found, model_fidelity):
    """[SharedPart] of `found` (a Picture) that belong to the model's own innovation or to one
    of its adoptions' innovations. No query."""
    ids = {model_fidelity.model.innovation_id} | {
        a.adoption.innovation_id for a in model_fidelity.adoptions
    }
    return [part for part in found.parts if part.innovation_id in ids]
