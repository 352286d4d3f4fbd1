"""The weekly digest for managers: what moved in the week, the items that began or stopped
needing attention, and the measures whose status changed, each with a link. Titles, names and
stages only: never a note's, a move's or an action's own words."""

from dataclasses import dataclass, field
from datetime import timedelta

from django.urls import reverse

from assessments.queries.organisation import MeasureBook
from notifications import rules
from notifications.models import Kind
from stages import queries
from stages.models import MoveKind, Role

WEEK = 7


@dataclass
class Digest:
    since: object
    until: object
    moves: list = field(default_factory=list)  # [(text, path)]
    new_attention: list = field(default_factory=list)
    resolved_attention: list = field(default_factory=list)
    measures: list = field(default_factory=list)

    def __bool__(self):
        return bool(self.moves or self.new_attention or self.resolved_attention or self.measures)


def _move_text(move):
    part = move.part
    kind = MoveKind(move.kind).label.lower()
    where = f"{move.from_stage.name} to {move.to_stage.name}" if move.from_stage else None
    words = f"{part.name} of {part.innovation.title}: {kind}"
    if where and move.from_stage_id != move.to_stage_id:
        words += f", {where}"
    elif move.to_stage:
        words += f" at {move.to_stage.name}"
    return f"{words} ({move.effective_on:%-d %B})"


def _attention_words(item):
    what, innovation, reasons = item
    if what.startswith("Action: "):
        what = "An overdue action"
        reasons = reasons.split(",")[-1].strip()
    return f"{what}{f' ({innovation})' if innovation else ''}: {reasons}"


def build(organisation, until, *, innovations, attention):
    """The digest of the week ending `until` for a manager who sees `innovations`.
    `attention(organisation, on, innovations)`: Needs attention on a date, as
    [(what, innovation title, reasons)]."""
    since = until - timedelta(days=WEEK)
    digest = Digest(since=since, until=until)
    counted = queries.counted_parts(organisation, until, innovations=innovations)
    for move in queries.moves_between(organisation, since, until, counted=counted):
        if move.kind == MoveKind.VOID:
            continue
        digest.moves.append((_move_text(move), move.part.get_absolute_url()))
    before = {(a, b): (a, b, c) for a, b, c in attention(organisation, since, innovations)}
    now = {(a, b): (a, b, c) for a, b, c in attention(organisation, until, innovations)}
    digest.new_attention = [_attention_words(now[key]) for key in now if key not in before]
    digest.resolved_attention = [_attention_words(before[key]) for key in before if key not in now]
    seen_ids = innovations.values("pk")
    then = MeasureBook(organisation, since, innovation_ids=seen_ids)
    current = MeasureBook(organisation, until, innovation_ids=seen_ids)
    for measure in current.measures:
        old = then.status.get(measure.pk)
        new = current.status[measure.pk]
        if old is not None and old.code != new.code:
            digest.measures.append(
                (
                    f"{measure.name} ({measure.stage.name}): {old.label} to {new.label}",
                    reverse("evidence:measure", args=[measure.pk]),
                )
            )
    return digest


def digest_item(organisation, until):
    return rules.Item(
        Kind.DIGEST,
        f"organisation:{organisation.pk}",
        until,
        f"The week to {until:%-d %B %Y} at {organisation.name}",
        reverse("dashboard:portfolio"),
    )


def managers(memberships):
    return [m for m in memberships if m.may(Role.MANAGER) and not m.is_guest]
