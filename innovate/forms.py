"""Forms of the web front. They check the shape of the input; the rules live in the domain and
reach the form through GovukForm.refuse: a ValidationError from a service or a model's clean(),
or a MoveRefused from the rules of the wheel (stages.rules)."""

import re

from django import forms
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.core.validators import MaxValueValidator
from django.forms.renderers import TemplatesSetting
from django.utils import timezone

from innovate.access import memberships
from stages.dates import date_problem
from stages.models import (
    Innovation,
    InnovationStatus,
    MoveKind,
    Part,
    PartKind,
    Reason,
    State,
)
from stages.rules import STAGE_NAMES, MoveRefused
from stages.services import latest_history_id
from stages.text import strip_bidi

MAX_TEXT = 5000
NO_PERSONAL_DATA = "Do not include a child's or family's personal details."


class GovukRenderer(TemplatesSetting):
    form_template_name = "forms/form.html"
    field_template_name = "forms/field.html"


WIDGET_CLASSES = {
    "text": "govuk-input",
    "number": "govuk-input govuk-input--width-10",
    "email": "govuk-input",
    "password": "govuk-input",
    "date": "govuk-input govuk-input--width-10",
    "textarea": "govuk-textarea",
    "select": "govuk-select",
    "radioselect": "govuk-radios__input",
    "checkboxselectmultiple": "govuk-checkboxes__input",
    "checkbox": "govuk-checkboxes__input",
}


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class GovukForm(forms.Form):
    """GOV.UK classes on every widget, error classes after validation, and refusals from the
    write path shown at their field."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            # The widget's type as BoundField.widget_type names it, without making the bound
            # field now: it would keep the help text as it stands before the notice is added.
            widget_type = re.sub(r"widget$|input$", "", type(field.widget).__name__.lower())
            css = WIDGET_CLASSES.get(widget_type)
            if css:
                field.widget.attrs["class"] = css
            if isinstance(field, forms.CharField) and not isinstance(
                field.widget, forms.PasswordInput
            ):
                _strip_bidi_controls(field)
            if isinstance(field, forms.CharField) and field.max_length is None:
                field.max_length = MAX_TEXT
                field.widget.attrs.setdefault("maxlength", str(MAX_TEXT))
                field.validators.append(_max_length_validator(MAX_TEXT))
            if isinstance(field, forms.DateField):
                field.validators.append(_sane_date)
            if isinstance(field.widget, forms.Textarea) and "personal details" not in str(
                field.help_text
            ):
                field.help_text = f"{field.help_text} {NO_PERSONAL_DATA}".strip()
            if isinstance(field, forms.IntegerField) and field.max_value is None:
                field.max_value = 2**31 - 1
                field.validators.append(MaxValueValidator(field.max_value))
            if isinstance(field, forms.ModelChoiceField) and field.to_field_name is None:
                _guard_ids(field)

    def full_clean(self):
        super().full_clean()
        for name in self.errors:
            if name in self.fields:
                widget = self.fields[name].widget
                css = widget.attrs.get("class", "")
                for base in ("govuk-input", "govuk-textarea", "govuk-select"):
                    if base in css.split() and f"{base}--error" not in css:
                        css += f" {base}--error"
                widget.attrs["class"] = css

    def refuse(self, refusal):
        """Show a refusal from the domain at its field, or at the top when this form has no
        such field: a ValidationError (one message or one per field), or a MoveRefused from
        the rules of the wheel."""
        if isinstance(refusal, MoveRefused):
            refusal = ValidationError({refusal.field or NON_FIELD_ERRORS: refusal.message})
        if not hasattr(refusal, "error_dict"):
            self.add_error(None, refusal)
            return
        for name, errors in refusal.error_dict.items():
            self.add_error(name if name in self.fields else None, errors)


class GovukModelForm(GovukForm, forms.ModelForm):
    pass


def _guard_ids(field):
    """Refuse a value that cannot be an id before the database sees it: a huge or non-numeric
    "id" is an invalid choice, not an overflow."""
    original = field.clean

    def clean(value):
        values = value if isinstance(value, list | tuple) else [value]
        for item in values:
            if item in field.empty_values:
                continue
            text = str(item)
            if not text.isdigit() or len(text) > 18:
                if isinstance(field, forms.ModelMultipleChoiceField):
                    raise forms.ValidationError(
                        field.error_messages["invalid_choice"],
                        code="invalid_choice",
                        params={"value": text[:40]},
                    )
                raise forms.ValidationError(
                    field.error_messages["invalid_choice"], code="invalid_choice"
                )
        return original(value)

    field.clean = clean


SHOWN_FOR = "shown_for_organisation"


def organisation_changed(request, membership):
    """A form that acts on the current organisation carries the one it was shown for
    (templates/includes/_shown_for.html). A person in two organisations who switched in
    another tab would otherwise save into the one they did not see: this returns the message
    naming both, or None when they agree (or the form did not say)."""
    shown = request.POST.get(SHOWN_FOR, "")
    if not shown or shown == str(membership.organisation_id):
        return None
    names = {str(m.organisation_id): m.organisation.name for m in memberships(request)}
    was, now = names.get(shown, "another organisation"), membership.organisation.name
    return (
        f"This form was shown for {was}, but you have since switched to {now} in another tab "
        f"or window. Nothing has been saved. Check the details, then send the form again to "
        f"save it in {now}, or switch back to {was}."
    )


def _strip_bidi_controls(field):
    """Text is kept without the characters that reorder what is around them, so a name or a
    note shows what it says."""
    original = field.to_python
    field.to_python = lambda value: strip_bidi(original(value))


def _max_length_validator(limit):
    from django.core.validators import MaxLengthValidator

    return MaxLengthValidator(limit)


def _sane_date(value):
    problem = date_problem(value)
    if problem:
        raise forms.ValidationError(problem)


def clean_text(value):
    if value and "\x00" in value:
        raise forms.ValidationError("Remove the unprintable characters from this text.")
    return value.strip() if value else value


def member_choices(organisation):
    User = get_user_model()
    return User.objects.filter(
        memberships__organisation=organisation,
        memberships__is_active=True,
        is_active=True,
    ).order_by("first_name", "last_name", "username")


class MemberChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.get_full_name() or obj.get_username()


class NoNulCharField(forms.CharField):
    def to_python(self, value):
        return clean_text(super().to_python(value))


class SeenField(forms.IntegerField):
    """The history row an edit form was shown at, so a save can tell whether someone else
    changed the record meanwhile (stages.services.EditConflict)."""

    def __init__(self, **kwargs):
        super().__init__(widget=forms.HiddenInput, required=False, min_value=1, **kwargs)


def show_seen(form):
    """Set an edit form's `seen` to the record's newest history row (one query), unless the
    form is bound: a re-shown form keeps what it was shown at."""
    if form.instance.pk and not form.is_bound:
        form.initial["seen"] = latest_history_id(form.instance)


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
    learning = NoNulCharField(
        label="What we learned",
        help_text="What the team learned, for whoever picks this up next. Closing an "
        "innovation is a decision, not a failure.",
        widget=forms.Textarea(attrs={"rows": 6}),
        error_messages={"required": "Say what was learned before closing."},
    )


def stage_choices(numbers=range(1, 7)):
    return [(n, f"{n}. {STAGE_NAMES[n]}") for n in numbers]


class PartForm(GovukModelForm):
    seen = SeenField()
    name = NoNulCharField(max_length=120, help_text=NO_PERSONAL_DATA)
    lead = MemberChoiceField(queryset=None, required=False, empty_label="No lead yet")
    next_review_on = forms.DateField(
        label="Next review", required=False, widget=DateInput(), help_text="Optional."
    )

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
    stage = forms.TypedChoiceField(
        label="Stage it is at", choices=stage_choices(), coerce=int, initial=1
    )
    effective_on = forms.DateField(
        label="Since when",
        widget=DateInput(),
        help_text="The date it reached this stage. Not in the future.",
    )
    rationale = NoNulCharField(
        label="Why it starts here",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Needed when a part starts past Mobilising.",
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


class DecisionFields(GovukForm):
    """The fields a leader's move and a session's decision share; the rules themselves are
    checked by the write path."""

    to_stage = forms.TypedChoiceField(
        label="To which stage",
        coerce=int,
        required=False,
        empty_value=None,
        help_text="For a jump, a rewind or a restart.",
    )
    reason = forms.ChoiceField(
        choices=[("", "Choose a reason"), *Reason.choices],
        required=False,
        help_text="Needed to jump, rewind, pause, stop or restart.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_stage"].choices = [("", "Choose a stage"), *stage_choices()]


class MoveForm(DecisionFields):
    field_order = ["kind", "to_stage", "reason", "rationale", "evidence", "effective_on"]

    kind = forms.ChoiceField(label="What is the decision?", widget=forms.RadioSelect)
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
    effective_on = forms.DateField(
        label="Date it took effect", widget=DateInput(), help_text="Not in the future."
    )
    review_on = forms.DateField(
        label="Date to revisit the pause (optional)",
        widget=DateInput(),
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
        super().__init__(*args, **kwargs)
        self.part = part
        self.fields["kind"].choices = [(k, MoveKind(k).label) for k in kinds]
        self.fields["effective_on"].initial = timezone.localdate()
        self.fields["expected_version"].initial = part.version
        self.fields["also"].choices = [
            (f"{p.pk}:{p.version}", f"{p.name} ({p.stage.name}, {p.get_state_display().lower()})")
            for p in siblings
        ]
        if not siblings:
            del self.fields["also"]

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
    stage = forms.TypedChoiceField(
        choices=[("", "Any stage"), *stage_choices()],
        coerce=int,
        required=False,
        empty_value=None,
    )
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
        if data["stage"]:
            innovations = innovations.filter(parts__stage__number=data["stage"])
        if data["state"]:
            innovations = innovations.filter(parts__state=data["state"])
        if data["tag"]:
            innovations = innovations.filter(tags_text__icontains=f",{data['tag'].lower()},")
        status = data["status"] or "open"
        if status != "all":
            innovations = innovations.filter(status=InnovationStatus(status))
        return innovations.distinct()


class AsOfForm(forms.Form):
    as_of = forms.DateField(
        label="As of",
        required=False,
        widget=DateInput(),
        help_text="A past date. Leave empty for today.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["as_of"].widget.attrs["class"] = "govuk-input govuk-input--width-10"

    def clean_as_of(self):
        value = self.cleaned_data["as_of"]
        problem = value and date_problem(value, today=timezone.localdate())
        if problem:
            raise forms.ValidationError(problem)
        return value
