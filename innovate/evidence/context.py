"""What the evidence area gives the innovation's pages: the evidence section of the
innovation page, a part's readiness on the move form and the evidence entries of the history
feed. Plain functions over the domain's queries, so no view imports another area's views."""

from django.utils import timezone

from assessments.models import Check, EthicsNote, Involvement
from assessments.queries import evidence as queries
from assessments.queries import sessions as session_queries
from assessments.queries.evidence import PartMeasure, readiness_summary, status_for_part
from innovate.access import name_of
from stages.models import Role


def _person(user):
    if user is None:
        return "System"
    return name_of(user)


def innovation_evidence(innovation, membership, parts, today=None):
    """The evidence section of the innovation page: measures with their statuses, coverage
    gaps, each part's answer and involvement at its current stage, and the ethics notes of the
    stages that hold parts. `parts` have their stage selected. Eight queries."""
    today = today or timezone.localdate()
    measures = queries.measures_with_status(innovation, today, parts=parts)
    checks = queries.current_checks(innovation)
    involvement = queries.involvement_by_part(innovation)
    notes = {
        note.stage.number: note
        for note in EthicsNote.objects.filter(innovation=innovation).select_related(
            "stage", "updated_by"
        )
    }
    rows = []
    stages = {}
    for part in parts:
        check, took_part = checks.get(part.pk), involvement.get(part.pk)
        lines = [
            PartMeasure(measure, *status_for_part(measure, part.pk, today))
            for measure in measures
            if measure.stage_id == part.stage_id and measure.part_id in (None, part.pk)
        ]
        rows.append(
            {
                "part": part,
                "check": check,
                "involvement": took_part,
                "summary": readiness_summary(part.stage, lines, check, took_part),
            }
        )
        stages.setdefault(part.stage.number, [part.stage, []])[1].append(part)
    for number, note in notes.items():
        stages.setdefault(number, [note.stage, []])
    for measure in measures:
        measure.latest_text = (
            (
                f"{measure.latest.shown}"
                f"{' ' + measure.unit if measure.unit and not measure.latest.rating else ''}"
            )
            if measure.latest
            else ""
        )
    return {
        "evidence": {
            "measures": measures,
            "gaps": queries.coverage(innovation),
            "parts": rows,
            "ethics": [
                {"stage": stage, "parts": here, "note": notes.get(number)}
                for number, (stage, here) in sorted(stages.items())
            ],
            "may_write": membership.may(Role.LEADER) and not innovation.is_closed,
        }
    }


def move_readiness(part, today=None):
    """What the move form shows of the part's readiness at its current stage, and the words
    its evidence field starts with, so the decision can cite it. Five queries."""
    readiness = queries.readiness(part, today or timezone.localdate())
    readiness["evidence"] = f"Readiness at {readiness['stage'].name}: {readiness['summary']}."
    return readiness


def evidence_history(innovation):
    """Entries for the innovation's history feed: every involvement record, every answer to a
    key question, every wording of an ethics note and every note or attendee removed from a
    reflection session. Four queries."""
    entries = []
    for record in Involvement.objects.filter(part__innovation=innovation).select_related(
        "part", "stage", "recorded_by"
    ):
        entries.append(
            _entry(
                record.recorded_at,
                record.recorded_by,
                f"{record.get_who_display()} {record.get_level_display().lower()} in "
                f"{record.stage.name}",
                record.note,
                subject=record.part.name,
            )
        )
    for check in Check.objects.filter(part__innovation=innovation).select_related(
        "part", "stage", "answered_by"
    ):
        if check.stage.key_question:
            subject = check.stage.criterion or "Key question"
            what = (
                f"{subject} at {check.stage.name} answered “{check.get_answer_display().lower()}”"
            )
        else:
            what = f"Reflection on the prompts at {check.stage.name}"
        entries.append(
            _entry(
                check.recorded_at,
                check.answered_by,
                what,
                check.evidence,
                subject=check.part.name,
            )
        )
    for row in (
        EthicsNote.history.filter(innovation_id=innovation.pk)
        .select_related("history_user", "stage")
        .order_by("history_date", "history_id")
    ):
        if row.history_type == "+":
            done = "written"
        elif row.note:
            done = "edited"
        else:
            done = "cleared"
        entries.append(
            _entry(
                row.history_date,
                row.history_user,
                f"Ethics note for {row.stage.name} {done}",
                row.note,
            )
        )
    for row in session_queries.removals(innovation.pk):
        entries.append(
            {
                **_entry(
                    row["removed_on"],
                    None,
                    f"{row['what'].capitalize()} removed from the session “{row['session_title']}”",
                    row["words"],
                ),
                "who": (
                    f"{row['first_name'] or ''} {row['last_name'] or ''}".strip()
                    or row["username"]
                    or "System"
                ),
            }
        )
    return entries


def _entry(when, who, headline, note, *, subject=""):
    text = " ".join((note or "").split())
    return {
        "when": when,
        "who": _person(who),
        "subject": subject,
        "headline": headline,
        "note": text if len(text) <= 300 else text[:299] + "…",
        "include": "evidence/_history_entry.html",
        "reason": "",
        "changes": [],
        "move": None,
        "action": headline,
    }
