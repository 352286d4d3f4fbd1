"""Organisations, the six stages, innovations, their parts and the moves of each part."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords

from stages import clock


class Role(models.TextChoices):
    VIEWER = "viewer", "Viewer"
    LEADER = "leader", "Leader"
    FACILITATOR = "facilitator", "Facilitator"
    MANAGER = "manager", "Manager"


# Each role may do what the roles before it may do.
ROLE_RANK = {Role.VIEWER: 0, Role.LEADER: 1, Role.FACILITATOR: 2, Role.MANAGER: 3}


class MeasureKind(models.TextChoices):
    ENGAGEMENT = "engagement", "Engagement"
    SHORT_TERM_PROCESS = "short_term_process", "Short-term process"
    SHORT_TERM_PROGRESS = "short_term_progress", "Short-term progress"
    MEDIUM_TERM_LOCAL_IMPACT = "medium_term_local_impact", "Medium-term local impact"
    LONG_TERM_CHANGE = "long_term_change", "Long-term change"
    PERMANENT_MACRO_SYSTEM = (
        "permanent_macro_system",
        "Permanent macro-system transformation",
    )


class State(models.TextChoices):
    ACTIVE = "active", "Active"
    PAUSED = "paused", "Paused"
    STOPPED = "stopped", "Stopped"


class MoveKind(models.TextChoices):
    START = "start", "Start"
    ADVANCE = "advance", "Advance"
    JUMP = "jump", "Jump ahead"
    REWIND = "rewind", "Rewind"
    NEW_CYCLE = "new_cycle", "Go round again"
    PAUSE = "pause", "Pause"
    RESUME = "resume", "Resume"
    STOP = "stop", "Stop"
    RESTART = "restart", "Restart"
    VOID = "void", "Void a mistaken move"


class Reason(models.TextChoices):
    FUNDING = "funding", "Funding"
    WORKFORCE = "workforce", "Workforce or capacity"
    LEADERSHIP = "leadership", "Leadership change"
    INSPECTION = "inspection", "Inspection or regulatory change"
    POLICY = "policy", "Policy change"
    PARTNER = "partner", "Partner withdrawal"
    HARM_OR_NO_BENEFIT = "harm_or_no_benefit", "Evidence of harm or of no benefit"
    LEARNING = "learning", "Learning from testing"
    MOMENTUM = "momentum", "Loss of momentum"
    PLANNED_PAUSE = "planned_pause", "Planned pause"
    RECORDING_ERROR = "recording_error", "Recording error"
    OTHER = "other", "Other"


class PartKind(models.TextChoices):
    TEAM = "team", "Team"
    LOCALITY = "locality", "Locality"
    SITE = "site", "Site"
    SERVICE = "service", "Service"
    PARTNER = "partner", "Partner organisation"


class Organisation(models.Model):
    """A local authority, trust, charity or partnership. Everything else carries its id."""

    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=80, unique=True)
    # Bumped by every write to the organisation's data; cache keys include it.
    version = models.PositiveBigIntegerField(default=0, editable=False)
    # Bumped by a write that is not one innovation's alone (people, names, settings): the pages
    # of every innovation are cached under it and under the innovation's own version.
    shared_version = models.PositiveBigIntegerField(default=0, editable=False)
    # Set once a guest joins: only then do pages look up whose names to mark "(guest)".
    has_guests = models.BooleanField(default=False, editable=False)
    created_at = models.DateTimeField(default=clock.now, editable=False)
    history = HistoricalRecords(excluded_fields=["version", "shared_version", "has_guests"])

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class MembershipQuerySet(models.QuerySet):
    def active(self):
        return self.filter(is_active=True, user__is_active=True)


class Membership(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="memberships"
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="memberships"
    )
    role = models.CharField(max_length=20, choices=Role.choices, default=Role.VIEWER)
    # A guest from a partner agency sees only the innovations shared with them (TeamMember
    # rows with an end date), nothing else of the organisation.
    is_guest = models.BooleanField(default=False)
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(default=clock.now, editable=False)
    history = HistoricalRecords()

    objects = MembershipQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "organisation"], name="membership_one_per_user_and_organisation"
            ),
        ]

    def __str__(self):
        return f"{self.user} — {self.get_role_display()} at {self.organisation}"

    def may(self, need):
        """True when this membership's role is at least `need`."""
        return ROLE_RANK[Role(self.role)] >= ROLE_RANK[Role(need)]


class Stage(models.Model):
    """One of the six stages of the wheel. The text is the framework's, edited in the admin."""

    number = models.PositiveSmallIntegerField(unique=True)
    slug = models.SlugField(max_length=40, unique=True)
    name = models.CharField(max_length=60)
    activities = models.CharField(max_length=200, blank=True)
    criterion = models.CharField(max_length=100, blank=True)
    key_question = models.TextField(blank=True)
    focus_and_purpose = models.TextField(blank=True)
    success_measured_by = models.TextField(blank=True)
    measure_kind = models.CharField(max_length=40, choices=MeasureKind.choices)
    reflection_prompts = models.TextField(
        blank=True,
        help_text="One prompt a line. These are the product's own wording, not the framework's.",
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["number"]
        constraints = [
            models.CheckConstraint(
                condition=Q(number__gte=1) & Q(number__lte=6), name="stage_number_one_to_six"
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("framework") + f"#{self.slug}"

    @property
    def prompts(self):
        return [line.strip() for line in self.reflection_prompts.splitlines() if line.strip()]

    @property
    def focus_paragraphs(self):
        return [p.strip() for p in self.focus_and_purpose.split("\n\n") if p.strip()]


STAGE_NAMES_KEY = "stage-names"
STAGE_NAMES_BY_ID_KEY = "stage-names-by-id"
STAGE_NAMES_SECONDS = 60


def _read_stage_names():
    """Both maps of the stages' names from one query, kept in the cache together."""
    from django.core.cache import cache

    rows = list(Stage.objects.order_by("number").values_list("pk", "number", "name"))
    names = {number: name for _pk, number, name in rows}
    by_id = {pk: name for pk, _number, name in rows}
    cache.set_many({STAGE_NAMES_KEY: names, STAGE_NAMES_BY_ID_KEY: by_id}, STAGE_NAMES_SECONDS)
    return names, by_id


def stage_names():
    """{number: name} of the six stages, as their rows say (platform staff may rename a stage
    in the admin). Kept in the cache for a minute and dropped there when a stage is saved, so
    one query at most per minute per worker."""
    from django.core.cache import cache

    names = cache.get(STAGE_NAMES_KEY)
    if names is None:
        names, _by_id = _read_stage_names()
    return names


def stage_names_by_id():
    """{stage id: name}, cached with stage_names() (read by the same query)."""
    from django.core.cache import cache

    by_id = cache.get(STAGE_NAMES_BY_ID_KEY)
    if by_id is None:
        _names, by_id = _read_stage_names()
    return by_id


def forget_stage_names(**kwargs):
    from django.core.cache import cache

    cache.delete_many([STAGE_NAMES_KEY, STAGE_NAMES_BY_ID_KEY])


models.signals.post_save.connect(forget_stage_names, sender=Stage)
models.signals.post_delete.connect(forget_stage_names, sender=Stage)


class InnovationStatus(models.TextChoices):
    OPEN = "open", "Open"
    CLOSED = "closed", "Closed"


class ClosingOutcome(models.TextChoices):
    """How a closed innovation ended. NOT_RECORDED marks those closed before the question was
    asked; it is never offered when closing."""

    MAINSTREAMED = "mainstreamed", "Mainstreamed into standard practice"
    HANDED_OVER = "handed_over", "Handed to another organisation"
    STOPPED_NO_BENEFIT = "stopped_no_benefit", "Stopped: no benefit shown"
    STOPPED_HARM = "stopped_harm", "Stopped: evidence of harm"
    STOPPED_FUNDING = "stopped_funding", "Stopped: funding ended"
    STOPPED_PRIORITIES = "stopped_priorities", "Stopped: priorities changed"
    MERGED = "merged", "Merged into another innovation"
    OTHER = "other", "Other"
    NOT_RECORDED = "not_recorded", "Not recorded"


class InnovationQuerySet(models.QuerySet):
    def open(self):
        return self.filter(status=InnovationStatus.OPEN)

    def withdrawn(self):
        return self.filter(withdrawn_at__isnull=False)


# Withdrawn innovations and parts (and the parts and moves of a withdrawn innovation) are left
# out by the default managers, `objects`, so that no list, count, picture, report or export
# can forget them. `all_objects` reads every row: the withdrawn page, restoring, the admin.
# Related objects (`move.part`, `part.innovation`) are read unfiltered, so a withdrawn row's
# history and moves still name it.
class CurrentInnovationManager(models.Manager.from_queryset(InnovationQuerySet)):
    def get_queryset(self):
        return super().get_queryset().filter(withdrawn_at__isnull=True)


class Withdrawal(models.Model):
    """Who withdrew a row created by mistake, when and why. A withdrawn row is kept, with its
    history, and may be restored by a manager."""

    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    withdrawn_reason = models.TextField("Why it is withdrawn", blank=True, default="")

    class Meta:
        abstract = True

    @property
    def is_withdrawn(self):
        return self.withdrawn_at is not None


class Innovation(Withdrawal):
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="innovations"
    )
    title = models.CharField(max_length=200)
    summary = models.TextField(blank=True)
    prompted_by = models.TextField(
        "What prompted it", blank=True, help_text="The push and pull factors behind it."
    )
    better_for_whom = models.TextField(
        "Who it is meant to benefit", blank=True, help_text="Better for whom? How?"
    )
    lead = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="led_innovations",
    )
    # Stored as ",tag one,tag two," so a tag filter is one `contains` on both databases.
    tags_text = models.CharField("Tags", max_length=500, blank=True, default="")
    status = models.CharField(
        max_length=10, choices=InnovationStatus.choices, default=InnovationStatus.OPEN
    )
    learning = models.TextField("What we learned", blank=True)
    closed_on = models.DateField(null=True, blank=True)
    outcome = models.CharField(
        "How it ended", max_length=20, choices=ClosingOutcome.choices, blank=True, default=""
    )
    restricted = models.BooleanField(
        "Restricted",
        default=False,
        help_text="Only its team, managers and the people it is shared with see it.",
    )
    created_at = models.DateTimeField(default=clock.now, editable=False)
    # Bumped by every write to this innovation's data (its parts, moves, evidence, sessions):
    # its pages are cached under it, so a move rebuilds no other innovation's page.
    version = models.PositiveBigIntegerField(default=0, editable=False)
    history = HistoricalRecords(excluded_fields=["version"])

    objects = CurrentInnovationManager()
    all_objects = InnovationQuerySet.as_manager()

    class Meta:
        ordering = ["title"]
        constraints = [
            # A withdrawn innovation's title may be used again.
            models.UniqueConstraint(
                fields=["organisation", "title"],
                condition=Q(withdrawn_at__isnull=True),
                name="innovation_title_unique_in_organisation",
            ),
            models.CheckConstraint(
                condition=Q(status="open") | ~Q(learning=""),
                name="closed_innovation_has_learning",
            ),
            models.CheckConstraint(
                condition=Q(status="open") | ~Q(outcome=""),
                name="closed_innovation_has_outcome",
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("innovations:detail", args=[self.pk])

    @property
    def tags(self):
        return [t for t in self.tags_text.split(",") if t]

    @tags.setter
    def tags(self, values):
        cleaned = []
        for value in values:
            tag = " ".join(value.replace(",", " ").split()).lower()
            if tag and tag not in cleaned:
                cleaned.append(tag)
        self.tags_text = f",{','.join(cleaned)}," if cleaned else ""

    @property
    def is_closed(self):
        return self.status == InnovationStatus.CLOSED


class TeamRole(models.TextChoices):
    CONTRIBUTOR = "contributor", "Contributor"
    VIEWER = "viewer", "Viewer"


class TeamMemberQuerySet(models.QuerySet):
    def current(self, on=None):
        """Places that give access at the end of day `on` (today by default): not removed,
        not past their end date, of a person whose account is enabled."""
        on = on or clock.localdate()
        return self.filter(is_active=True, user__is_active=True).filter(
            Q(until__isnull=True) | Q(until__gte=on)
        )


class TeamMember(models.Model):
    """A person's place on an innovation's team besides its lead: a contributor (who may do
    on that innovation what a leader and a facilitator may) or a viewer. A guest's places end
    on a date; a removed place is kept, inactive, with its history."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    innovation = models.ForeignKey(Innovation, on_delete=models.PROTECT, related_name="team")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="team_places"
    )
    role = models.CharField(max_length=20, choices=TeamRole.choices, default=TeamRole.CONTRIBUTOR)
    until = models.DateField("Access until", null=True, blank=True)
    is_active = models.BooleanField(default=True)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=clock.now, editable=False)
    history = HistoricalRecords()

    objects = TeamMemberQuerySet.as_manager()

    class Meta:
        ordering = ["innovation", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["innovation", "user"], name="team_member_one_per_innovation"
            ),
            models.CheckConstraint(
                condition=Q(role__in=TeamRole.values), name="team_member_role_known"
            ),
        ]

    def __str__(self):
        return f"{self.user} — {self.get_role_display()} on {self.innovation}"

    def is_current(self, on=None):
        on = on or clock.localdate()
        return self.is_active and (self.until is None or self.until >= on)


class PartQuerySet(models.QuerySet):
    def withdrawn(self):
        """Parts withdrawn themselves or with their innovation."""
        return self.filter(
            Q(withdrawn_at__isnull=False) | Q(innovation__withdrawn_at__isnull=False)
        )


class CurrentPartManager(models.Manager.from_queryset(PartQuerySet)):
    """Parts neither withdrawn nor of a withdrawn innovation."""

    def get_queryset(self):
        return (
            super()
            .get_queryset()
            .filter(withdrawn_at__isnull=True, innovation__withdrawn_at__isnull=True)
        )


class Part(Withdrawal):
    """A team, locality, site, service or partner, and where it stands on the wheel now."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="parts")
    innovation = models.ForeignKey(Innovation, on_delete=models.PROTECT, related_name="parts")
    name = models.CharField(max_length=120)
    kind = models.CharField(max_length=20, choices=PartKind.choices, default=PartKind.TEAM)
    lead = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="led_parts",
    )
    next_review_on = models.DateField("Next review", null=True, blank=True)
    # The current position, written only by stages.services.move_part.
    stage = models.ForeignKey(Stage, on_delete=models.PROTECT, related_name="+")
    state = models.CharField(max_length=10, choices=State.choices, default=State.ACTIVE)
    cycle = models.PositiveIntegerField(default=1)
    stage_since = models.DateField()
    state_since = models.DateField()
    review_on = models.DateField("Revisit the pause on", null=True, blank=True)
    version = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(default=clock.now, editable=False)
    history = HistoricalRecords()

    objects = CurrentPartManager()
    all_objects = PartQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        constraints = [
            # A withdrawn part's name may be used again.
            models.UniqueConstraint(
                fields=["innovation", "name"],
                condition=Q(withdrawn_at__isnull=True),
                name="part_name_unique_in_innovation",
            ),
            models.CheckConstraint(condition=Q(cycle__gte=1), name="part_cycle_positive"),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("innovations:detail", args=[self.innovation_id]) + f"#part-{self.pk}"

    @property
    def position(self):
        """Where the part stands now, as the rules of the wheel see it (a
        `stages.rules.Position`). Reads `stage`: select it with the part, or it costs a
        query."""
        from stages.rules import Position  # rules imports this module's choices

        return Position(self.stage.number, self.state, self.cycle)

    @property
    def withdrawal(self):
        """The part's own withdrawal, else its innovation's (reads `innovation`), else None."""
        if self.is_withdrawn:
            return self
        if self.innovation.is_withdrawn:
            return self.innovation
        return None


class MoveQuerySet(models.QuerySet):
    def live(self):
        """Moves that count: neither a void nor voided by one."""
        return self.exclude(kind=MoveKind.VOID).filter(voided_by__isnull=True)


class CurrentMoveManager(models.Manager.from_queryset(MoveQuerySet)):
    """Moves of parts neither withdrawn nor of a withdrawn innovation."""

    def get_queryset(self):
        return (
            super()
            .get_queryset()
            .filter(part__withdrawn_at__isnull=True, part__innovation__withdrawn_at__isnull=True)
        )


class Move(models.Model):
    """One decision on a part's journey. Append-only: never updated, never deleted."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    part = models.ForeignKey(Part, on_delete=models.PROTECT, related_name="moves")
    seq = models.PositiveIntegerField()
    kind = models.CharField(max_length=20, choices=MoveKind.choices)
    from_stage = models.ForeignKey(
        Stage, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    to_stage = models.ForeignKey(Stage, on_delete=models.PROTECT, related_name="+")
    from_state = models.CharField(max_length=10, choices=State.choices, blank=True)
    to_state = models.CharField(max_length=10, choices=State.choices)
    from_cycle = models.PositiveIntegerField(null=True, blank=True)
    cycle = models.PositiveIntegerField()
    reason = models.CharField(max_length=30, choices=Reason.choices, blank=True)
    rationale = models.TextField(blank=True)
    evidence = models.TextField(blank=True)
    effective_on = models.DateField()
    review_on = models.DateField(null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(default=clock.now, editable=False)
    voids = models.OneToOneField(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="voided_by"
    )

    objects = CurrentMoveManager()
    all_objects = MoveQuerySet.as_manager()

    class Meta:
        ordering = ["part", "seq"]
        constraints = [
            models.UniqueConstraint(fields=["part", "seq"], name="move_seq_unique_per_part"),
            models.CheckConstraint(
                condition=Q(kind="void", voids__isnull=False)
                | (~Q(kind="void") & Q(voids__isnull=True)),
                name="move_void_names_what_it_voids",
            ),
            models.CheckConstraint(
                condition=Q(review_on__isnull=True) | Q(kind="pause"),
                name="move_review_only_on_pause",
            ),
        ]
        indexes = [
            models.Index(fields=["organisation", "effective_on"], name="move_org_effective_idx"),
        ]

    def __str__(self):
        return f"{self.part} #{self.seq}: {self.get_kind_display()}"

    @property
    def is_live(self):
        """Whether the move counts. Queries unless `voided_by` was selected or prefetched."""
        if self.kind == MoveKind.VOID:
            return False
        try:
            return self.voided_by is None
        except Move.DoesNotExist:
            return True

    def kind_noun(self):
        """The move as a noun with where it led ("advance to System Change", "pause in
        Designing"), for the void that names it. Reads the stages' names from the cache."""
        stage = stage_names_by_id()[self.to_stage_id]
        nouns = {
            MoveKind.START: f"start in {stage}",
            MoveKind.ADVANCE: f"advance to {stage}",
            MoveKind.JUMP: f"jump ahead to {stage}",
            MoveKind.REWIND: f"rewind to {stage}",
            MoveKind.NEW_CYCLE: f"new round from {stage}",
            MoveKind.PAUSE: f"pause in {stage}",
            MoveKind.RESUME: f"resumption in {stage}",
            MoveKind.STOP: f"stop in {stage}",
            MoveKind.RESTART: f"restart in {stage}",
            MoveKind.VOID: "void",
        }
        return nouns[MoveKind(self.kind)]

    def describe(self):
        """The move in plain words. Reads `part`, `to_stage` (and `voids` for a void)."""
        part, stage = self.part.name, self.to_stage.name
        words = {
            MoveKind.START: f"{part} started in {stage}",
            MoveKind.ADVANCE: f"{part} advanced to {stage}",
            MoveKind.JUMP: f"{part} jumped ahead to {stage}",
            MoveKind.REWIND: f"{part} rewound to {stage}",
            MoveKind.NEW_CYCLE: f"{part} went round again to {stage}, round {self.cycle}",
            MoveKind.PAUSE: f"{part} paused in {stage}",
            MoveKind.RESUME: f"{part} resumed in {stage}",
            MoveKind.STOP: f"{part} stopped in {stage}",
            MoveKind.RESTART: f"{part} restarted in {stage}",
        }
        if self.kind == MoveKind.VOID:
            voided = self.voids
            text = (
                f"{part}: the {voided.kind_noun()} on {voided.effective_on:%-d %B %Y} was voided, "
                f"back to {State(self.to_state).label.lower()} in {stage}"
            )
        else:
            text = words[MoveKind(self.kind)]
        if self.reason:
            text += f": {self.get_reason_display().lower()}"
        if self.review_on:
            text += f", to revisit on {self.review_on:%-d %B %Y}"
        return text


class InvitationQuerySet(models.QuerySet):
    def pending(self):
        """Neither accepted nor revoked: open, or expired without being used."""
        return self.filter(accepted_at__isnull=True, revoked_at__isnull=True)


class Invitation(models.Model):
    """A manager's invitation to join an organisation with a role: a single-use link that
    expires. Only a hash of the link's token is stored, so the table gives no one a way in."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="invitations"
    )
    email = models.EmailField()
    role = models.CharField(max_length=20, choices=Role.choices)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    token_hash = models.CharField(max_length=64, editable=False)
    created_at = models.DateTimeField(default=clock.now)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    revoked_at = models.DateTimeField(null=True, blank=True)
    # A guest's invitation names the innovations shared, the guest's place on them and the
    # last day of their access; a member's leaves these empty.
    guest_role = models.CharField(max_length=20, choices=TeamRole.choices, blank=True, default="")
    guest_until = models.DateField(null=True, blank=True)
    guest_innovations = models.ManyToManyField(Innovation, blank=True, related_name="+")
    history = HistoricalRecords(excluded_fields=["token_hash"])

    objects = InvitationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["token_hash"], name="invitation_token_hash_unique"),
            models.UniqueConstraint(
                fields=["organisation", "email"],
                condition=Q(accepted_at__isnull=True, revoked_at__isnull=True),
                name="invitation_one_pending_per_email",
            ),
            models.CheckConstraint(
                condition=Q(expires_at__gt=models.F("created_at")),
                name="invitation_expires_after_created",
            ),
            models.CheckConstraint(
                condition=Q(accepted_at__isnull=True) | Q(revoked_at__isnull=True),
                name="invitation_not_both_accepted_and_revoked",
            ),
            models.CheckConstraint(
                condition=Q(accepted_at__isnull=True, accepted_by__isnull=True)
                | Q(accepted_at__isnull=False, accepted_by__isnull=False),
                name="invitation_accepted_names_who",
            ),
            models.CheckConstraint(condition=Q(role__in=Role.values), name="invitation_role_known"),
        ]
        indexes = [
            models.Index(fields=["organisation", "created_at"], name="invitation_org_created_idx"),
        ]

    def __str__(self):
        return f"{self.email} as {self.get_role_display().lower()} at {self.organisation}"

    def status(self, now=None):
        """The invitation's state now (or at `now`): accepted, revoked, expired or open."""
        if self.accepted_at:
            return "accepted"
        if self.revoked_at:
            return "revoked"
        if (now or clock.now()) >= self.expires_at:
            return "expired"
        return "open"


class PasswordResetRequest(models.Model):
    """One request for a password reset link, kept for an hour so that the links one address
    receives and the requests one client makes can be counted and limited. The address is kept
    only as a keyed hash; `sent` is False for a request that was refused."""

    email_hash = models.CharField(max_length=64)
    client = models.GenericIPAddressField(null=True, blank=True)
    sent = models.BooleanField(default=True)
    requested_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [
            models.Index(fields=["email_hash", "requested_at"], name="reset_request_email_idx"),
            models.Index(fields=["client", "requested_at"], name="reset_request_client_idx"),
            models.Index(fields=["requested_at"], name="reset_request_time_idx"),
        ]

    def __str__(self):
        outcome = "sent" if self.sent else "refused"
        return f"Password reset requested from {self.client or 'an unknown address'} ({outcome})"


class StageVisit(models.Model):
    """One visit of a part to a stage in a cycle, folded from the part's live moves and kept
    by the write path in the same transaction as each move (stages.visits), so that the time
    in each stage is read, not folded from the whole log. A visit ends when the stage or the
    cycle changes; a pause does not end it. Its days run from each of its moves to the next
    live move; the span from its last move (`last_on`, in `last_state`) is open while it is
    the part's current visit and is counted up to the date read. Rebuilt from the log by
    `manage.py rebuild_stage_visits`."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    part = models.ForeignKey(Part, on_delete=models.PROTECT, related_name="visits")
    number = models.PositiveIntegerField()  # 1, 2, 3… in the part's journey
    stage = models.PositiveSmallIntegerField()  # the stage's number
    cycle = models.PositiveIntegerField()
    started_on = models.DateField()
    last_on = models.DateField()
    last_state = models.CharField(max_length=10, choices=State.choices)
    current = models.BooleanField()
    active_days = models.PositiveIntegerField(default=0)
    paused_days = models.PositiveIntegerField(default=0)
    stopped_days = models.PositiveIntegerField(default=0)
    rewinds = models.PositiveIntegerField(default=0)
    pauses = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["part", "number"]
        constraints = [
            models.UniqueConstraint(fields=["part", "number"], name="visit_number_unique_per_part"),
        ]
        indexes = [models.Index(fields=["organisation", "part"], name="visit_org_part_idx")]

    def __str__(self):
        return f"{self.part_id} visit {self.number}: stage {self.stage}, cycle {self.cycle}"
