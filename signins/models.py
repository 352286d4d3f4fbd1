"""How an organisation's people sign in, and the record of who signed in, when and how."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from simple_history.models import HistoricalRecords

from stages.models import Organisation


class SignInSettings(models.Model):
    """Whether two-step sign-in is required of the organisation's people who use a password,
    and the organisation's own OpenID Connect provider (Microsoft Entra ID or any other) for
    signing in with a work account. The client secret is written, never shown again."""

    organisation = models.OneToOneField(
        Organisation, on_delete=models.PROTECT, related_name="sign_in_settings"
    )
    require_two_step = models.BooleanField(default=False)
    server_url = models.URLField(blank=True, max_length=500)
    client_id = models.CharField(blank=True, max_length=255)
    client_secret = models.CharField(blank=True, max_length=500)
    # Lower-case domains, one a line: a verified email at one of them may sign in and join.
    allowed_domains = models.TextField(blank=True)
    history = HistoricalRecords(excluded_fields=["client_secret"])

    class Meta:
        verbose_name_plural = "sign-in settings"

    def __str__(self):
        return f"Sign-in settings of {self.organisation}"

    @property
    def domains(self):
        return self.allowed_domains.split()

    @property
    def has_work_accounts(self):
        return bool(self.server_url and self.client_id)

    @property
    def provider_id(self):
        """The organisation's provider in the sign-in URLs (and so in its redirect URI)."""
        return f"org-{self.organisation_id}"


class SignInMethod(models.TextChoices):
    PASSWORD = "password", "Password"
    TWO_STEP = "two_step", "Password and two-step"
    WORK_ACCOUNT = "work_account", "Work account"


class SignInEvent(models.Model):
    """One sign-in, or one refused attempt: who, when, how and from where. A failure names the
    account the typed username or email belongs to when there is one, and the organisation whose
    provider refused a work account."""

    at = models.DateTimeField(default=timezone.now)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="sign_in_events",
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    method = models.CharField(max_length=20, choices=SignInMethod.choices)
    succeeded = models.BooleanField()
    typed = models.CharField(max_length=254, blank=True)
    detail = models.CharField(max_length=300, blank=True)
    client = models.GenericIPAddressField(null=True, blank=True)

    class Meta:
        ordering = ["-at", "-pk"]
        indexes = [
            models.Index(fields=["user", "at"], name="sign_in_event_user_idx"),
            models.Index(fields=["organisation", "at"], name="sign_in_event_org_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(method__in=SignInMethod.values), name="sign_in_event_method"
            ),
        ]

    def __str__(self):
        outcome = "signed in" if self.succeeded else "refused"
        return f"{self.typed or self.user} {outcome} by {self.get_method_display().lower()}"
