"""Forms of the evidence pages: measures, readings, checks, involvement, ethics notes and the
CSV import. They check the shape of the input; the rules live in assessments.services and the
models' clean() and reach the form as a ValidationError (GovukForm.refuse)."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.text import format_lazy

from assessments.models import (
    Direction,
    Level,
    Rating,
    Scale,
    ValueKind,
    Who,
    check_value_kind,
    to_decimal,
)
from innovate.forms import (
    NO_PERSONAL_DATA,
    DateInputField,
    GovukForm,
    NoNulCharField,
    PartChoiceField,
    PartsChoiceField,
    StageField,
    stage_name,
)
from stages.models import MeasureKind

LEVEL_HINTS = {
    Level.INFORMED: "Told about the work and what it means for them.",
    Level.CONSULTED: "Asked for their views, which shaped decisions.",
    Level.CO_DESIGNING: "Designed it with the team, as partners.",
    Level.CO_EVALUATING: "Judged with the team whether it works and for whom.",
}


def _number(form, name, label):
    """The field `name` of `form` as a Decimal (or None when blank), read as people type
    numbers (" 12 ", "1,200", "12.0"); a message naming the `label` otherwise."""
    try:
        return to_decimal(form.cleaned_data.get(name), name, label)
    except ValidationError as refusal:
        raise ValidationError(refusal.message_dict[name]) from None


def _fits(form, name, label, value_kind):
    """The field `name` of `form`, already a Decimal (or None), checked against the measure's
    kind of value; the message (naming the `label`) at the field otherwise."""
    value = form.cleaned_data.get(name)
    try:
        check_value_kind(value, value_kind, name, label)
    except ValidationError as refusal:
        form.add_error(name, refusal.message_dict[name])


VALUE_HINTS = {
    ValueKind.COUNT: "A count: a whole number, 0 or more.",
    ValueKind.PERCENTAGE: "A percentage: from 0 to 100.",
    ValueKind.AMOUNT: "An amount: 0 or more, with at most two decimal places.",
    ValueKind.SCORE: "A score: any number.",
}


class MeasureForm(GovukForm):
    name = NoNulCharField(
        max_length=200,
        help_text="What is counted or judged, for example: families attending a first meeting. "
        + NO_PERSONAL_DATA,
    )
    stage = StageField(label="Stage it measures success at")
    part = PartChoiceField(
        label="Part it measures",
        queryset=None,
        required=False,
        empty_label="The whole innovation",
        help_text="Readings of a measure of the whole innovation can still be given per part.",
    )
    kind = forms.ChoiceField(
        label="Kind of measure",
        required=False,
        choices=[("", "The kind the framework gives the stage"), *MeasureKind.choices],
        help_text=format_lazy(
            "The framework names a kind for each stage: engagement for {}, short-term process "
            "for {}, and so on.",
            stage_name(1),
            stage_name(2),
        ),
    )
    scale = forms.ChoiceField(
        label="Readings are",
        choices=Scale.choices,
        initial=Scale.NUMERIC,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose whether readings are a number or a rated judgement"},
    )
    value_kind = forms.ChoiceField(
        label="Kind of value",
        choices=ValueKind.choices,
        required=False,
        widget=forms.RadioSelect,
        help_text="For numbers: every reading, the baseline and the target are checked against "
        "it. A rated measure needs none.",
    )
    unit = NoNulCharField(
        max_length=40,
        required=False,
        help_text="For numbers: families, days, per cent. Leave empty for a rated measure.",
    )
    direction = forms.ChoiceField(
        label="Which way is better",
        choices=Direction.choices,
        initial=Direction.HIGHER,
        widget=forms.RadioSelect,
    )
    baseline_value = NoNulCharField(
        label="Baseline value (optional)", max_length=30, required=False
    )
    baseline_on = DateInputField(label="Baseline date (optional)", required=False)
    target_value = NoNulCharField(label="Target value (optional)", max_length=30, required=False)
    target_on = DateInputField(label="Target date (optional)", required=False)
    collection = NoNulCharField(
        label="How it is collected",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Where the numbers or judgements come from, who gathers them and how often.",
    )

    def __init__(self, *args, innovation, parts, editing=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.innovation = innovation
        self.fields["part"].queryset = parts
        for name in ("baseline_value", "target_value"):
            self.fields[name].widget.attrs.update(
                {"inputmode": "decimal", "class": "govuk-input govuk-input--width-10"}
            )
        self.fields["unit"].widget.attrs["class"] = "govuk-input govuk-input--width-20"
        if editing:
            self.fields["is_active"] = forms.BooleanField(
                label="In use (untick to retire the measure; it and its readings are kept)",
                required=False,
            )
            self.fields["is_active"].widget.attrs["class"] = "govuk-checkboxes__input"

    # A number is read here as well as by the write path, so that a mistyped number is
    # reported together with every other field's problem, not on the next submit.
    def clean_baseline_value(self):
        return _number(self, "baseline_value", "baseline")

    def clean_target_value(self):
        return _number(self, "target_value", "target")

    def clean(self):
        data = super().clean()
        if data.get("scale") == Scale.RATED:
            data["value_kind"] = data.get("value_kind") or ValueKind.SCORE
        elif data.get("scale") == Scale.NUMERIC:
            if not data.get("value_kind"):
                self.add_error(
                    "value_kind",
                    "Choose the kind of value: a count, a percentage, an amount or a score.",
                )
            else:
                for name, label in (("baseline_value", "baseline"), ("target_value", "target")):
                    if name in data:
                        _fits(self, name, label, data["value_kind"])
        return data

    def values(self):
        """The cleaned fields as the write path takes them."""
        return dict(self.cleaned_data)


class CopyMeasureForm(GovukForm):
    parts = PartsChoiceField(
        label="Copy it to",
        queryset=None,
        position=True,
        widget=forms.CheckboxSelectMultiple,
        help_text="Each part gets its own measure with the same definition, and its own "
        "readings. A part that already has a measure of this name at this stage is skipped.",
        error_messages={"required": "Choose at least one part to copy the measure to."},
    )

    def __init__(self, *args, parts, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["parts"].queryset = parts


class ReadingForm(GovukForm):
    observed_on = DateInputField(
        label="Date observed", help_text="Not in the future.", example="27 3 2025"
    )
    value = NoNulCharField(label="Value", max_length=30, required=False)
    rating = forms.ChoiceField(
        label="How is it going?", choices=Rating.choices, required=False, widget=forms.RadioSelect
    )
    part = PartChoiceField(
        label="Which part is it for",
        queryset=None,
        required=False,
        empty_label="The whole innovation",
    )
    story = NoNulCharField(
        label="The story behind it (optional)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="What explains the reading. Do not include a child's or family's personal "
        "details.",
    )
    evidence_url = NoNulCharField(
        label="Evidence link (optional)",
        max_length=500,
        required=False,
        help_text="A web address starting https://, for example a report or a dashboard.",
    )

    def __init__(self, *args, measure, parts, correcting=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.measure = measure
        if not correcting:
            self.fields["observed_on"].initial = timezone.localdate()
        if measure.is_rated:
            del self.fields["value"]
            self.fields["rating"].required = True
            self.fields["rating"].error_messages["required"] = (
                "Choose on track, some concern or off track."
            )
        else:
            del self.fields["rating"]
            self.fields["value"].label = f"Value{f' ({measure.unit})' if measure.unit else ''}"
            self.fields["value"].help_text = VALUE_HINTS.get(measure.value_kind, "")
            self.fields["value"].error_messages["required"] = "Give the value."
            self.fields["value"].required = True
            self.fields["value"].widget.attrs.update(
                {"inputmode": "decimal", "class": "govuk-input govuk-input--width-10"}
            )
        if measure.part_id or correcting:
            # A correction keeps the part the reading is of.
            del self.fields["part"]
        else:
            self.fields["part"].queryset = parts
        self.fields["evidence_url"].widget.attrs["spellcheck"] = "false"
        # GovukForm built the bound fields before the labels changed.
        self._bound_fields_cache.clear()

    def clean_value(self):
        value = _number(self, "value", "value")
        try:
            return check_value_kind(value, self.measure.value_kind, "value", "value")
        except ValidationError as refusal:
            raise ValidationError(refusal.message_dict["value"]) from None


class WithdrawReadingForm(GovukForm):
    reason = NoNulCharField(
        label="Why is it withdrawn?",
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="For example: entered against the wrong measure, or counted twice. The "
        "reading is kept, shown as withdrawn on the measure's page, and left out of statuses, "
        "charts, dashboards, the board report and exports.",
        error_messages={"required": "Say why the reading is withdrawn."},
    )


class ReflectionForm(GovukForm):
    """A reflection on the prompts of a stage whose key question the framework does not state:
    a box per prompt (the product's own wording), at least one written in."""

    answered_on = DateInputField(label="Date of the reflection", example="27 3 2025")

    # Where a stage has no prompts either (they are edited in the admin).
    WITHOUT_PROMPTS = "Where does the part stand, and what has it learned at this stage?"

    def __init__(self, *args, stage, **kwargs):
        self.prompts = stage.prompts or [self.WITHOUT_PROMPTS]
        # Before GovukForm sets its fields up, so the boxes get its classes and limits too.
        self.base_fields = {
            **{
                f"prompt_{number}": NoNulCharField(
                    label=prompt, required=False, widget=forms.Textarea(attrs={"rows": 3})
                )
                for number, prompt in enumerate(self.prompts, 1)
            },
            **type(self).base_fields,
        }
        super().__init__(*args, **kwargs)
        self.fields["answered_on"].initial = timezone.localdate()

    def clean(self):
        data = super().clean()
        if not any(
            (data.get(f"prompt_{n}") or "").strip() for n in range(1, len(self.prompts) + 1)
        ):
            self.add_error("prompt_1", "Write about at least one of the prompts.")
        return data

    def notes(self):
        """[(prompt, what was written)] as the write path takes them."""
        return [
            (prompt, self.cleaned_data.get(f"prompt_{number}") or "")
            for number, prompt in enumerate(self.prompts, 1)
        ]


class InvolvementForm(GovukForm):
    who = forms.ChoiceField(
        label="Who took part",
        choices=Who.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose who took part."},
    )
    level = forms.ChoiceField(
        label="How they took part",
        choices=[(value, f"{label}: {LEVEL_HINTS[value]}") for value, label in Level.choices],
        widget=forms.RadioSelect,
        error_messages={"required": "Choose how they took part."},
    )
    note = NoNulCharField(
        label="What happened and what came of it",
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Do not include a child's or family's personal details.",
        error_messages={"required": "Say how they took part and what came of it."},
    )
    stage = StageField(label="At which stage", error_messages={"required": "Choose the stage"})
    recorded_on = DateInputField(label="Date", what="The date they took part", example="27 3 2025")

    def __init__(self, *args, part, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["stage"].initial = part.stage.number
        self.fields["stage"].help_text = f"{part.name} is in {part.stage.name} now."
        self.fields["recorded_on"].initial = timezone.localdate()
        self._bound_fields_cache.clear()


class EthicsNoteForm(GovukForm):
    note = NoNulCharField(
        label="Ethics note",
        required=False,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text="Better for whom? What risks, and to whom? Whose power, and whose voice? "
        "Empty the note to clear it; its earlier wording is kept in the history.",
    )


class ImportForm(GovukForm):
    file = forms.FileField(
        label="CSV file of readings",
        required=False,
        help_text="Columns: date, measure, part, value, note. At most 1 MB.",
    )
    content = forms.CharField(widget=forms.HiddenInput, required=False, strip=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].widget.attrs.update({"class": "govuk-file-upload", "accept": ".csv"})
        self.fields["content"].max_length = None
        self.fields["content"].validators = []
        self.fields["content"].widget.attrs.pop("maxlength", None)
