"""Reads of evidence documents, each one query. The web front keeps them to what the person may
see (innovate.access): every list here is of one innovation (or one object of it)."""

from attachments.models import Attachment

LISTED = (
    "added_by",
    "withdrawn_by",
    "move__part",
    "move__to_stage",
    "reading__measure",
    "reading__part",
    "check_answer__part",
    "check_answer__stage",
    "session",
)


def innovation_files(innovation):
    """Every file of the innovation, in use and withdrawn, newest first, with what it is
    attached to and who added and withdrew it. One query."""
    return list(Attachment.objects.filter(innovation=innovation).select_related(*LISTED))


def files_on(field, target):
    """The files attached to one move, reading, check answer or session (`field` names which),
    in use and withdrawn, newest first. One query."""
    found = Attachment.objects.filter(**{field: target}).select_related("added_by", "withdrawn_by")
    return list(found)


def file_history(innovation):
    """Each addition and withdrawal of the innovation's files, newest first, with who did it.
    One query."""
    return list(
        Attachment.history.filter(innovation_id=innovation.pk)
        .select_related("history_user")
        .order_by("-history_date", "-history_id")
    )
