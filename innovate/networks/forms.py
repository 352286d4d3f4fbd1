"""Forms of the networks' management pages. They check the shape of the input; the rules live
in networks.services and reach a form as a ValidationError (GovukForm.refuse)."""

from datetime import timedelta

from django import forms
from django.utils import timezone

from innovate.forms import NO_PERSONAL_DATA, GovukForm, NoNulCharField, PastDateField
from networks.models import ComponentKind, FidelityState, ShareLevel
from networks.services import OBSERVER_INVITATION_DAYS

LEVEL_HINTS = {
    ShareLevel.NOTHING: "The network sees nothing of this innovation.",
    ShareLevel.STAGES: "Where each part stands on the wheel: its stage and whether it is "
    "active, paused or stopped.",
    ShareLevel.STATUSES: "As well as the stages, each measure's status (on track, some "
    "concern, off track), never the readings' stories.",
    ShareLevel.REASONS: "As well as the stages and statuses, the reason given for each move "
    "(such as funding or workforce), never the rationale's words.",
}


class OrganisationChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.name


class NetworkForm(GovukForm):
    name = NoNulCharField(
        label="Name of the network",
        max_length=200,
        help_text="For example, Family Safeguarding spread, or North West improvement alliance.",
        error_messages={"required": "Enter the network's name"},
    )
    description = NoNulCharField(
        label="What the network is for",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    owner = OrganisationChoiceField(
        label="Organisation that owns it",
        queryset=None,
        help_text="Its managers invite the member organisations and the observers.",
        empty_label="Choose an organisation",
        error_messages={
            "required": "Choose the organisation that owns the network",
            "invalid_choice": "Choose the organisation that owns the network",
        },
    )

    def __init__(self, *args, organisations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = organisations


class InviteOrganisationForm(GovukForm):
    organisation = OrganisationChoiceField(
        label="Organisation to invite",
        queryset=None,
        help_text="Its managers see the invitation on their Networks page and accept or "
        "decline it.",
        empty_label="Choose an organisation",
        error_messages={
            "required": "Choose an organisation to invite",
            "invalid_choice": "Choose an organisation to invite",
        },
    )

    def __init__(self, *args, organisations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations


class ObserverForm(GovukForm):
    email = forms.EmailField(
        label="Email address",
        max_length=254,
        help_text=f"We email them a link to accept. It works once and expires after "
        f"{OBSERVER_INVITATION_DAYS} days. An observer belongs to none of the member "
        "organisations.",
        error_messages={
            "required": "Enter the email address of the person to invite",
            "invalid": "Enter an email address in the right format, like name@example.org",
        },
    )
    name = NoNulCharField(label="Their name (optional)", max_length=200, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["email"].widget.attrs.update({"autocomplete": "off", "spellcheck": "false"})


def level_choices():
    return [(level.value, level.label) for level in ShareLevel]


class SharingForm(GovukForm):
    """One question per network the organisation belongs to: what it may see."""

    def __init__(self, *args, networks, sharings, **kwargs):
        super().__init__(*args, **kwargs)
        self.networks = networks
        for network in networks:
            found = sharings.get(network.pk)
            field = forms.ChoiceField(
                label=f"What {network.name} may see",
                widget=forms.RadioSelect,
                choices=level_choices(),
                initial=found.level if found else ShareLevel.NOTHING,
                error_messages={
                    "required": f"Choose what {network.name} may see",
                    "invalid_choice": f"Choose what {network.name} may see",
                },
            )
            field.widget.attrs["class"] = "govuk-radios__input"
            self.fields[self.name_for(network)] = field

    @staticmethod
    def name_for(network):
        return f"network_{network.pk}"

    def chosen(self):
        """[(network, level)] as posted."""
        return [(n, self.cleaned_data[self.name_for(n)]) for n in self.networks]


class ModelChoiceByName(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return str(obj)


def _lines(text):
    """[(name, description)] from "Name: description" lines."""
    found = []
    for line in (text or "").splitlines():
        line = line.strip()
        if not line:
            continue
        name, _, description = line.partition(":")
        found.append((name.strip(), description.strip()))
    return found


class PublishForm(GovukForm):
    innovation = ModelChoiceByName(
        label="Innovation",
        queryset=None,
        empty_label="Choose an innovation",
        help_text="The model's source: one of your organisation's innovations.",
        error_messages={
            "required": "Choose the innovation the model comes from",
            "invalid_choice": "Choose the innovation the model comes from",
        },
    )
    name = NoNulCharField(
        label="Name of the model",
        max_length=200,
        help_text="For example, Family Safeguarding.",
        error_messages={"required": "Enter the model's name"},
    )
    summary = NoNulCharField(
        label="What the model is", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    core = NoNulCharField(
        label="Core components",
        help_text="What must stay the same wherever it is adopted. One a line; a description "
        "after a colon if you wish, like “Group supervision: weekly, with the whole team”.",
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"required": "Name at least one core component: what must stay the same"},
    )
    adaptable = NoNulCharField(
        label="Adaptable elements (optional)",
        required=False,
        help_text="What each adopter may change to fit. One a line, as above.",
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def __init__(self, *args, innovations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["innovation"].queryset = innovations

    def components(self):
        data = self.cleaned_data
        return [(ComponentKind.CORE, n, d) for n, d in _lines(data["core"])] + [
            (ComponentKind.ADAPTABLE, n, d) for n, d in _lines(data.get("adaptable"))
        ]


class ComponentForm(GovukForm):
    """One more core component or adaptable element of a published model."""

    kind = forms.ChoiceField(
        label="Is it a core component or an adaptable element?",
        widget=forms.RadioSelect,
        choices=ComponentKind.choices,
        error_messages={
            "required": "Choose whether it is a core component or an adaptable element",
            "invalid_choice": "Choose whether it is a core component or an adaptable element",
        },
    )
    name = NoNulCharField(
        label="Name",
        max_length=200,
        help_text="For example, Group case supervision.",
        error_messages={"required": "Enter the component's name"},
    )
    description = NoNulCharField(
        label="What it is (optional)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class AdoptForm(GovukForm):
    model = ModelChoiceByName(
        label="Model this innovation adopts",
        queryset=None,
        widget=forms.RadioSelect,
        empty_label=None,
        error_messages={
            "required": "Choose the model this innovation adopts",
            "invalid_choice": "Choose the model this innovation adopts",
        },
    )

    def __init__(self, *args, models, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["model"].queryset = models
        self.fields["model"].label_from_instance = lambda m: f"{m.name}, in {m.network.name}"


class FidelityForm(GovukForm):
    """Per core component: in place, adapted (how and why) or not yet."""

    def __init__(self, *args, components, **kwargs):
        super().__init__(*args, **kwargs)
        self.components = components
        for component in components:
            fidelity = component.fidelity
            state = forms.ChoiceField(
                label=f"Where {component.name} stands",
                widget=forms.RadioSelect,
                choices=FidelityState.choices,
                required=False,
                initial=fidelity.state if fidelity else None,
                error_messages={
                    "invalid_choice": f"Choose whether {component.name} is in place, adapted "
                    "or not yet"
                },
            )
            state.widget.attrs["class"] = "govuk-radios__input"
            self.fields[f"state_{component.pk}"] = state
            self.fields[f"how_why_{component.pk}"] = NoNulCharField(
                label=f"How and why {component.name} was adapted",
                required=False,
                help_text=NO_PERSONAL_DATA,
                widget=forms.Textarea(attrs={"rows": 2, "class": "govuk-textarea"}),
                initial=fidelity.how_why if fidelity else "",
            )

    def rows(self):
        """[(component, its state field, its how-and-why field)] for the template."""
        return [(c, self[f"state_{c.pk}"], self[f"how_why_{c.pk}"]) for c in self.components]

    def answers(self):
        """[(component, state, how_why)] for the components answered."""
        found = []
        for component in self.components:
            state = self.cleaned_data.get(f"state_{component.pk}")
            if state:
                found.append((component, state, self.cleaned_data.get(f"how_why_{component.pk}")))
        return found


# The network's pages are read as of a date.

# What moved since: a quarter before the date the page is read on, unless another is chosen.
SINCE_DAYS = 91


class NetworkDateForm(GovukForm):
    """A network's page is read as of the end of a day (?on=YYYY-MM-DD, or the GOV.UK date
    boxes); today when empty. A date that does not validate is shown with its message and the
    page falls back to today."""

    on = PastDateField(
        label="On",
        what="The date",
        help_text="See the network as it stood at the end of a past day. Empty for today.",
    )

    def __init__(self, data=None, **kwargs):
        super().__init__(data or None, **kwargs)
        self.today = timezone.localdate()

    def value_of(self, name):
        if not self.is_bound:
            return None
        self.is_valid()
        return self.cleaned_data.get(name)

    @property
    def on_date(self):
        return self.value_of("on") or self.today


class ChangesForm(NetworkDateForm):
    """What moved after one date, up to the end of another."""

    since = PastDateField(
        label="Moved since",
        what="The date moves are counted from",
        help_text="Moves dated after the end of this day. Empty for a quarter before.",
    )
    field_order = ["since", "on"]

    def clean(self):
        cleaned = super().clean()
        since, on = cleaned.get("since"), cleaned.get("on") or self.today
        if since and since >= on:
            self.add_error("since", "The date moves are counted from must be before the date")
        return cleaned

    @property
    def since_date(self):
        return self.value_of("since") or self.on_date - timedelta(days=SINCE_DAYS)
