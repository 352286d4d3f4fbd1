from django import forms

from innovate.forms import GovukForm
from notifications.models import CHOICES, Kind

HELP = {
    Kind.REVIEW: "When a review of a part you lead falls due.",
    Kind.PAUSE: "When the date to revisit a paused part you lead comes.",
    Kind.ACTION: "When a session's action you own falls due, or is overdue.",
    Kind.SESSION: "The day before a session you facilitate or attend, with its agenda.",
    Kind.DECISION: "Session decisions waiting to be applied, for their facilitators.",
    Kind.GUEST: "Managers: a week before a guest's access ends.",
    Kind.DIGEST: "Managers: what moved, what needs attention and measures that changed.",
    Kind.INVITATION: "An invitation with a calendar file when you are invited to a session.",
}


class ChoicesForm(GovukForm):
    """How often to receive each kind of email."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for kind, choices in CHOICES.items():
            self.fields[kind.value] = forms.ChoiceField(
                label=kind.label,
                choices=[(choice.value, choice.label) for choice in choices],
                widget=forms.RadioSelect,
                help_text=HELP[kind],
                error_messages={
                    "required": f"Choose how often to receive {kind.label.lower()}.",
                    "invalid_choice": f"Choose how often to receive {kind.label.lower()}.",
                },
            )
