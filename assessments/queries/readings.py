"""What became of a measure's readings after they were recorded: corrections, withdrawals and
restorings, read from the readings' history. One query, whatever the number of readings or
changes, on PostgreSQL and SQLite alike."""

from typing import Any, NamedTuple

from assessments.models import Reading

# The fields a correction may change, in the order a change is told.
CORRECTED_FIELDS = ("observed_on", "value", "rating", "story", "evidence_url")


class ReadingChange(NamedTuple):
    """One change to a reading: `kind` is "corrected", "withdrawn" or "restored"; `row` is
    the history row after the change (the reading as it then was, `history_user` and
    `history_date` telling who and when); `before` the row before it; `fields` the names of
    the corrected fields."""

    kind: str
    row: Any
    before: Any
    fields: tuple


class ReadingHistory(NamedTuple):
    changes: list  # [ReadingChange], newest first
    withdrawn: list  # history rows of the readings withdrawn now, latest date observed first
    corrected: set  # ids of the readings corrected at least once


def reading_history(measure):
    """The changes to `measure`'s readings since each was recorded, the readings withdrawn
    now (as their latest history rows, which hold the reason, who withdrew it and when) and
    the ids of those ever corrected. One query (the history rows with who made them, each
    reading's part, recorder and withdrawer selected)."""
    rows = (
        Reading.history.filter(measure_id=measure.pk)
        .select_related("history_user", "part", "recorded_by", "withdrawn_by")
        .order_by("id", "history_date", "history_id")
    )
    changes, latest, corrected = [], {}, set()
    for row in rows:
        before = latest.get(row.id)
        latest[row.id] = row
        if before is None or row.history_type != "~":
            continue
        if before.withdrawn_at is None and row.withdrawn_at is not None:
            changes.append(ReadingChange("withdrawn", row, before, ()))
        elif before.withdrawn_at is not None and row.withdrawn_at is None:
            changes.append(ReadingChange("restored", row, before, ()))
        fields = tuple(
            name for name in CORRECTED_FIELDS if getattr(before, name) != getattr(row, name)
        )
        if fields:
            changes.append(ReadingChange("corrected", row, before, fields))
            corrected.add(row.id)
    changes.sort(key=lambda change: (change.row.history_date, change.row.history_id), reverse=True)
    withdrawn = sorted(
        (
            row
            for row in latest.values()
            if row.withdrawn_at is not None and row.history_type != "-"
        ),
        key=lambda row: (row.observed_on, row.history_date),
        reverse=True,
    )
    return ReadingHistory(changes, withdrawn, corrected)
