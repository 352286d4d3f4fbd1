"""Forms of the web front. They check the shape of the input; the rules live in the domain and
reach the form through GovukForm.refuse: a ValidationError from a service or a model's clean(),
or a MoveRefused from the rules of the wheel (stages.rules)."""

import re
from datetime import date
from functools import partial

from django import forms
from django.contrib.auth import get_user_model
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.core.validators import MaxValueValidator
from django.forms.renderers import TemplatesSetting
from django.forms.utils import pretty_name
from django.utils import timezone
from django.utils.functional import lazy

from assessments.models import Answer
from innovate.access import memberships
from stages.dates import EARLIEST, LATEST
from stages.models import (
    Reason,
    stage_names,
)
from stages.rules import MoveRefused
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


DATE_PARTS = ("day", "month", "year")
ISO_DATE = re.compile(r"^\s*(\d{1,4})-(\d{1,2})-(\d{1,2})\s*$")


def _iso_parts(text):
    """[day, month, year] from "2026-03-27", the single value older links and forms send; a
    value of another shape is kept whole in the day box, so it is refused as not a real date."""
    text = str(text or "")
    match = ISO_DATE.match(text)
    if match:
        year, month, day = (str(int(part)) for part in match.groups())
        return [day, month, year]
    return [text, "", ""] if text.strip() else ["", "", ""]


class DateInput(forms.MultiWidget):
    """The GOV.UK date input: a day, a month and a year box, numbers typed in the order UK
    readers write them. The value is read from `<name>_day`, `<name>_month` and `<name>_year`,
    or from the single `<name>=YYYY-MM-DD` that older links and scripts send. The boxes with
    the problem are marked (DateInputField sets `error_parts`), and the field's label points
    at the first of them, as the error summary's link does."""

    template_name = "forms/date_input.html"
    use_fieldset = True
    widths = {"day": 2, "month": 2, "year": 4}

    def __init__(self, attrs=None):
        boxes = {part: forms.TextInput() for part in DATE_PARTS}
        super().__init__(boxes, attrs)
        self.error_parts = ()

    def decompress(self, value):
        if isinstance(value, date):
            return [str(value.day), str(value.month), str(value.year)]
        if isinstance(value, str):
            return _iso_parts(value)
        return [None, None, None]

    def value_from_datadict(self, data, files, name):
        parts = [data.get(f"{name}_{part}") for part in DATE_PARTS]
        if all(part is None for part in parts) and data.get(name) is not None:
            return _iso_parts(data.get(name))
        return parts

    def value_omitted_from_data(self, data, files, name):
        return name not in data and super().value_omitted_from_data(data, files, name)

    def id_for_label(self, id_):
        if not id_:
            return id_
        return f"{id_}_{(self.error_parts or DATE_PARTS)[0]}"

    def get_context(self, name, value, attrs):
        attrs = dict(attrs or {})
        has_error = attrs.pop("data-date-error", None)
        for unused in ("class", "min", "max", "required", "aria-invalid"):
            attrs.pop(unused, None)
        context = super().get_context(name, value, attrs)
        id_ = context["widget"]["attrs"].get("id")
        marked = set(self.error_parts or (DATE_PARTS if has_error else ()))
        for part, box in zip(DATE_PARTS, context["widget"]["subwidgets"], strict=True):
            box["part"] = part
            box["label"] = part.capitalize()
            css = f"govuk-input govuk-date-input__input govuk-input--width-{self.widths[part]}"
            if part in marked:
                css += " govuk-input--error"
            box["attrs"] = {
                **{k: v for k, v in box["attrs"].items() if k != "id"},
                "class": css,
                "inputmode": "numeric",
                **({"id": f"{id_}_{part}"} if id_ else {}),
            }
        return context


class DateBoundField(forms.BoundField):
    """Tells the date input that its field has an error, however it came (the field's own
    check, the form's clean() or a refusal from the write path), so the boxes are marked."""

    def build_widget_attrs(self, attrs, widget=None):
        attrs = super().build_widget_attrs(attrs, widget)
        if self.errors:
            attrs["data-date-error"] = "1"
        return attrs


def _date_words(label):
    """ "The date observed" from the label "Date observed (optional)", for messages."""
    text = str(label or "date").removesuffix(" (optional)").strip()
    return text[:1].upper() + text[1:]


class DateInputField(forms.MultiValueField):
    """A date typed in three boxes (DateInput), answered with the GOV.UK pattern's messages,
    each naming the date by `what` (or its label): "Date observed must include a month",
    "… must be a real date", "… must be on or after 1 January 1990". The hint under the
    label ends with an example (`example`)."""

    widget = DateInput
    example = "27 3 2027"

    def __init__(self, *, what=None, example=None, **kwargs):
        for unused in ("input_formats", "max_length", "min_length", "empty_value"):
            kwargs.pop(unused, None)
        fields = [forms.CharField(required=False) for _ in DATE_PARTS]
        super().__init__(fields=fields, require_all_fields=False, **kwargs)
        self.what = what
        if example:
            self.example = example

    def get_bound_field(self, form, field_name):
        return DateBoundField(form, self, field_name)

    def words(self):
        return _date_words(self.what or self.label)

    def refuse(self, message, parts=DATE_PARTS):
        self.widget.error_parts = tuple(parts)
        raise forms.ValidationError(message, code="invalid")

    def clean(self, value):
        self.widget.error_parts = ()
        return super().clean(value)

    def compress(self, data_list):
        parts = [(part or "").strip() for part in (data_list or [])]
        if not any(parts):
            return None
        wrong = [
            name
            for name, part in zip(DATE_PARTS, parts, strict=True)
            if part and not (part.isascii() and part.isdigit() and len(part) <= 4)
        ]
        if wrong:
            self.refuse(f"{self.words()} must be a real date", wrong)
        missing = [name for name, part in zip(DATE_PARTS, parts, strict=True) if not part]
        if missing:
            self.refuse(f"{self.words()} must include a {' and '.join(missing)}", missing)
        day, month, year = parts
        if len(year) != 4:
            self.refuse("Year must include 4 numbers", ["year"])
        if not 1 <= int(month) <= 12:
            self.refuse(f"{self.words()} must be a real date", ["month"])
        try:
            return date(int(year), int(month), int(day))
        except (ValueError, OverflowError):
            self.refuse(f"{self.words()} must be a real date", ["day"])

    def validate(self, value):
        super().validate(value)
        if value is None:
            return
        if value < EARLIEST:
            self.refuse(f"{self.words()} must be on or after {EARLIEST:%-d %B %Y}")
        if value > LATEST:
            self.refuse(f"{self.words()} must be on or before {LATEST:%-d %B %Y}")


def as_date_input(field):
    """The three-box field a plain DateField stands for (a model form's, or one declared
    before there were date inputs), with its label, hint, initial value and checks."""
    return DateInputField(
        label=field.label,
        required=field.required,
        help_text=field.help_text,
        initial=field.initial,
        validators=[v for v in field.validators if v not in forms.DateField.default_validators],
        disabled=field.disabled,
    )


class GovukForm(forms.Form):
    """GOV.UK classes on every widget, error classes after validation, and refusals from the
    write path shown at their field."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, field in list(self.fields.items()):
            if isinstance(field, forms.DateField):
                self.fields[name] = as_date_input(field)
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
        for name, field in self.fields.items():
            # Here rather than in __init__: a form may relabel a field, or make it required,
            # after GovukForm has set it up.
            if field.required and _says_only_required(field):
                field.error_messages["required"] = required_message(name, field)
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


QUESTION_WORDS = {"what", "which", "who", "whom", "whose", "how", "why", "when", "where", "whether"}
CHOICE_WIDGETS = (forms.widgets.ChoiceWidget, forms.CheckboxInput)


def _says_only_required(field):
    """True when the field would answer an empty value with Django's "This field is
    required.", which does not say which field or what to do."""
    return str(field.error_messages.get("required")) == str(
        forms.Field.default_error_messages["required"]
    )


def required_message(name, field):
    """What an empty required field says, from its label: "Enter the title", "Choose the
    stage it is at", "Choose which way is better". A label that is a question reads oddly so
    turned round: such a field should say its own message (error_messages["required"])."""
    if isinstance(field.widget, forms.HiddenInput):
        return "Open the page again and send the form from there: part of it was missing."
    label = str(field.label if field.label is not None else pretty_name(name)).strip()
    choose = isinstance(
        field, forms.ChoiceField | forms.BooleanField | forms.FileField
    ) or isinstance(field.widget, CHOICE_WIDGETS)
    verb = "Choose" if choose else "Enter"
    if label.endswith("?"):
        return f"{verb} an answer to “{label}”"
    if not label[1:2].isupper():
        label = label[:1].lower() + label[1:]
    first = label.split(" ", 1)[0].lower()
    article = "" if first in QUESTION_WORDS | {"the", "a", "an", "your", "their"} else "the "
    return f"{verb} {article}{label}"


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


class PastDateField(DateInputField):
    """An optional day up to today: the day a page is read as of, or the end of a span of
    days. A day after today is refused with "… must be today or in the past"."""

    example = "27 3 2025"

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)

    def validate(self, value):
        if value and value > timezone.localdate():
            self.refuse(f"{self.words()} must be today or in the past")
        super().validate(value)


def clean_text(value):
    if value and "\x00" in value:
        raise forms.ValidationError("Remove the unprintable characters from this text.")
    return value.strip() if value else value


def member_choices(organisation):
    User = get_user_model()
    return User.objects.filter(
        memberships__organisation=organisation,
        memberships__is_active=True,
        memberships__is_guest=False,
        is_active=True,
    ).order_by("first_name", "last_name", "username")


class MemberChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.get_full_name() or obj.get_username()


class PartChoiceField(forms.ModelChoiceField):
    """One of an innovation's parts, by name; with `position=True`, with where it stands too
    ("North team (paused in Designing, round 2)"), which reads each part's `stage`: select it."""

    def __init__(self, *args, position=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.position = position

    def label_from_instance(self, obj):
        if not self.position:
            return obj.name
        cycle = f", round {obj.cycle}" if obj.cycle > 1 else ""
        return f"{obj.name} ({obj.get_state_display().lower()} in {obj.stage.name}{cycle})"


class PartsChoiceField(PartChoiceField, forms.ModelMultipleChoiceField):
    """Several of an innovation's parts, each named as PartChoiceField names one."""


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


def stage_choices(*, blank=None):
    """[(2, "2. Designing"), …]: the six stages, named as their rows say; `blank` labels a
    first, empty choice."""
    names = stage_names()
    return [*([("", blank)] if blank else []), *((n, f"{n}. {names[n]}") for n in sorted(names))]


class StageField(forms.TypedChoiceField):
    """A stage, by its number, offered under the names the stages' rows give when the form is
    shown (not when the module is loaded). With `blank`, the label of a first, empty choice,
    the field may be left empty."""

    def __init__(self, *, blank=None, **kwargs):
        if blank:
            kwargs.setdefault("required", False)
            kwargs.setdefault("empty_value", None)
        super().__init__(choices=partial(stage_choices, blank=blank), coerce=int, **kwargs)


def _stage_name(number):
    return stage_names()[number]


# A stage's name read when the text is shown, for help texts set when a module is loaded.
stage_name = lazy(_stage_name, str)


class CheckForm(GovukForm):
    """A part's answer to its stage's key question. On the part's own page the question stands
    above the form and the answer is dated; in a session (`stage` given) the question labels the
    answer and the session's date is the answer's."""

    answer = forms.ChoiceField(
        label="Your answer now",
        choices=Answer.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose yes, partly, no or unknown."},
    )
    evidence = NoNulCharField(
        label="What the answer rests on",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="The evidence: readings, feedback, a review or a session's notes. Needed "
        "unless the answer is unknown.",
    )
    answered_on = DateInputField(label="Date answered", example="27 3 2025")

    def __init__(self, *args, stage=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["answered_on"].initial = timezone.localdate()
        if stage is None:
            return
        del self.fields["answered_on"]
        if stage.key_question:
            criterion = f" ({stage.criterion})" if stage.criterion else ""
            self.fields["answer"].label = f"{stage.key_question}{criterion}"
        else:
            self.fields["answer"].label = (
                f"Is the part ready for what {stage.name} asks of it? The framework text does "
                "not state this stage's key question."
            )


class DecisionFields(GovukForm):
    """The fields a leader's move and a session's decision share; the rules themselves are
    checked by the write path."""

    to_stage = StageField(
        blank="Choose a stage",
        label="To which stage",
        help_text="For a jump, a rewind or a restart.",
    )
    reason = forms.ChoiceField(
        choices=[("", "Choose a reason"), *Reason.choices],
        required=False,
        help_text="Needed to jump, rewind, pause, stop or restart.",
    )
