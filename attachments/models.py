"""Evidence documents: files attached to an innovation, or to one of its moves, readings, check
answers or reflection sessions. The file itself lives in Django's storage (STORAGES["default"]),
under a name the product makes up; the name the person's computer gave it is kept apart and
used only for the download."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from simple_history.models import HistoricalRecords

from assessments.models import Check, Reading, ReflectionSession
from stages import clock
from stages.models import Innovation, Move, Organisation

TARGETS = ("move", "reading", "check", "session")


def stored_name(attachment, filename):
    """attachments/<organisation>/<random>: nothing of the name the browser sent reaches the
    store, so it cannot choose a path, an extension or another file's place."""
    return f"attachments/{attachment.organisation_id}/{uuid.uuid4().hex}"


class AttachmentQuerySet(models.QuerySet):
    def current(self):
        return self.filter(withdrawn_at__isnull=True)


class Attachment(models.Model):
    """A file of evidence. Never deleted: removing it withdraws it, saying why, and its history
    keeps who added and who withdrew it."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    innovation = models.ForeignKey(Innovation, on_delete=models.PROTECT, related_name="+")
    # At most one of these: the file is about that move, reading, check answer or session of the
    # innovation; with none it is about the innovation as a whole.
    move = models.ForeignKey(
        Move, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reading = models.ForeignKey(
        Reading, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    check_answer = models.ForeignKey(
        Check, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    session = models.ForeignKey(
        ReflectionSession, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    file = models.FileField(upload_to=stored_name, max_length=200)
    original_name = models.CharField("File name", max_length=255)
    content_type = models.CharField(max_length=100)
    kind = models.CharField("Type", max_length=40)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    description = models.CharField(max_length=300, blank=True)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    added_at = models.DateTimeField(default=clock.now, editable=False)
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    withdrawn_reason = models.TextField("Why it is withdrawn", blank=True)
    history = HistoricalRecords()

    objects = AttachmentQuerySet.as_manager()

    class Meta:
        ordering = ["-added_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(move__isnull=True, reading__isnull=True, check_answer__isnull=True)
                    | Q(move__isnull=True, reading__isnull=True, session__isnull=True)
                    | Q(move__isnull=True, check_answer__isnull=True, session__isnull=True)
                    | Q(reading__isnull=True, check_answer__isnull=True, session__isnull=True)
                ),
                name="attachment_at_most_one_target",
            ),
            models.CheckConstraint(condition=Q(size__gt=0), name="attachment_not_empty"),
            models.CheckConstraint(
                condition=Q(
                    withdrawn_at__isnull=True, withdrawn_by__isnull=True, withdrawn_reason=""
                )
                | (
                    Q(withdrawn_at__isnull=False, withdrawn_by__isnull=False)
                    & ~Q(withdrawn_reason="")
                ),
                name="attachment_withdrawn_by_someone_for_a_reason",
            ),
        ]
        indexes = [
            models.Index(fields=["innovation", "added_at"], name="attachment_innovation_idx"),
            models.Index(fields=["organisation", "withdrawn_at"], name="attachment_quota_idx"),
        ]

    def __str__(self):
        return f"{self.original_name} ({self.kind}) on innovation {self.innovation_id}"

    def get_absolute_url(self):
        return reverse("files:download", args=[self.pk])

    @property
    def is_withdrawn(self):
        return self.withdrawn_at is not None

    @property
    def target(self):
        """("move" | "reading" | "check" | "session", id), or None for the whole innovation."""
        for name, field in (
            ("move", "move_id"),
            ("reading", "reading_id"),
            ("check", "check_answer_id"),
            ("session", "session_id"),
        ):
            if getattr(self, field) is not None:
                return name, getattr(self, field)
        return None
