"""API tokens: how a program such as Power BI reads an organisation's data. A manager creates
one with a name and an expiry; the secret is shown once and only its SHA-256 is kept."""

from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords

from stages import clock
from stages.models import Organisation


class ApiTokenQuerySet(models.QuerySet):
    def usable(self, today=None):
        """Tokens neither revoked nor past their expiry date (usable to the end of that day)."""
        return self.filter(revoked_at__isnull=True, expires_on__gte=today or clock.localdate())


class ApiToken(models.Model):
    """One token of an organisation. The secret is `inn_<prefix>_<rest>`: the prefix finds
    the row, the SHA-256 of the whole secret proves it. A token reads its organisation's
    innovations that are not restricted, and the restricted ones too when `reads_restricted`
    was chosen at creation."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    name = models.CharField(max_length=100)
    prefix = models.CharField(max_length=16, unique=True, editable=False)
    secret_hash = models.CharField(max_length=64, editable=False)
    reads_restricted = models.BooleanField("Reads restricted innovations", default=False)
    expires_on = models.DateField("Expires on")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=clock.now, editable=False)
    # Written at most once a minute, without a history row (innovate.access.api_token_for).
    last_used_at = models.DateTimeField(null=True, blank=True, editable=False)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    history = HistoricalRecords(excluded_fields=["last_used_at", "secret_hash"])

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        indexes = [models.Index(fields=["organisation", "expires_on"], name="apitoken_org_expiry")]

    def __str__(self):
        return f"API token {self.name} of {self.organisation_id}"

    @property
    def is_revoked(self):
        return self.revoked_at is not None

    def is_expired(self, today=None):
        return self.expires_on < (today or clock.localdate())
