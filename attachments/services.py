"""The one write path for evidence documents: adding a file (checked by its content, within the
size limit and the organisation's quota) and withdrawing one with a reason.

Every function takes `by=` the acting user and commits everything it writes (the row, its
history with the acting user and a change reason, the organisation's version) or nothing. A
refusal raises ValidationError at the `file` (or `reason`) field."""

import hashlib
import math
import unicodedata

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Sum

from assessments.models import Check, Reading, ReflectionSession
from attachments.detect import ALLOWED_WORDS, Refused, detect
from attachments.models import Attachment
from stages import clock
from stages.models import Move, Organisation
from stages.services import bump_version, save_with_history
from stages.text import strip_bidi

WITHDRAWN_REASON_LIMIT = 1000
DESCRIPTION_LIMIT = 300
MB = 1024 * 1024


def size_words(size):
    """A size in words: "20 MB", "1.5 MB", "12 KB" (a part of a kilobyte counts as one)."""
    if size < MB:
        return f"{max(1, math.ceil(size / 1024))} KB"
    value = size / MB
    if value >= 10:
        return f"{value:.0f} MB"
    return f"{value:.1f} MB".replace(".0 MB", " MB")


def clean_name(name):
    """The file's own name, as shown and offered on download: no folders, no control or
    reordering characters, at most 255 characters (the extension kept)."""
    name = strip_bidi(str(name or "")).replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(c for c in name if unicodedata.category(c)[0] != "C").strip(" .")
    if len(name) > 255:
        stem, dot, extension = name.rpartition(".")
        name = (stem[: 254 - len(extension)] + dot + extension) if dot else name[:255]
    return name or "file"


def _target_fields(innovation, target):
    """{field: object} placing the file on `target` (a move, reading, check answer or session
    of the innovation), or on the innovation itself when None."""
    if target is None:
        return {}
    if isinstance(target, Move):
        innovation_id, field = target.part.innovation_id, "move"
    elif isinstance(target, Reading):
        innovation_id, field = target.measure.innovation_id, "reading"
    elif isinstance(target, Check):
        innovation_id, field = target.part.innovation_id, "check_answer"
    elif isinstance(target, ReflectionSession):
        innovation_id, field = target.innovation_id, "session"
    else:
        raise TypeError(f"A file cannot be attached to {target!r}")
    if innovation_id != innovation.pk:
        raise ValueError("The target belongs to another innovation")
    return {field: target}


def check_upload(upload):
    """The upload's detected type, or a ValidationError at `file` saying what is wrong."""
    if upload is None:
        raise ValidationError({"file": "Choose a file to attach."})
    limit = settings.ATTACHMENT_MAX_BYTES
    if upload.size == 0:
        raise ValidationError({"file": "The chosen file is empty: choose a file with content."})
    if upload.size > limit:
        raise ValidationError(
            {"file": f"The chosen file is larger than {size_words(limit)}, the most a file may be."}
        )
    try:
        return detect(upload)
    except Refused as refusal:
        words = str(refusal)
        if ALLOWED_WORDS not in words:
            words += f" Attach {ALLOWED_WORDS}."
        raise ValidationError({"file": words.replace("The file", "The chosen file", 1)}) from None


def used_bytes(organisation_id):
    """What the organisation's files in use take, in bytes. One query."""
    used = Attachment.objects.current().filter(organisation_id=organisation_id)
    return used.aggregate(total=Sum("size"))["total"] or 0


@transaction.atomic
def add_attachment(innovation, upload, *, by, target=None, description=""):
    """Attach the uploaded file to the innovation, or to `target` (one of its moves, readings,
    check answers or sessions). Refused unless its content is a type the product takes, it is
    within ATTACHMENT_MAX_BYTES, and the organisation's files in use stay within
    ATTACHMENT_QUOTA_BYTES: the organisation's row is locked while its use is summed, so two
    uploads at once cannot both overrun the quota. Nothing is stored when refused."""
    fields = _target_fields(innovation, target)
    description = strip_bidi(description or "").strip()
    if len(description) > DESCRIPTION_LIMIT:
        raise ValidationError(
            {"description": f"Keep the description to {DESCRIPTION_LIMIT} characters."}
        )
    detected = check_upload(upload)
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    Organisation.objects.select_for_update().only("pk").get(pk=innovation.organisation_id)
    quota = settings.ATTACHMENT_QUOTA_BYTES
    used = used_bytes(innovation.organisation_id)
    if used + upload.size > quota:
        raise ValidationError(
            {
                "file": f"The chosen file ({size_words(upload.size)}) would take your "
                f"organisation's files over its {size_words(quota)}: "
                f"{size_words(used)} is in use. Withdraw files no longer needed, or ask the "
                "service's administrators for more room."
            }
        )
    attachment = Attachment(
        organisation_id=innovation.organisation_id,
        innovation=innovation,
        original_name=clean_name(upload.name),
        content_type=detected.content_type,
        kind=detected.kind,
        size=upload.size,
        sha256=digest.hexdigest(),
        description=description,
        added_by=by,
        added_at=clock.now(),
        **fields,
    )
    attachment.file.save("upload", upload, save=False)
    try:
        save_with_history(attachment, by=by, reason="File added")
        bump_version(innovation.organisation_id)
    except BaseException:
        attachment.file.storage.delete(attachment.file.name)
        raise
    return attachment


@transaction.atomic
def withdraw_attachment(attachment, *, by, reason):
    """Withdraw a file, saying why. It is kept (a manager may still download it) and listed as
    withdrawn with who withdrew it and when; it no longer counts against the quota."""
    reason = strip_bidi(reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "Say why the file is withdrawn."})
    if len(reason) > WITHDRAWN_REASON_LIMIT:
        raise ValidationError(
            {"reason": f"Keep the reason to {WITHDRAWN_REASON_LIMIT:,} characters."}
        )
    locked = Attachment.objects.select_for_update().get(pk=attachment.pk)
    if locked.is_withdrawn:
        raise ValidationError({"reason": "This file is already withdrawn."})
    locked.withdrawn_at = clock.now()
    locked.withdrawn_by = by
    locked.withdrawn_reason = reason
    save_with_history(
        locked,
        by=by,
        reason="File withdrawn",
        update_fields=["withdrawn_at", "withdrawn_by", "withdrawn_reason"],
    )
    bump_version(locked.organisation_id)
    return locked
