"""Measures, readings, checks, involvement and ethics notes: the evidence for every stage.

Rows are written only through assessments.services. Readings, checks and involvement records
are append-only in use: a later row supersedes an earlier one, which is kept."""

import re
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal, InvalidOperation

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from simple_history.models import HistoricalRecords

from assessments.status import STALE_AFTER_DAYS, format_number, measure_status
from stages import clock
from stages.dates import check_date
from stages.models import Innovation, MeasureKind, MoveKind, Organisation, Part, Reason, Stage

# DecimalField(max_digits=14, decimal_places=4): ten digits before the point.
LIMIT = Decimal("1e10")


# A number as people type it: spaces around it, commas between thousands ("1,200"), a point
# before the decimals. A comma anywhere else ("1,5") is refused rather than guessed at.
NUMBER_AS_TYPED = re.compile(r"[+-]?(\d{1,3}(,\d{3})+|\d+)?(\.\d*)?")


def parse_number(text):
    """`text` (a string or a number) as a finite Decimal, or None when it is not a number as
    people type one (see NUMBER_AS_TYPED)."""
    if isinstance(text, (int, Decimal)):
        number = Decimal(text)
    else:
        text = str(text).strip()
        if not text or not any(c.isdigit() for c in text):
            return None
        if not NUMBER_AS_TYPED.fullmatch(text):
            return None
        try:
            number = Decimal(text.replace(",", ""))
        except InvalidOperation:
            return None
    return number if number.is_finite() else None


def to_decimal(value, field, label):
    """`value` as a Decimal rounded to four places, or None when blank; a ValidationError at
    `field`, naming the `label`, when it is not a number the database can hold. Takes numbers
    as people type them: " 12 ", "1,200", "12.0"."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    number = parse_number(value)
    if number is None:
        raise ValidationError({field: f"The {label} must be a number."})
    if abs(number) >= LIMIT:
        raise ValidationError({field: f"The {label} must be less than 10,000,000,000."})
    return number.quantize(Decimal("0.0001"))


def check_choice(value, choices, field, message):
    """`value` as one of `choices` (a TextChoices), or a ValidationError at `field`."""
    if value not in choices.values:
        raise ValidationError({field: message})
    return choices(value)


class Scale(models.TextChoices):
    NUMERIC = "numeric", "A number"
    RATED = "rated", "A rated judgement (on track, some concern, off track)"


class ValueKind(models.TextChoices):
    """What kind of number a numeric measure's values are: every reading, its baseline and its
    target are checked against it (`check_value_kind`)."""

    COUNT = "count", "A count: a whole number, 0 or more"
    PERCENTAGE = "percentage", "A percentage: from 0 to 100"
    AMOUNT = "amount", "An amount: 0 or more, with at most two decimal places, such as money"
    SCORE = "score", "A score: any number"


def _whole(number, rounding):
    return format_number(number.to_integral_value(rounding=rounding))


def value_kind_problem(number, value_kind):
    """(the kind in words, what is wrong) when `number` (a Decimal) is not a value of
    `value_kind` (a ValueKind), else None: ("a count", "A count is a whole number: give 12 or
    13.")."""
    shown = format_number(number)
    if value_kind == ValueKind.COUNT:
        if number < 0:
            return "a count", f"A count is 0 or more: {shown} is below 0."
        if number != number.to_integral_value():
            return "a count", (
                f"A count is a whole number: give {_whole(number, ROUND_FLOOR)} or "
                f"{_whole(number, ROUND_CEILING)}."
            )
    elif value_kind == ValueKind.PERCENTAGE:
        if not 0 <= number <= 100:
            side = "over 100" if number > 100 else "below 0"
            return "a percentage", f"A percentage is from 0 to 100: {shown} is {side}."
    elif value_kind == ValueKind.AMOUNT:
        if number < 0:
            return "an amount", f"An amount is 0 or more: {shown} is below 0."
        down = number.quantize(Decimal("0.01"), rounding=ROUND_FLOOR)
        if number != down:
            up = number.quantize(Decimal("0.01"), rounding=ROUND_CEILING)
            return "an amount", (
                f"An amount has at most two decimal places: give {format_number(down)} or "
                f"{format_number(up)}."
            )
    return None


def check_value_kind(number, value_kind, field, label):
    """`number` (a Decimal, or None) unchanged when it is a value of `value_kind` (a
    ValueKind); a ValidationError at `field`, naming the `label`, when it is not: "The value
    is a count. A count is a whole number: give 12 or 13."."""
    if number is None:
        return None
    found = value_kind_problem(number, value_kind)
    if found:
        kind, problem = found
        raise ValidationError({field: f"The {label} is {kind}. {problem}"})
    return number


class Direction(models.TextChoices):
    HIGHER = "higher", "Higher is better"
    LOWER = "lower", "Lower is better"


class Rating(models.TextChoices):
    ON_TRACK = "on_track", "On track"
    SOME_CONCERN = "some_concern", "Some concern"
    OFF_TRACK = "off_track", "Off track"


class Answer(models.TextChoices):
    YES = "yes", "Yes"
    PARTLY = "partly", "Partly"
    NO = "no", "No"
    UNKNOWN = "unknown", "Unknown"


class Level(models.TextChoices):
    INFORMED = "informed", "Informed"
    CONSULTED = "consulted", "Consulted"
    CO_DESIGNING = "co_designing", "Co-designing"
    CO_EVALUATING = "co_evaluating", "Co-evaluating"


# How a level reads after who took part: "families consulted", "young people co-designed".
LEVEL_DONE = {
    Level.INFORMED: "informed",
    Level.CONSULTED: "consulted",
    Level.CO_DESIGNING: "co-designed",
    Level.CO_EVALUATING: "co-evaluated",
}


class Who(models.TextChoices):
    """Who took part."""

    CHILDREN = "children", "Children"
    YOUNG_PEOPLE = "young_people", "Young people"
    FAMILIES = "families", "Families"
    YOUNG_PEOPLE_AND_FAMILIES = "young_people_and_families", "Young people and families"


class MeasureQuerySet(models.QuerySet):
    def active(self):
        return self.filter(is_active=True)


# What defines a measure, apart from where it applies (its innovation, stage and part): what a
# copy to another part takes, and what a leader edits besides the stage, the part and whether
# the measure is in use.
MEASURE_DEFINITION = (
    "name",
    "kind",
    "scale",
    "value_kind",
    "unit",
    "direction",
    "baseline_value",
    "baseline_on",
    "target_value",
    "target_on",
    "collection",
)


class Measure(models.Model):
    """How success is measured at one stage of an innovation, for one part or the whole."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    innovation = models.ForeignKey(Innovation, on_delete=models.PROTECT, related_name="measures")
    stage = models.ForeignKey(Stage, on_delete=models.PROTECT, related_name="+")
    part = models.ForeignKey(
        Part,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="measures",
        help_text="Leave empty for a measure of the whole innovation.",
    )
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=40, choices=MeasureKind.choices)
    scale = models.CharField(max_length=10, choices=Scale.choices, default=Scale.NUMERIC)
    # Not `kind`, which is the framework's kind of measure (engagement, short-term process...).
    value_kind = models.CharField(
        "Kind of value", max_length=10, choices=ValueKind.choices, default=ValueKind.SCORE
    )
    unit = models.CharField(max_length=40, blank=True)
    direction = models.CharField(max_length=10, choices=Direction.choices, default=Direction.HIGHER)
    baseline_value = models.DecimalField(max_digits=14, decimal_places=4, null=True, blank=True)
    baseline_on = models.DateField("Baseline date", null=True, blank=True)
    target_value = models.DecimalField(max_digits=14, decimal_places=4, null=True, blank=True)
    target_on = models.DateField("Target date", null=True, blank=True)
    collection = models.TextField("How it is collected", blank=True)
    created_at = models.DateTimeField(default=clock.now, editable=False)
    # Measures are never deleted: one no longer in use is made inactive.
    is_active = models.BooleanField("In use", default=True)
    history = HistoricalRecords()

    objects = MeasureQuerySet.as_manager()

    class Meta:
        ordering = ["innovation", "stage__number", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["innovation", "stage", "part", "name"],
                condition=Q(is_active=True, part__isnull=False),
                name="measure_name_unique_per_part_and_stage",
            ),
            models.UniqueConstraint(
                fields=["innovation", "stage", "name"],
                condition=Q(is_active=True, part__isnull=True),
                name="measure_name_unique_per_whole_and_stage",
            ),
            models.CheckConstraint(
                condition=Q(scale="numeric")
                | Q(baseline_value__isnull=True, target_value__isnull=True),
                name="measure_rated_has_no_baseline_or_target",
            ),
            models.CheckConstraint(
                condition=Q(baseline_on__isnull=True)
                | Q(target_on__isnull=True)
                | Q(target_on__gt=F("baseline_on")),
                name="measure_target_date_after_baseline_date",
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("evidence:measure", args=[self.pk])

    @property
    def is_rated(self):
        return self.scale == Scale.RATED

    def clean(self):
        """The measure's rules, checked by the write path and the admin alike; normalises the
        fields in place and raises ValidationError at the field. Reads the innovation, the
        stage and the part, and queries for an active measure of the same name."""
        self.name = " ".join((self.name or "").split())
        if not self.name:
            raise ValidationError({"name": "Give the measure a name."})
        if len(self.name) > 200:
            raise ValidationError({"name": "Keep the name to 200 characters."})
        if self.part_id and self.innovation_id and self.part.innovation_id != self.innovation_id:
            raise ValidationError(
                {"part": f"{self.part.name} is not a part of {self.innovation.title}."}
            )
        if not self.kind and self.stage_id:
            self.kind = self.stage.measure_kind
        check_choice(self.kind, MeasureKind, "kind", "Choose the kind of measure.")
        check_choice(self.scale, Scale, "scale", "Choose whether readings are numbers or ratings.")
        if self.is_rated and not self.value_kind:
            self.value_kind = ValueKind.SCORE
        check_choice(
            self.value_kind,
            ValueKind,
            "value_kind",
            "Choose the kind of value: a count, a percentage, an amount or a score.",
        )
        check_choice(
            self.direction, Direction, "direction", "Choose whether higher or lower is better."
        )
        self.unit = (self.unit or "").strip()
        if len(self.unit) > 40:
            raise ValidationError({"unit": "Keep the unit to 40 characters."})
        self.collection = (self.collection or "").strip()
        self.baseline_value = to_decimal(self.baseline_value, "baseline_value", "baseline")
        self.target_value = to_decimal(self.target_value, "target_value", "target")
        if not self.is_rated:
            errors = {}
            for name, label in (("baseline_value", "baseline"), ("target_value", "target")):
                try:
                    check_value_kind(getattr(self, name), self.value_kind, name, label)
                except ValidationError as refusal:
                    refusal.update_error_dict(errors)
            if errors:
                raise ValidationError(errors)
        if self.is_rated and (
            self.baseline_value is not None
            or self.target_value is not None
            or self.baseline_on
            or self.target_on
        ):
            raise ValidationError(
                {
                    "scale": "A rated measure is judged on track, some concern or off track: it "
                    "has no baseline or target."
                }
            )
        if self.baseline_on is not None:
            if self.baseline_value is None:
                raise ValidationError({"baseline_value": "Give the baseline value for that date."})
            check_date(self.baseline_on, "baseline_on", "baseline date", today=clock.localdate())
        if self.target_on is not None:
            if self.target_value is None:
                raise ValidationError({"target_value": "Give the target value for that date."})
            check_date(self.target_on, "target_on", "target date")
            if self.baseline_on is not None and self.target_on <= self.baseline_on:
                raise ValidationError(
                    {"target_on": "The target date must be after the baseline date."}
                )
        if self.is_active and self.stage_id:
            clash = Measure.objects.active().filter(
                innovation_id=self.innovation_id,
                stage_id=self.stage_id,
                part_id=self.part_id,
                name=self.name,
            )
            if self.pk:
                clash = clash.exclude(pk=self.pk)
            if clash.exists():
                raise ValidationError(
                    {"name": f"There is already a measure called “{self.name}” for {self.where()}."}
                )

    def where(self):
        """ "Developing, North team" or "Developing, whole innovation". Reads stage and part."""
        return f"{self.stage.name}, {self.part.name if self.part_id else 'whole innovation'}"

    def status_from(self, reading, today, *, stale_after_days=STALE_AFTER_DAYS):
        """The measure's status given its latest reading (or None). No query."""
        return measure_status(
            scale=self.scale,
            direction=self.direction,
            baseline_value=self.baseline_value,
            baseline_on=self.baseline_on,
            target_value=self.target_value,
            target_on=self.target_on,
            latest_value=reading.value if reading else None,
            latest_rating=reading.rating if reading else "",
            latest_on=reading.observed_on if reading else None,
            today=today,
            stale_after_days=stale_after_days,
            unit=self.unit,
        )


class ReadingQuerySet(models.QuerySet):
    def current(self):
        """The readings that count: every one but those withdrawn. Every read of readings
        for a status, a chart, readiness, a dashboard, a report or an export starts here."""
        return self.filter(withdrawn_at__isnull=True)

    def withdrawn(self):
        return self.filter(withdrawn_at__isnull=False)


class Reading(models.Model):
    """One observation of a measure: a number or a rated judgement, for a part or the whole.

    A wrong reading is corrected in place (its history keeps what it said before) or withdrawn
    with a reason: a withdrawn reading is kept, shown as withdrawn on its measure's page and
    left out of everything else (ReadingQuerySet.current)."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    measure = models.ForeignKey(Measure, on_delete=models.PROTECT, related_name="readings")
    part = models.ForeignKey(
        Part, on_delete=models.PROTECT, null=True, blank=True, related_name="readings"
    )
    observed_on = models.DateField("Date observed")
    value = models.DecimalField(max_digits=14, decimal_places=4, null=True, blank=True)
    rating = models.CharField(max_length=20, choices=Rating.choices, blank=True)
    story = models.TextField("The story behind it", blank=True)
    evidence_url = models.URLField("Evidence link", max_length=500, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(default=clock.now, editable=False)
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    withdrawn_reason = models.TextField("Why it is withdrawn", blank=True)
    history = HistoricalRecords()

    objects = ReadingQuerySet.as_manager()

    class Meta:
        ordering = ["measure", "observed_on", "recorded_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(value__isnull=False) & Q(rating=""))
                | (Q(value__isnull=True) & Q(rating__in=Rating.values)),
                name="reading_value_or_rating",
            ),
            models.CheckConstraint(
                condition=Q(
                    withdrawn_at__isnull=True, withdrawn_by__isnull=True, withdrawn_reason=""
                )
                | (
                    Q(withdrawn_at__isnull=False, withdrawn_by__isnull=False)
                    & ~Q(withdrawn_reason="")
                ),
                name="reading_withdrawn_by_someone_for_a_reason",
            ),
        ]
        indexes = [
            models.Index(fields=["measure", "observed_on"], name="reading_measure_observed_idx"),
        ]

    def __str__(self):
        return f"Reading of measure {self.measure_id} on {self.observed_on:%Y-%m-%d}: {self.shown}"

    @property
    def is_withdrawn(self):
        return self.withdrawn_at is not None

    @property
    def shown(self):
        """The value (without its unit) or the rating, as words."""
        return self.get_rating_display() if self.rating else format_number(self.value)


class Check(models.Model):
    """A part's answer to its stage's criterion and key question. A new row per answer; the
    latest for a part and stage is current, and earlier answers are kept."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    part = models.ForeignKey(Part, on_delete=models.PROTECT, related_name="checks")
    stage = models.ForeignKey(Stage, on_delete=models.PROTECT, related_name="+")
    answer = models.CharField(max_length=10, choices=Answer.choices)
    evidence = models.TextField(blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    answered_on = models.DateField()
    recorded_at = models.DateTimeField(default=clock.now, editable=False)
    history = HistoricalRecords()

    class Meta:
        ordering = ["part", "stage__number", "-answered_on", "-recorded_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(answer__in=Answer.values), name="check_answer_known"
            ),
        ]
        indexes = [
            models.Index(fields=["part", "stage", "answered_on"], name="check_part_stage_idx"),
        ]

    def __str__(self):
        return f"Check of part {self.part_id} at stage {self.stage_id}: {self.get_answer_display()}"


class Involvement(models.Model):
    """How children, young people or families took part in a part's work at a stage. A new
    row per record; the latest for a part and stage is current."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    part = models.ForeignKey(Part, on_delete=models.PROTECT, related_name="involvements")
    stage = models.ForeignKey(Stage, on_delete=models.PROTECT, related_name="+")
    level = models.CharField(max_length=20, choices=Level.choices)
    who = models.CharField("Who took part", max_length=30, choices=Who.choices)
    note = models.TextField(blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_on = models.DateField()
    recorded_at = models.DateTimeField(default=clock.now, editable=False)
    history = HistoricalRecords()

    class Meta:
        ordering = ["part", "stage__number", "-recorded_on", "-recorded_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(level__in=Level.values), name="involvement_level_known"
            ),
            models.CheckConstraint(condition=Q(who__in=Who.values), name="involvement_who_known"),
        ]
        indexes = [
            models.Index(
                fields=["part", "stage", "recorded_on"], name="involvement_part_stage_idx"
            ),
        ]

    def __str__(self):
        return self.describe()

    def describe(self):
        """ "Families consulted", "Young people co-designed"."""
        return f"{self.get_who_display()} {LEVEL_DONE[Level(self.level)]}"


class EthicsNote(models.Model):
    """Per innovation and stage: better for whom? What risks, whose power? One row, edited in
    place; its history keeps every earlier wording."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    innovation = models.ForeignKey(
        Innovation, on_delete=models.PROTECT, related_name="ethics_notes"
    )
    stage = models.ForeignKey(Stage, on_delete=models.PROTECT, related_name="+")
    note = models.TextField(help_text="Better for whom? What risks, whose power?")
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField(default=clock.now, editable=False)
    history = HistoricalRecords()

    class Meta:
        ordering = ["innovation", "stage__number"]
        constraints = [
            models.UniqueConstraint(
                fields=["innovation", "stage"], name="ethics_note_one_per_innovation_and_stage"
            ),
        ]

    def __str__(self):
        return f"Ethics note of innovation {self.innovation_id} at stage {self.stage_id}"


# ---------------------------------------------------------------------------
# Reflection sessions: a facilitator brings the levels of the service together, the group
# reflects on each part in scope and decides; the decisions are applied as moves.
# ---------------------------------------------------------------------------


class SessionStatus(models.TextChoices):
    PLANNED = "planned", "Planned"
    HELD = "held", "Held"
    APPLIED = "applied", "Decisions applied"


class AttendeeLevel(models.TextChoices):
    STRATEGIC = "strategic", "Strategic"
    OPERATIONAL = "operational", "Operational"
    PRACTICE = "practice", "Practice"
    PARTNER_AGENCY = "partner_agency", "Partner agency"
    YOUNG_PERSON_OR_FAMILY = "young_person_or_family", "Young person or family"
    OTHER = "other", "Other"


# What a session decided for a part: to stay where it is, or one of the moves a person may
# record (a part's start and a void are not session decisions). Built from MoveKind so the
# two never disagree on a value or its words.
DecisionKind = models.TextChoices(
    "DecisionKind",
    [("STAY", ("stay", "Stay where it is"))]
    + [
        (kind.name, (kind.value, kind.label))
        for kind in MoveKind
        if kind not in (MoveKind.START, MoveKind.VOID)
    ],
)


class DecisionStatus(models.TextChoices):
    PENDING = "pending", "Waiting to be applied"
    APPLIED = "applied", "Applied"
    NOT_APPLIED = "not_applied", "Not applied"
    STAY = "stay", "Stays where it is"
    REPLACED = "replaced", "Replaced by a later decision"


class ReflectionSessionQuerySet(models.QuerySet):
    def held(self):
        """Sessions that took place: held, or held and their decisions applied."""
        return self.exclude(status=SessionStatus.PLANNED)


class ReflectionSession(models.Model):
    """A reflection session on one innovation: its date, facilitator and the parts in scope.
    (Never just "Session": that word belongs to login sessions.)"""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    innovation = models.ForeignKey(
        Innovation, on_delete=models.PROTECT, related_name="reflection_sessions"
    )
    held_on = models.DateField("Date")
    title = models.CharField(max_length=200)
    facilitator = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    parts = models.ManyToManyField(
        Part, through="SessionPart", related_name="reflection_sessions", blank=True
    )
    status = models.CharField(
        max_length=10, choices=SessionStatus.choices, default=SessionStatus.PLANNED
    )
    notes = models.TextField("Purpose and notes", blank=True)
    # When and where, for the calendar: times are Europe/London on the session's date.
    starts_at = models.TimeField("Start time", null=True, blank=True)
    ends_at = models.TimeField("End time", null=True, blank=True)
    place = models.CharField("Place", max_length=200, blank=True)
    online_link = models.URLField("Online meeting link", max_length=500, blank=True)
    # Raised each time the invitations change, so calendars replace what they hold.
    calendar_sequence = models.PositiveIntegerField(default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=clock.now, editable=False)
    history = HistoricalRecords()

    objects = ReflectionSessionQuerySet.as_manager()

    class Meta:
        ordering = ["-held_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=SessionStatus.values), name="reflection_session_status_known"
            ),
            models.CheckConstraint(
                condition=Q(ends_at__isnull=True)
                | Q(starts_at__isnull=False, ends_at__gt=F("starts_at")),
                name="reflection_session_ends_after_it_starts",
            ),
        ]
        indexes = [
            models.Index(fields=["innovation", "held_on"], name="session_innovation_held_idx"),
        ]

    def __str__(self):
        return f"{self.title} ({self.held_on:%-d %B %Y})"

    def get_absolute_url(self):
        return reverse("sessions:detail", args=[self.pk])

    def when(self):
        """The date and times in words: "Tuesday 3 March 2026, 10:00 to 12:00"."""
        day = f"{self.held_on:%A %-d %B %Y}"
        if self.starts_at and self.ends_at:
            return f"{day}, {self.starts_at:%H:%M} to {self.ends_at:%H:%M}"
        if self.starts_at:
            return f"{day}, from {self.starts_at:%H:%M}"
        return day

    def where(self):
        """The place and the online link, as far as they are known."""
        return " or ".join(value for value in (self.place, self.online_link) if value)


class SessionPart(models.Model):
    """A part in a session's scope."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    session = models.ForeignKey(ReflectionSession, on_delete=models.PROTECT, related_name="scope")
    part = models.ForeignKey(Part, on_delete=models.PROTECT, related_name="+")
    history = HistoricalRecords()

    class Meta:
        ordering = ["session", "part__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["session", "part"], name="session_part_once_per_session"
            ),
        ]

    def __str__(self):
        return f"Part {self.part_id} in session {self.session_id}"


class Attendee(models.Model):
    """Who came, by name or role and level. No personal details beyond that."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    session = models.ForeignKey(
        ReflectionSession, on_delete=models.PROTECT, related_name="attendees"
    )
    name_or_role = models.CharField("Name or role", max_length=120)
    level = models.CharField(max_length=30, choices=AttendeeLevel.choices)
    part = models.ForeignKey(
        Part, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # A member or guest invited from the organisation: they receive the calendar invitation.
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["session", "level", "name_or_role", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(level__in=AttendeeLevel.values), name="attendee_level_known"
            ),
            models.UniqueConstraint(
                fields=["session", "person"],
                condition=Q(person__isnull=False),
                name="attendee_person_once_per_session",
            ),
        ]

    def __str__(self):
        return f"{self.name_or_role} ({self.get_level_display().lower()})"


class Note(models.Model):
    """What was said: about one part (or the whole session), answering one prompt (or none)."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    session = models.ForeignKey(
        ReflectionSession, on_delete=models.PROTECT, related_name="notes_made"
    )
    part = models.ForeignKey(
        Part, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # The prompt's words when the note was taken: prompts are data and may be reworded later.
    prompt = models.CharField(max_length=500, blank=True)
    text = models.TextField()
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(default=clock.now, editable=False)
    history = HistoricalRecords()

    class Meta:
        ordering = ["session", "recorded_at", "id"]
        constraints = [
            models.CheckConstraint(condition=~Q(text=""), name="note_has_text"),
        ]

    def __str__(self):
        return f"Note {self.pk} of session {self.session_id}"


class Decision(models.Model):
    """What the session decided for a part. It keeps the part's version and the session's date
    from when it was recorded, and is applied later through the one write path; `move` is the
    Move it created."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    session = models.ForeignKey(
        ReflectionSession, on_delete=models.PROTECT, related_name="decisions"
    )
    part = models.ForeignKey(Part, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=20, choices=DecisionKind.choices)
    to_stage = models.ForeignKey(
        Stage, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reason = models.CharField(max_length=30, choices=Reason.choices, blank=True)
    rationale = models.TextField(blank=True)
    minority_view = models.TextField(blank=True)
    review_on = models.DateField("Revisit the pause on", null=True, blank=True)
    part_version = models.PositiveIntegerField()
    decided_on = models.DateField()
    move = models.ForeignKey(
        "stages.Move",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="session_decisions",
    )
    status = models.CharField(
        max_length=12, choices=DecisionStatus.choices, default=DecisionStatus.PENDING
    )
    outcome = models.TextField(blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(default=clock.now, editable=False)
    history = HistoricalRecords()

    class Meta:
        ordering = ["session", "part__name", "recorded_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=DecisionKind.values), name="decision_kind_known"
            ),
            models.CheckConstraint(
                condition=Q(status__in=DecisionStatus.values), name="decision_status_known"
            ),
            models.CheckConstraint(
                condition=Q(move__isnull=True) | Q(status="applied"),
                name="decision_move_only_when_applied",
            ),
            models.CheckConstraint(
                condition=~Q(kind="stay") | Q(move__isnull=True, to_stage__isnull=True),
                name="decision_stay_moves_nothing",
            ),
            models.CheckConstraint(
                condition=Q(review_on__isnull=True) | Q(kind="pause"),
                name="decision_review_only_on_pause",
            ),
            models.UniqueConstraint(
                fields=["session", "part"],
                condition=Q(status="pending"),
                name="decision_one_pending_per_part",
            ),
            models.UniqueConstraint(
                fields=["move"], condition=Q(move__isnull=False), name="decision_one_per_move"
            ),
        ]

    def __str__(self):
        return f"Decision {self.pk}: {self.get_kind_display()} for part {self.part_id}"

    def describe(self):
        """The decision in plain words. Reads `part` and `to_stage`."""
        name = self.part.name
        kind = DecisionKind(self.kind)
        if kind == DecisionKind.STAY:
            return f"{name} stays where it is"
        if self.to_stage_id:
            return f"{name}: {kind.label.lower()} to {self.to_stage.name}"
        return f"{name}: {kind.label.lower()}"


class ActionQuerySet(models.QuerySet):
    def open(self):
        return self.filter(done=False)


class Action(models.Model):
    """Something a member agreed to do, with a due date; open ones carry into the next
    session's agenda."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    session = models.ForeignKey(ReflectionSession, on_delete=models.PROTECT, related_name="actions")
    text = models.TextField("What is to be done")
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    due_on = models.DateField("Due", null=True, blank=True)
    done = models.BooleanField(default=False)
    done_on = models.DateField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=clock.now, editable=False)
    history = HistoricalRecords()

    objects = ActionQuerySet.as_manager()

    class Meta:
        ordering = ["done", F("due_on").asc(nulls_last=True), "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(done=True, done_on__isnull=False) | Q(done=False, done_on__isnull=True),
                name="action_done_has_a_date",
            ),
            models.CheckConstraint(condition=~Q(text=""), name="action_has_text"),
        ]
        indexes = [
            models.Index(fields=["owner", "done"], name="action_owner_done_idx"),
        ]

    def __str__(self):
        return self.text[:60]
