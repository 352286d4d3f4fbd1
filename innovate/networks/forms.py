"""The forms of the network's pages."""

from datetime import timedelta

from django.utils import timezone

from innovate.forms import GovukForm, PastDateField

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
