"""Forms of the innovations area: innovations, parts, moves and voids, the list's filter and
the as-of date of the timeline."""

from django import forms
from django.conf import settings
from django.utils import timezone
from django.utils.text import format_lazy

from innovate.forms import (
    NO_PERSONAL_DATA,
    DateInputField,
    DecisionFields,
    GovukForm,
    GovukModelForm,
    MemberChoiceField,
    NoNulCharField,
    PastDateField,
    SeenField,
    StageField,
    member_choices,
    show_seen,
    stage_name,
)
from stages.models import (
    ClosingOutcome,
    Innovation,
    InnovationStatus,
    MoveKind,
    Part,
    PartKind,
    Reason,
    State,
)


class InnovationForm(GovukModelForm):
    seen = SeenField()
    title = NoNulCharField(max_length=200, help_text=NO_PERSONAL_DATA)
    summary = NoNulCharField(widget=forms.Textarea(attrs={"rows": 4}), required=False)
    prompted_by = NoNulCharField(
        label="What prompted it",
        help_text="The push and pull factors behind it: the evidence, triggers or needs.",
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )
    better_for_whom = NoNulCharField(
        label="Who it is meant to benefit",
        help_text="Better for whom? How?",
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )
    tags = NoNulCharField(
        required=False,
        max_length=400,
        help_text="Separate tags with commas, for example: adolescents, edge of care. "
        + NO_PERSONAL_DATA,
    )
    lead = MemberChoiceField(queryset=None, required=False, empty_label="No lead yet")

    class Meta:
        model = Innovation
        fields = ["title", "summary", "prompted_by", "better_for_whom", "lead"]

    def __init__(self, *args, organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.organisation = organisation
        self.fields["lead"].queryset = member_choices(organisation)
        if self.instance.pk and not self.is_bound:
            self.initial["tags"] = ", ".join(self.instance.tags)
        show_seen(self)

    def edits(self):
        """The fields this form edits, for stages.services.update_innovation."""
        data = self.cleaned_data
        return {
            "title": data["title"],
            "summary": data["summary"],
            "prompted_by": data["prompted_by"],
            "better_for_whom": data["better_for_whom"],
            "lead": data["lead"],
            "tags": data.get("tags", "").split(","),
        }

    def clean_title(self):
        title = self.cleaned_data["title"]
        clash = Innovation.objects.filter(organisation=self.organisation, title__iexact=title)
        if self.instance.pk:
            clash = clash.exclude(pk=self.instance.pk)
        if clash.exists():
            raise forms.ValidationError(
                "Your organisation already has an innovation of this title."
            )
        return title

    def save(self, commit=True):
        self.instance.organisation = self.organisation
        self.instance.tags = self.cleaned_data.get("tags", "").split(",")
        return super().save(commit=commit)


class CloseForm(GovukForm):
    outcome = forms.ChoiceField(
        label="How did it end?",
        choices=[c for c in ClosingOutcome.choices if c[0] != ClosingOutcome.NOT_RECORDED],
        widget=forms.RadioSelect,
        error_messages={"required": "Choose how the innovation ended."},
    )
    learning = NoNulCharField(
        label="What we learned",
        help_text="What the team learned, for whoever picks this up next. Closing an "
        "innovation is a decision, not a failure.",
        widget=forms.Textarea(attrs={"rows": 6}),
        error_messages={"required": "Say what was learned before closing."},
    )


class WithdrawForm(GovukForm):
    reason = NoNulCharField(
        label="Reason for withdrawing",
        help_text="For example: created by mistake, or a duplicate of another. " + NO_PERSONAL_DATA,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Enter the reason for withdrawing."},
    )


class ReopenForm(GovukForm):
    restart = forms.TypedMultipleChoiceField(
        label="Restart these parts",
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Each was stopped when the innovation was closed. A ticked part is active "
        "again at the stage it stopped in; a part left unticked stays stopped.",
    )

    def __init__(self, *args, parts, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["restart"]
        field.choices = [(p.pk, f"{p.name}, stopped in {p.stage.name}") for p in parts]
        field.initial = [p.pk for p in parts]


class PartForm(GovukModelForm):
    seen = SeenField()
    name = NoNulCharField(max_length=120, help_text=NO_PERSONAL_DATA)
    lead = MemberChoiceField(queryset=None, required=False, empty_label="No lead yet")
    next_review_on = DateInputField(label="Next review", required=False, help_text="Optional.")

    class Meta:
        model = Part
        fields = ["name", "kind", "lead", "next_review_on"]

    def __init__(self, *args, innovation, **kwargs):
        super().__init__(*args, **kwargs)
        self.innovation = innovation
        self.fields["lead"].queryset = member_choices(innovation.organisation)
        show_seen(self)

    def edits(self):
        """The fields this form edits, for stages.services.update_part."""
        return {
            name: self.cleaned_data[name] for name in ("name", "kind", "lead", "next_review_on")
        }

    def clean_name(self):
        name = self.cleaned_data["name"]
        clash = Part.objects.filter(innovation=self.innovation, name__iexact=name)
        if self.instance.pk:
            clash = clash.exclude(pk=self.instance.pk)
        if clash.exists():
            raise forms.ValidationError("This innovation already has a part of this name.")
        return name


class StartFields(forms.Form):
    stage = StageField(label="Stage it is at", initial=1)
    effective_on = DateInputField(
        label="Since when",
        what="The date it reached this stage",
        example="27 3 2025",
        help_text="The date it reached this stage. Not in the future.",
        error_messages={"required": "Enter the date it reached this stage"},
    )
    rationale = NoNulCharField(
        label="Why it starts here",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=format_lazy("Needed when a part starts past {}.", stage_name(1)),
    )


class NewPartForm(PartForm, StartFields):
    class Meta(PartForm.Meta):
        pass

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["effective_on"].initial = timezone.localdate()


class BulkPartsForm(GovukForm, StartFields):
    names = NoNulCharField(
        label="Names of the parts",
        help_text="One a line, for example: North locality team",
        widget=forms.Textarea(attrs={"rows": 6}),
    )
    kind = forms.ChoiceField(choices=PartKind.choices)

    field_order = ["names", "kind", "stage", "effective_on", "rationale"]

    def __init__(self, *args, innovation, **kwargs):
        super().__init__(*args, **kwargs)
        self.innovation = innovation
        self.fields["effective_on"].initial = timezone.localdate()

    def clean_names(self):
        names, seen = [], set()
        for line in self.cleaned_data["names"].splitlines():
            name = " ".join(line.split())
            if not name:
                continue
            if len(name) > 120:
                raise forms.ValidationError(f"“{name[:40]}…” is longer than 120 characters.")
            if name.lower() in seen:
                raise forms.ValidationError(f"“{name}” is listed twice.")
            seen.add(name.lower())
            names.append(name)
        if not names:
            raise forms.ValidationError("Enter at least one name.")
        if len(names) > 50:
            raise forms.ValidationError("Add at most 50 parts at a time.")
        taken = set(Part.objects.filter(innovation=self.innovation).values_list("name", flat=True))
        clashes = [n for n in names if n.lower() in {t.lower() for t in taken}]
        if clashes:
            raise forms.ValidationError(
                "This innovation already has parts named: " + ", ".join(clashes) + "."
            )
        limit = settings.MAX_PARTS_PER_INNOVATION
        if len(taken) + len(names) > limit:
            room = max(limit - len(taken), 0)
            raise forms.ValidationError(
                f"An innovation may have at most {limit:,} parts and this one has {len(taken):,}: "
                + (f"add at most {room:,} more." if room else "no more can be added.")
            )
        return names


class PartVersionsField(forms.MultipleChoiceField):
    """Checkboxes whose values are "part id:version". A part of the innovation is a valid
    choice whatever the version it was shown at: a stale version is reported for that part
    alone when the decision is applied."""

    def valid_value(self, value):
        pk, sep, version = str(value).partition(":")
        if not (sep and pk.isdigit() and version.isdigit() and len(value) < 40):
            return False
        return any(str(choice).split(":", 1)[0] == pk for choice, _ in self.choices)


class MoveForm(DecisionFields):
    field_order = ["kind", "to_stage", "reason", "rationale", "evidence", "effective_on"]

    kind = forms.ChoiceField(
        label="What is the decision?",
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the decision"},
    )
    rationale = NoNulCharField(
        label="Why, in your own words",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    evidence = NoNulCharField(
        label="Evidence (optional)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Where the evidence is: a report, a readiness check, a session's notes.",
    )
    effective_on = DateInputField(
        label="Date it took effect", help_text="Not in the future.", example="27 3 2025"
    )
    review_on = DateInputField(
        label="Date to revisit the pause (optional)",
        required=False,
    )
    expected_version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)
    also = PartVersionsField(
        label="Apply the same decision to other parts",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Each part is checked on its own; the page says which moved and which could not.",
    )

    def __init__(self, *args, part, kinds, siblings=(), **kwargs):
        """`siblings`: the other parts of the innovation, or None when they are not read yet
        (a decision sent for this part alone): `offer` them before the form is shown."""
        super().__init__(*args, **kwargs)
        self.part = part
        self.fields["kind"].choices = [(k, MoveKind(k).label) for k in kinds]
        self.fields["effective_on"].initial = timezone.localdate()
        self.fields["expected_version"].initial = part.version
        self.siblings_read = siblings is not None
        if self.siblings_read:
            self.offer(siblings)

    def offer(self, siblings):
        """Offer the same decision for each of `siblings`, the other parts of the innovation
        (their stage selected)."""
        self.siblings_read = True
        if not siblings:
            self.fields.pop("also", None)
            return
        self.fields["also"].choices = [
            (f"{p.pk}:{p.version}", f"{p.name} ({p.stage.name}, {p.get_state_display().lower()})")
            for p in siblings
        ]

    def also_parts(self):
        """[(part id, version)] of the other parts chosen."""
        chosen = []
        for value in self.cleaned_data.get("also") or ():
            pk, _, version = value.partition(":")
            chosen.append((int(pk), int(version)))
        return chosen


class VoidForm(GovukForm):
    reason = forms.ChoiceField(
        choices=[("", "Choose a reason"), *Reason.choices],
        initial=Reason.RECORDING_ERROR,
        error_messages={"required": "Choose a reason for this void."},
    )
    rationale = NoNulCharField(
        label="What was wrong with the move",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Say why, in your own words."},
    )
    expected_version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)


class InnovationFilterForm(forms.Form):
    q = forms.CharField(label="Search by title", required=False, max_length=200)
    stage = StageField(blank="Any stage")
    state = forms.ChoiceField(choices=[("", "Any state"), *State.choices], required=False)
    tag = forms.CharField(required=False, max_length=80)
    status = forms.ChoiceField(
        choices=[("open", "Open"), ("closed", "Closed"), ("all", "Open and closed")],
        required=False,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, css in [
            ("q", "govuk-input"),
            ("stage", "govuk-select"),
            ("state", "govuk-select"),
            ("tag", "govuk-input govuk-input--width-20"),
            ("status", "govuk-select"),
        ]:
            self.fields[name].widget.attrs["class"] = css

    def filter(self, innovations):
        if not self.is_valid():
            return innovations.open()
        data = self.cleaned_data
        if data["q"]:
            innovations = innovations.filter(title__icontains=data["q"].strip())
        # Through Part.objects, so that a withdrawn part matches nothing.
        if data["stage"]:
            innovations = innovations.filter(
                pk__in=Part.objects.filter(stage__number=data["stage"]).values("innovation_id")
            )
        if data["state"]:
            innovations = innovations.filter(
                pk__in=Part.objects.filter(state=data["state"]).values("innovation_id")
            )
        if data["tag"]:
            innovations = innovations.filter(tags_text__icontains=f",{data['tag'].lower()},")
        status = data["status"] or "open"
        if status != "all":
            innovations = innovations.filter(status=InnovationStatus(status))
        return innovations.distinct()


class AsOfForm(forms.Form):
    as_of = PastDateField(
        label="See the wheel as it stood on",
        what="The date",
        help_text="A past date. Leave empty for today.",
    )


class TeamForm(GovukForm):
    """An innovation's lead and contributors, chosen from the organisation's members, and
    whether it is restricted. The rules live in stages.teams.set_team."""

    lead = MemberChoiceField(queryset=None, required=False, empty_label="No lead yet")
    contributors = forms.ModelMultipleChoiceField(
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Contributors may do on this innovation what a leader and a facilitator may: "
        "move its parts, record evidence, plan and run its sessions.",
    )
    viewers = forms.ModelMultipleChoiceField(
        label="Shared with",
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Members who see it while it is restricted, without being on its team.",
    )
    restricted = forms.BooleanField(
        label="Restricted: only its team, managers and the people it is shared with see it",
        required=False,
    )

    def __init__(self, *args, organisation, **kwargs):
        super().__init__(*args, **kwargs)
        members = member_choices(organisation)
        self.fields["lead"].queryset = members
        for name in ("contributors", "viewers"):
            self.fields[name].queryset = members
            self.fields[name].label_from_instance = lambda u: u.get_full_name() or u.get_username()
