"""What people are told by email, and the record of what was sent.

A person chooses, for each kind of email, daily, weekly or off (Preference); where they have
not chosen, their organisation's default applies (OrganisationDefault), else the kind's own.
Every email sent is recorded item by item in Delivery, unique on (person, kind, item, day):
a re-run or a second worker finds the row there and sends nothing twice."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from stages import clock
from stages.models import Organisation


class Kind(models.TextChoices):
    REVIEW = "review", "Reviews due"
    PAUSE = "pause", "Pauses to revisit"
    ACTION = "action", "Actions due or overdue"
    SESSION = "session", "Your sessions tomorrow"
    DECISION = "decision", "Decisions waiting to be applied"
    GUEST = "guest", "Guests' access ending"
    DIGEST = "digest", "The weekly digest"
    INVITATION = "invitation", "Session invitations"


class Frequency(models.TextChoices):
    DAILY = "daily", "Daily"
    WEEKLY = "weekly", "Weekly, on Mondays"
    OFF = "off", "Off"


# What each kind may be set to. Sessions tomorrow and invitations only make sense at once,
# and the digest is weekly by nature.
CHOICES = {
    Kind.REVIEW: (Frequency.DAILY, Frequency.WEEKLY, Frequency.OFF),
    Kind.PAUSE: (Frequency.DAILY, Frequency.WEEKLY, Frequency.OFF),
    Kind.ACTION: (Frequency.DAILY, Frequency.WEEKLY, Frequency.OFF),
    Kind.SESSION: (Frequency.DAILY, Frequency.OFF),
    Kind.DECISION: (Frequency.DAILY, Frequency.WEEKLY, Frequency.OFF),
    Kind.GUEST: (Frequency.DAILY, Frequency.WEEKLY, Frequency.OFF),
    Kind.DIGEST: (Frequency.WEEKLY, Frequency.OFF),
    Kind.INVITATION: (Frequency.DAILY, Frequency.OFF),
}
DEFAULTS = {kind: choices[0] for kind, choices in CHOICES.items()}


class Preference(models.Model):
    """A person's choice for one kind of email, in every organisation they belong to."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="notification_choices"
    )
    kind = models.CharField(max_length=20, choices=Kind.choices)
    frequency = models.CharField(max_length=10, choices=Frequency.choices)
    changed_at = models.DateTimeField(default=clock.now)
    history = HistoricalRecords()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "kind"], name="preference_one_per_kind"),
            models.CheckConstraint(condition=Q(kind__in=Kind.values), name="preference_kind_known"),
            models.CheckConstraint(
                condition=Q(frequency__in=Frequency.values), name="preference_frequency_known"
            ),
        ]

    def __str__(self):
        return f"{self.user}: {self.get_kind_display()} {self.get_frequency_display().lower()}"


class OrganisationDefault(models.Model):
    """The organisation's choice for one kind, for everyone who has not made their own."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="notification_defaults"
    )
    kind = models.CharField(max_length=20, choices=Kind.choices)
    frequency = models.CharField(max_length=10, choices=Frequency.choices)
    changed_at = models.DateTimeField(default=clock.now)
    history = HistoricalRecords()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "kind"], name="organisation_default_one_per_kind"
            ),
            models.CheckConstraint(
                condition=Q(kind__in=Kind.values), name="organisation_default_kind_known"
            ),
            models.CheckConstraint(
                condition=Q(frequency__in=Frequency.values),
                name="organisation_default_frequency_known",
            ),
        ]

    def __str__(self):
        return f"{self.organisation}: {self.get_kind_display()} {self.get_frequency_display()}"


class DeliveryStatus(models.TextChoices):
    SENDING = "sending", "Sending"
    SENT = "sent", "Sent"
    FAILED = "failed", "Failed"


class Delivery(models.Model):
    """One item of one email to one person: claimed before the email is sent, so no one else
    sends it; `day` is the day the item fell due (a session's: the day before it)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    item = models.CharField(max_length=60)
    day = models.DateField()
    # What the item was about, in the email's own words (titles and stages only).
    subject = models.CharField(max_length=300)
    status = models.CharField(
        max_length=10, choices=DeliveryStatus.choices, default=DeliveryStatus.SENDING
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    error = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(default=clock.now)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "kind", "item", "day"], name="delivery_once_per_item_and_day"
            ),
            models.CheckConstraint(condition=Q(kind__in=Kind.values), name="delivery_kind_known"),
            models.CheckConstraint(
                condition=Q(status__in=DeliveryStatus.values), name="delivery_status_known"
            ),
        ]
        indexes = [
            models.Index(fields=["organisation", "status"], name="delivery_organisation_idx"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.item} to {self.user} ({self.day})"
