"""What every form of the web front does to free text: it says beside the field that a child's
or family's personal details do not belong there, and it keeps the text without the
bidirectional controls that make it display differently from what it says. And how every form
shows a refusal from the domain, and the one range of dates it takes."""

import inspect
import re
from types import SimpleNamespace

import pytest
from django import forms
from django.contrib.auth.forms import SetPasswordForm
from django.core.exceptions import ValidationError
from django.urls import reverse

import innovate.urls  # noqa: F401  (imports every view, so every form class is defined)
from innovate.forms import GovukForm, NoNulCharField
from networks.models import SharedModel
from stages.dates import EARLIEST, LATEST
from stages.models import Innovation, Organisation, Part, Stage
from stages.rules import MoveRefused
from tests.assessments.factories import make_measure
from tests.factories import make_part

NOTE = re.compile(r"child's or family's personal details|personal details of a child or family")

# Text fields that are not free text about the work, each with why.
NOT_FREE_TEXT = {
    ("AcceptForm", "username"): "the person's own sign-in name",
    ("AcceptForm", "first_name"): "the person's own name",
    ("AcceptForm", "last_name"): "the person's own name",
    ("SignInForm", "username"): "the person's own sign-in name, never saved",
    ("MeasureForm", "unit"): "a unit: families, days, per cent",
    ("MeasureForm", "baseline_value"): "a number",
    ("MeasureForm", "target_value"): "a number",
    ("ReadingForm", "value"): "a number",
    ("ReadingForm", "evidence_url"): "a web address",
    ("InnovationFilterForm", "q"): "a search, never saved",
    ("InnovationFilterForm", "tag"): "a filter, never saved",
    ("PortfolioForm", "tag"): "a filter, never saved",
    ("TwoStepCodeForm", "code"): "a code from an authenticator app, never saved",
    ("CurrentCodeForm", "code"): "a code from an authenticator app, never saved",
    ("ActivateForm", "code"): "a code from an authenticator app, never saved",
    ("SignInSettingsForm", "server_url"): "a web address",
    ("SessionForm", "online_link"): "a web address",
    ("SignInSettingsForm", "client_id"): "an identifier the provider gave",
    ("TokenForm", "name"): "what an API token is for: Power BI, the performance team",
    ("NetworkForm", "name"): "the name of a network of organisations",
    ("ObserverForm", "name"): "the observer's own name",
    ("PublishForm", "name"): "the name of a published model: Family Safeguarding",
    ("ComponentForm", "name"): "the name of a model's component: Group case supervision",
    ("SearchForm", "q"): "a search, never saved",
}

# Fields shared by forms, never shown on their own: the forms that use them are checked.
MIXINS = {"StartFields"}

BIDI = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c"


def form_classes():
    def walk(cls):
        for sub in cls.__subclasses__():
            yield sub
            yield from walk(sub)

    found = {
        c
        for c in walk(forms.BaseForm)
        if c.__module__.startswith("innovate.")
        and c.__name__ not in MIXINS
        and not (issubclass(c, forms.BaseModelForm) and c._meta.model is None)
    }
    return sorted(found, key=lambda c: (c.__module__, c.__name__))


@pytest.fixture
def arguments(innovation, leader):
    part = make_part(innovation, by=leader)
    return {
        "organisation": innovation.organisation,
        "innovation": innovation,
        "part": part,
        "parts": Part.objects.filter(innovation=innovation),
        "measure": make_measure(innovation, by=leader, name="Families attending"),
        "stage": Stage.objects.get(number=1),
        "kinds": ["advance", "pause"],
        "innovations": Innovation.objects.filter(pk=innovation.pk),
        "organisations": Organisation.objects.all(),
        "networks": [],
        "sharings": {},
        "models": SharedModel.objects.none(),
        "components": [SimpleNamespace(pk=1, name="Group supervision", fidelity=None)],
    }


def build(cls, arguments, user):
    """An unbound form of `cls`, given what its constructor asks for by name."""
    needed = {
        name: arguments[name]
        for base in cls.__mro__
        if "__init__" in vars(base)
        for name, p in inspect.signature(base.__init__).parameters.items()
        if p.kind is p.KEYWORD_ONLY and p.default is p.empty
    }
    if issubclass(cls, SetPasswordForm):
        return cls(user, **needed)
    return cls(**needed)


def free_text_fields(form):
    for name, field in form.fields.items():
        if (
            isinstance(field, forms.CharField)
            and type(field.widget) in (forms.TextInput, forms.Textarea)
            and (type(form).__name__, name) not in NOT_FREE_TEXT
        ):
            yield name, field


def test_the_walk_finds_the_forms_of_every_area():
    names = {c.__name__ for c in form_classes()}
    assert {"InnovationForm", "MeasureForm", "SessionForm", "AttendeeForm", "AcceptForm"} <= names


@pytest.mark.django_db
def test_every_free_text_field_of_every_form_says_no_child_s_personal_details(arguments, leader):
    checked, missing = 0, []
    for cls in form_classes():
        form = build(cls, arguments, leader)
        for name, field in free_text_fields(form):
            checked += 1
            if not NOTE.search(str(field.help_text)):
                missing.append(f"{cls.__module__}.{cls.__name__}.{name}")
    assert missing == []
    assert checked >= 25, checked


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("form", "field"),
    [
        ("InnovationForm", "title"),
        ("InnovationForm", "tags"),
        ("PartForm", "name"),
        ("MeasureForm", "name"),
        ("SessionForm", "title"),
        ("AttendeeForm", "name_or_role"),
    ],
)
def test_the_short_text_fields_carry_the_note_too(arguments, leader, form, field):
    (cls,) = [c for c in form_classes() if c.__name__ == form]
    assert NOTE.search(str(build(cls, arguments, leader).fields[field].help_text))


class Sample(GovukForm):
    title = NoNulCharField(max_length=200)
    story = NoNulCharField(widget=forms.Textarea, required=False)
    secret = forms.CharField(widget=forms.PasswordInput, strip=False)


def test_bidirectional_controls_are_taken_out_of_free_text():
    form = Sample({"title": f"North{BIDI} team", "story": "a\u202eb\u202c c", "secret": "x"})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["title"] == "North team"
    assert form.cleaned_data["story"] == "ab c"


def test_a_password_is_kept_exactly_as_typed():
    form = Sample({"title": "T", "secret": "pass\u202eword"})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["secret"] == "pass\u202eword"


def test_text_of_bidirectional_controls_alone_is_empty():
    form = Sample({"title": "\u202e\u202c", "secret": "x"})
    assert not form.is_valid()
    assert "title" in form.errors


def test_a_title_saved_through_the_page_has_no_bidirectional_controls(client_for, leader):
    response = client_for(leader).post(
        reverse("innovations:create"), {"title": "Family \u202egnicnerefnoc\u202c group"}
    )
    assert response.status_code == 303
    assert Innovation.objects.get().title == "Family gnicnerefnoc group"


# Refusals from the domain, shown where they belong


class Dated(GovukForm):
    title = forms.CharField()
    held_on = forms.DateField()


def dated(**data):
    form = Dated({"title": "Review", "held_on": "2025-03-10", **data})
    assert form.is_valid(), form.errors
    return form


def test_a_refusal_from_a_service_is_shown_at_its_field():
    form = dated()
    form.refuse(
        ValidationError({"held_on": "The date of the session must be on or after 1 January 1990."})
    )
    assert form.errors == {
        "held_on": ["The date of the session must be on or after 1 January 1990."]
    }
    assert "held_on" not in form.cleaned_data


def test_a_refusal_at_a_field_the_form_does_not_have_is_shown_at_the_top():
    form = dated()
    form.refuse(
        ValidationError(
            {"parts": "Choose at least one part to reflect on.", "title": "Enter the title."}
        )
    )
    assert form.errors == {
        "__all__": ["Choose at least one part to reflect on."],
        "title": ["Enter the title."],
    }


def test_a_refusal_of_the_record_as_a_whole_is_shown_at_the_top():
    form = dated()
    form.refuse(ValidationError("Its notes are part of the record."))
    assert form.non_field_errors() == ["Its notes are part of the record."]


def test_a_refusal_by_the_rules_of_the_wheel_is_shown_at_its_field():
    form = dated()
    form.refuse(MoveRefused("The date it took effect cannot be in the future.", "held_on"))
    form.refuse(MoveRefused("Choose a reason for this pause.", "reason"))
    form.refuse(MoveRefused("North team was closed.", None))
    assert form.errors == {
        "held_on": ["The date it took effect cannot be in the future."],
        "__all__": ["Choose a reason for this pause.", "North team was closed."],
    }


@pytest.mark.parametrize(
    ("held_on", "message"),
    [
        ("1989-12-31", "Date must be on or after 1 January 1990"),
        ("2101-01-01", "Date must be on or before 31 December 2100"),
    ],
)
def test_every_date_field_keeps_to_the_products_range(held_on, message):
    form = Dated({"title": "Review", "held_on": held_on})
    assert form.errors == {"held_on": [message]}


def test_the_first_and_last_days_of_the_range_are_allowed():
    assert dated(held_on="1990-01-01").cleaned_data["held_on"] == EARLIEST
    assert dated(held_on="2100-12-31").cleaned_data["held_on"] == LATEST


# What an empty required field says


class Asked(GovukForm):
    title = forms.CharField()
    effective_on = forms.DateField(label="Date it took effect")
    stage = forms.TypedChoiceField(label="Stage it is at", choices=[(1, "1")], coerce=int)
    direction = forms.ChoiceField(
        label="Which way is better", choices=[("up", "Up")], widget=forms.RadioSelect
    )
    parts = forms.MultipleChoiceField(
        label="Parts in scope", choices=[("1", "North")], widget=forms.CheckboxSelectMultiple
    )
    csv = forms.FileField(label="CSV file of readings")
    kind = forms.ChoiceField(label="What is the decision?", choices=[("advance", "Advance")])
    version = forms.IntegerField(widget=forms.HiddenInput)
    learning = forms.CharField(error_messages={"required": "Say what was learned."})
    note = forms.CharField(required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["note"].required = True
        self.fields["note"].label = "Note on the session"


def test_an_empty_required_field_is_named_from_its_label():
    form = Asked({})
    assert form.errors == {
        "title": ["Enter the title"],
        "effective_on": ["Enter the date it took effect"],
        "stage": ["Choose the stage it is at"],
        "direction": ["Choose which way is better"],
        "parts": ["Choose the parts in scope"],
        "csv": ["Choose the CSV file of readings"],
        "kind": ["Choose an answer to “What is the decision?”"],
        "version": ["Open the page again and send the form from there: part of it was missing."],
        "learning": ["Say what was learned."],
        "note": ["Enter the note on the session"],
    }


# Fields and forms two areas share, each defined once in innovate.forms


def test_a_part_is_offered_by_name_or_with_where_it_stands(innovation, leader):
    from innovate.evidence.forms import CopyMeasureForm, MeasureForm
    from innovate.sessions.forms import SessionForm

    north = make_part(innovation, by=leader, name="North team", stage=2, rationale="Begun.")
    parts = Part.objects.filter(innovation=innovation).select_related("stage")

    def labels(form, field):
        return [label for _value, label in form.fields[field].choices]

    assert labels(MeasureForm(innovation=innovation, parts=parts), "part") == [
        "The whole innovation",
        "North team",
    ]
    where = ["North team (active in Designing)"]
    assert labels(SessionForm(innovation=innovation), "parts") == where
    assert labels(CopyMeasureForm(parts=parts), "parts") == where
    Part.objects.filter(pk=north.pk).update(cycle=2)
    assert labels(SessionForm(innovation=innovation), "parts") == [
        "North team (active in Designing, round 2)"
    ]


def test_a_check_on_the_parts_page_is_dated_and_in_a_session_asks_the_stages_question(db):
    from innovate.forms import CheckForm

    designing = Stage.objects.get(number=2)
    on_its_page = CheckForm()
    assert list(on_its_page.fields) == ["answer", "evidence", "answered_on"]
    assert on_its_page.fields["answer"].label == "Your answer now"
    in_a_session = CheckForm(stage=designing)
    assert list(in_a_session.fields) == ["answer", "evidence"]
    assert in_a_session.fields["answer"].label.startswith(designing.key_question)
    designing.key_question = ""
    assert CheckForm(stage=designing).fields["answer"].label == (
        "Is the part ready for what Designing asks of it? The framework text does not state "
        "this stage's key question."
    )
