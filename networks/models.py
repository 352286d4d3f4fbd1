"""Networks of organisations: who belongs, what each organisation lets a network see of each
innovation, the models published to a network, their adoptions and each adoption's fidelity,
the observers invited to a network, and its public summary.

A network sees nothing of an organisation unless a manager of that organisation chose, for
one innovation, a level above "nothing" (a Sharing row), and only while the organisation is a
current member. Rows are kept, never deleted: leaving, declining, ending and withdrawing are
dates, so each network keeps its history."""

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from simple_history.models import HistoricalRecords

from stages import clock
from stages.models import Innovation, Organisation


def new_summary_token():
    return secrets.token_urlsafe(24)


class SummaryState(models.TextChoices):
    DRAFT = "draft", "Draft"
    AWAITING = "awaiting", "Awaiting approval"
    LIVE = "live", "Live"
    WITHDRAWN = "withdrawn", "Withdrawn"


class Network(models.Model):
    """A national programme, a regional alliance or a model's adopters: an owner organisation
    (whose managers invite) and member organisations."""

    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    owner = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="owned_networks")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=clock.now, editable=False)
    # The anonymised public page: asked for, approved by the owner's manager, withdrawn.
    summary_state = models.CharField(
        max_length=20, choices=SummaryState.choices, default=SummaryState.DRAFT
    )
    summary_token = models.CharField(max_length=64, default=new_summary_token, editable=False)
    summary_requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    summary_requested_at = models.DateTimeField(null=True, blank=True)
    summary_approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    summary_approved_at = models.DateTimeField(null=True, blank=True)
    # Bumped by every write that changes what the network's pages show; cache keys include
    # it (together with the member organisations' versions).
    version = models.PositiveBigIntegerField(default=0, editable=False)
    history = HistoricalRecords(excluded_fields=["summary_token", "version"])

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["name"], name="network_name_unique"),
            models.UniqueConstraint(fields=["summary_token"], name="network_summary_token_unique"),
            models.CheckConstraint(
                condition=Q(summary_state__in=SummaryState.values),
                name="network_summary_state_known",
            ),
            models.CheckConstraint(
                condition=~Q(summary_state="live")
                | Q(summary_approved_at__isnull=False, summary_approved_by__isnull=False),
                name="network_live_summary_is_approved",
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("networks:wheel", args=[self.pk])

    @property
    def summary_is_live(self):
        return self.summary_state == SummaryState.LIVE


class NetworkMemberQuerySet(models.QuerySet):
    def current(self):
        """Organisations that joined and have not left."""
        return self.filter(joined_at__isnull=False, left_at__isnull=True)

    def pending(self):
        """Invitations neither accepted, declined nor withdrawn."""
        return self.filter(joined_at__isnull=True, left_at__isnull=True, declined_at__isnull=True)


class NetworkMember(models.Model):
    """An organisation's place in a network, from the invitation to leaving. Leaving (or an
    invitation declined or withdrawn) keeps the row; joining again makes a new one."""

    network = models.ForeignKey(Network, on_delete=models.PROTECT, related_name="members")
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="network_places"
    )
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    invited_at = models.DateTimeField(default=clock.now)
    joined_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    joined_at = models.DateTimeField(null=True, blank=True)
    declined_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    declined_at = models.DateTimeField(null=True, blank=True)
    # Set when a member leaves, or when the owner withdraws an invitation not yet accepted.
    left_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    left_at = models.DateTimeField(null=True, blank=True)
    history = HistoricalRecords()

    objects = NetworkMemberQuerySet.as_manager()

    class Meta:
        ordering = ["network", "organisation__name", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["network", "organisation"],
                condition=Q(left_at__isnull=True, declined_at__isnull=True),
                name="network_member_one_open_place",
            ),
            models.CheckConstraint(
                condition=Q(joined_at__isnull=True, joined_by__isnull=True)
                | Q(joined_at__isnull=False, joined_by__isnull=False),
                name="network_member_joined_names_who",
            ),
            models.CheckConstraint(
                condition=Q(joined_at__isnull=True) | Q(declined_at__isnull=True),
                name="network_member_not_joined_and_declined",
            ),
        ]
        indexes = [
            models.Index(fields=["organisation", "network"], name="network_member_org_idx"),
        ]

    def __str__(self):
        return f"{self.organisation} in {self.network}"

    @property
    def is_current(self):
        return self.joined_at is not None and self.left_at is None

    @property
    def is_pending(self):
        return self.joined_at is None and self.left_at is None and self.declined_at is None

    def status(self):
        if self.is_current:
            return "member"
        if self.is_pending:
            return "invited"
        if self.declined_at:
            return "declined"
        return "left" if self.joined_at else "invitation withdrawn"


class ObserverQuerySet(models.QuerySet):
    def current(self):
        """Observers who accepted their invitation, whose access has not ended and whose
        account is enabled."""
        return self.filter(accepted_at__isnull=False, ended_at__isnull=True, user__is_active=True)

    def pending(self):
        return self.filter(accepted_at__isnull=True, ended_at__isnull=True)


class Observer(models.Model):
    """A person outside every member organisation (a policy maker, funder, evaluator) who sees
    the network's views and nothing else. Invited by email with a single-use link; only a
    hash of the link's token is stored."""

    network = models.ForeignKey(Network, on_delete=models.PROTECT, related_name="observers")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="observer_places",
    )
    email = models.EmailField()
    name = models.CharField(max_length=200, blank=True)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    invited_at = models.DateTimeField(default=clock.now)
    token_hash = models.CharField(max_length=64, editable=False)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    ended_at = models.DateTimeField(null=True, blank=True)
    history = HistoricalRecords(excluded_fields=["token_hash"])

    objects = ObserverQuerySet.as_manager()

    class Meta:
        ordering = ["network", "name", "email"]
        constraints = [
            models.UniqueConstraint(fields=["token_hash"], name="observer_token_hash_unique"),
            models.UniqueConstraint(
                fields=["network", "email"],
                condition=Q(ended_at__isnull=True),
                name="observer_one_open_place_per_email",
            ),
            models.CheckConstraint(
                condition=Q(accepted_at__isnull=True, user__isnull=True)
                | Q(accepted_at__isnull=False, user__isnull=False),
                name="observer_accepted_names_who",
            ),
        ]

    def __str__(self):
        return f"{self.name or self.email}, observer of {self.network}"

    def status(self, now=None):
        if self.ended_at:
            return "ended"
        if self.accepted_at:
            return "observing"
        if (now or clock.now()) >= self.expires_at:
            return "expired"
        return "invited"


class ShareLevel(models.TextChoices):
    """What a network may see of one innovation; each level includes the ones before it."""

    NOTHING = "nothing", "Nothing"
    STAGES = "stages", "Its parts' stages and states"
    STATUSES = "statuses", "Stages and measures' statuses"
    REASONS = "reasons", "Stages, measures' statuses and the reasons for moves"


SHARE_RANK = {
    ShareLevel.NOTHING: 0,
    ShareLevel.STAGES: 1,
    ShareLevel.STATUSES: 2,
    ShareLevel.REASONS: 3,
}


def levels_from(level):
    """The levels that include `level`: ["statuses", "reasons"] for "statuses". For filters
    (`level__in=levels_from(ShareLevel.STATUSES)`)."""
    return [value for value, rank in SHARE_RANK.items() if rank >= SHARE_RANK[ShareLevel(level)]]


class Sharing(models.Model):
    """What one organisation lets one network see of one of its innovations. No row means
    "nothing". Setting "nothing" withdraws it at once; the history keeps who chose what and
    when."""

    network = models.ForeignKey(Network, on_delete=models.PROTECT, related_name="sharings")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    innovation = models.ForeignKey(Innovation, on_delete=models.PROTECT, related_name="sharings")
    level = models.CharField(max_length=20, choices=ShareLevel.choices, default=ShareLevel.NOTHING)
    set_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    set_at = models.DateTimeField(default=clock.now)
    history = HistoricalRecords()

    class Meta:
        ordering = ["network", "innovation"]
        constraints = [
            models.UniqueConstraint(
                fields=["network", "innovation"], name="sharing_one_per_network_and_innovation"
            ),
            models.CheckConstraint(
                condition=Q(level__in=ShareLevel.values), name="sharing_level_known"
            ),
        ]
        indexes = [
            models.Index(fields=["network", "level"], name="sharing_network_level_idx"),
        ]

    def __str__(self):
        return f"{self.innovation} shared with {self.network}: {self.get_level_display()}"

    def includes(self, level):
        """Whether this sharing lets the network see `level`."""
        return SHARE_RANK[ShareLevel(self.level)] >= SHARE_RANK[ShareLevel(level)]


class SharedModelQuerySet(models.QuerySet):
    def published(self):
        return self.filter(withdrawn_at__isnull=True)


class SharedModel(models.Model):
    """An innovation published to a network as a model (for example "Family Safeguarding"),
    with its core components (what must stay the same) and adaptable elements."""

    network = models.ForeignKey(Network, on_delete=models.PROTECT, related_name="models")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    innovation = models.ForeignKey(
        Innovation, on_delete=models.PROTECT, related_name="published_models"
    )
    name = models.CharField(max_length=200)
    summary = models.TextField(blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    published_at = models.DateTimeField(default=clock.now)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    history = HistoricalRecords()

    objects = SharedModelQuerySet.as_manager()

    class Meta:
        ordering = ["network", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["network", "name"],
                condition=Q(withdrawn_at__isnull=True),
                name="shared_model_name_unique_in_network",
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("networks:model", args=[self.network_id, self.pk])


class ComponentKind(models.TextChoices):
    CORE = "core", "Core component"
    ADAPTABLE = "adaptable", "Adaptable element"


class Component(models.Model):
    """A core component (what must stay the same) or an adaptable element of a model."""

    model = models.ForeignKey(SharedModel, on_delete=models.PROTECT, related_name="components")
    kind = models.CharField(max_length=20, choices=ComponentKind.choices)
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    position = models.PositiveSmallIntegerField(default=0)
    history = HistoricalRecords()

    class Meta:
        ordering = ["model", "kind", "position", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["model", "name"], name="component_name_unique_in_model"
            ),
            models.CheckConstraint(
                condition=Q(kind__in=ComponentKind.values), name="component_kind_known"
            ),
        ]

    def __str__(self):
        return self.name

    @property
    def is_core(self):
        return self.kind == ComponentKind.CORE


class AdoptionQuerySet(models.QuerySet):
    def current(self):
        return self.filter(ended_at__isnull=True)


class Adoption(models.Model):
    """Another organisation's innovation linked to a model: it adopts the model."""

    model = models.ForeignKey(SharedModel, on_delete=models.PROTECT, related_name="adoptions")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    innovation = models.ForeignKey(Innovation, on_delete=models.PROTECT, related_name="adoptions")
    linked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    linked_at = models.DateTimeField(default=clock.now)
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    ended_at = models.DateTimeField(null=True, blank=True)
    history = HistoricalRecords()

    objects = AdoptionQuerySet.as_manager()

    class Meta:
        ordering = ["model", "organisation__name", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["model", "innovation"],
                condition=Q(ended_at__isnull=True),
                name="adoption_one_open_per_model_and_innovation",
            ),
        ]

    def __str__(self):
        return f"{self.innovation} adopts {self.model}"


class FidelityState(models.TextChoices):
    IN_PLACE = "in_place", "In place"
    ADAPTED = "adapted", "Adapted"
    NOT_YET = "not_yet", "Not yet"


class Fidelity(models.Model):
    """Where one adoption stands on one core component of its model; the history keeps each
    earlier answer with who and when."""

    adoption = models.ForeignKey(Adoption, on_delete=models.PROTECT, related_name="fidelities")
    component = models.ForeignKey(Component, on_delete=models.PROTECT, related_name="fidelities")
    state = models.CharField(max_length=20, choices=FidelityState.choices)
    how_why = models.TextField("How and why it was adapted", blank=True, default="")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(default=clock.now)
    history = HistoricalRecords()

    class Meta:
        verbose_name_plural = "fidelities"
        ordering = ["adoption", "component__position", "component__pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["adoption", "component"], name="fidelity_one_per_adoption_and_component"
            ),
            models.CheckConstraint(
                condition=Q(state__in=FidelityState.values), name="fidelity_state_known"
            ),
            models.CheckConstraint(
                condition=~Q(state="adapted") | ~Q(how_why=""),
                name="fidelity_adapted_says_how_and_why",
            ),
        ]

    def __str__(self):
        return f"{self.adoption}: {self.component} {self.get_state_display().lower()}"


class PlatformAdministrator(models.Model):
    """The narrow role that creates networks, granted and taken away by platform staff in the
    Django admin. It gives no access to any organisation's data."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="platform_administrator"
    )
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    granted_at = models.DateTimeField(default=clock.now)
    history = HistoricalRecords()

    def __str__(self):
        return f"{self.user}, platform administrator"
