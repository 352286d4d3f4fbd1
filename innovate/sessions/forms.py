"""Forms of reflection sessions. They validate input; the rules live in assessments.sessions
(a ValidationError) and stages.rules (a MoveRefused) and reach the form through
GovukForm.refuse."""

from django import forms
from django.contrib.auth import get_user_model

from assessments.models import AttendeeLevel, DecisionKind
from innovate.forms import (
    NO_PERSONAL_DATA,
    DateInputField,
    DecisionFields,
    GovukForm,
    MemberChoiceField,
    NoNulCharField,
    PartsChoiceField,
    member_choices,
)
from stages import teams
from stages.models import Part


def facilitator_choices(innovation):
    """The organisation's facilitators and managers and the innovation's team."""
    return teams.facilitators(innovation.organisation_id, innovation.pk).order_by(
        "first_name", "last_name", "username"
    )


class SessionForm(GovukForm):
    field_order = [
        "title",
        "held_on",
        "starts_at",
        "ends_at",
        "place",
        "online_link",
        "facilitator",
        "parts",
        "notes",
    ]
    title = NoNulCharField(
        max_length=200,
        help_text="For example: Spring review with the locality teams. " + NO_PERSONAL_DATA,
    )
    held_on = DateInputField(label="Date", what="The date of the session")
    facilitator = MemberChoiceField(
        queryset=None,
        empty_label="Choose a facilitator",
        help_text="A facilitator or a manager of the organisation, or a member of the "
        "innovation's team.",
        error_messages={"required": "Choose who will facilitate."},
    )
    parts = PartsChoiceField(
        label="Parts in scope",
        queryset=None,
        position=True,
        widget=forms.CheckboxSelectMultiple,
        help_text="The parts the session will reflect on and decide about.",
        error_messages={"required": "Choose at least one part to reflect on."},
    )
    notes = NoNulCharField(
        label="Purpose and notes (optional)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="What the session is for. Do not include a child's or family's personal details.",
    )
    starts_at = forms.TimeField(
        label="Start time (optional)",
        required=False,
        input_formats=["%H:%M", "%H.%M"],
        widget=forms.TextInput(attrs={"class": "govuk-input govuk-input--width-5"}),
        help_text="In the 24-hour clock, for example 09:30 or 14:00.",
        error_messages={"invalid": "Enter the start time like 09:30 or 14:00."},
    )
    ends_at = forms.TimeField(
        label="End time (optional)",
        required=False,
        input_formats=["%H:%M", "%H.%M"],
        widget=forms.TextInput(attrs={"class": "govuk-input govuk-input--width-5"}),
        help_text="For example 11:30.",
        error_messages={"invalid": "Enter the end time like 11:30 or 16:00."},
    )
    place = NoNulCharField(
        label="Place (optional)",
        max_length=200,
        required=False,
        help_text="For example: Room 2, County Hall. " + NO_PERSONAL_DATA,
    )
    online_link = NoNulCharField(
        label="Online meeting link (optional)",
        max_length=500,
        required=False,
        help_text="The address to join online, starting https://.",
    )

    def __init__(self, *args, innovation, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["facilitator"].queryset = facilitator_choices(innovation)
        self.fields["parts"].queryset = (
            Part.objects.filter(innovation=innovation).select_related("stage").order_by("name")
        )


class AttendeeForm(GovukForm):
    name_or_role = NoNulCharField(
        label="Role",
        max_length=120,
        help_text="For example: team manager, North team; care-experienced young person; "
        "parent. Not a name: do not include a child's or family's personal details.",
        error_messages={"required": "Give their role."},
    )
    level = forms.ChoiceField(
        label="Level",
        choices=[("", "Choose a level"), *AttendeeLevel.choices],
        error_messages={"required": "Choose the level they work at."},
    )
    part = forms.ModelChoiceField(
        label="The part they come from (optional)",
        queryset=None,
        required=False,
        empty_label="Not from one part",
    )

    def __init__(self, *args, innovation, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["part"].queryset = Part.objects.filter(innovation=innovation).order_by("name")


GENERAL = ""


def prompt_choices(stage):
    """The key question (when the framework states it) and the stage's reflection prompts."""
    choices = []
    if stage.key_question:
        choices.append((stage.key_question, f"Key question: {stage.key_question}"))
    choices += [(prompt, prompt) for prompt in stage.prompts]
    choices.append((GENERAL, "A general note on this part"))
    return choices


class NoteForm(GovukForm):
    prompt = forms.ChoiceField(label="Which prompt it answers", required=False)
    text = NoNulCharField(
        label="Note",
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="What was said, in the group's words. No personal details of a child or family.",
        error_messages={"required": "Write the note."},
    )

    def __init__(self, *args, stage, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["prompt"].choices = prompt_choices(stage)


class DecisionForm(DecisionFields):
    field_order = ["kind", "to_stage", "reason", "rationale", "minority_view", "review_on"]

    kind = forms.ChoiceField(
        label="What does the session decide?",
        widget=forms.RadioSelect,
        error_messages={"required": "Choose what the session decided."},
    )
    rationale = NoNulCharField(
        label="Why, in the group's words",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Needed to jump, rewind, pause, stop, restart or go round again.",
    )
    minority_view = NoNulCharField(
        label="A minority view (optional)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="If some in the room saw it differently, say how, in their own words.",
    )
    review_on = DateInputField(label="Date to revisit the pause (optional)", required=False)

    def __init__(self, *args, kinds, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [(k, DecisionKind(k).label) for k in kinds]


class ActionForm(GovukForm):
    text = NoNulCharField(
        label="Action",
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": "Say what is to be done."},
    )
    owner = MemberChoiceField(
        queryset=None,
        empty_label="Choose a member",
        help_text="A member of the organisation.",
        error_messages={"required": "Choose who will do it."},
    )
    due_on = DateInputField(label="Due (optional)", what="The due date", required=False)

    def __init__(self, *args, organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = member_choices(organisation)


class InviteForm(GovukForm):
    people = forms.ModelMultipleChoiceField(
        label="People to invite",
        queryset=None,
        widget=forms.CheckboxSelectMultiple,
        help_text="Members and guests who may see this innovation. Each receives an email with "
        "the session in a calendar file.",
        error_messages={
            "required": "Choose at least one person to invite.",
            "invalid_choice": "Choose people from the list.",
            "invalid_pk_value": "Choose people from the list.",
        },
    )
    level = forms.ChoiceField(
        label="The level they work at",
        choices=[("", "Choose a level"), *AttendeeLevel.choices],
        error_messages={"required": "Choose the level they work at."},
    )

    def __init__(self, *args, people=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["people"].queryset = (
            people if people is not None else get_user_model().objects.none()
        )
        self.fields["people"].label_from_instance = lambda u: u.get_full_name() or u.username
