"""The query-string forms of the dashboards: an "as of" date on every page, the portfolio's
filters, the months of the flow chart and the two dates to compare. A value that does not
validate is shown with its message and the page falls back to the default for that field."""

import datetime

from django import forms
from django.http import QueryDict
from django.utils import timezone

from innovate.forms import GovukForm, PastDateField, StageField
from stages.dates import EARLIEST
from stages.models import State

STATUS_CHOICES = [("open", "Open"), ("closed", "Closed"), ("all", "Open and closed")]
MONTH_CHOICES = [(6, "6 months"), (12, "12 months"), (24, "2 years"), (36, "3 years")]


class DashboardForm(GovukForm):
    """Every dashboard page is read as of a date: the end of that day; today when empty."""

    as_of = PastDateField(
        label="As of",
        help_text="See the organisation as it stood at the end of a past day. Empty for today.",
    )
    status = forms.ChoiceField(
        label="Innovations", choices=STATUS_CHOICES, required=False, initial="open"
    )

    defaults = {"status": "open"}

    def __init__(self, data=None, **kwargs):
        super().__init__(data or None, **kwargs)
        self.today = timezone.localdate()
        widget = self.fields["as_of"].widget
        widget.attrs.update({"min": EARLIEST.isoformat(), "max": self.today.isoformat()})

    def value_of(self, name):
        """The field's valid value, else its default (the as-of date defaults to today)."""
        default = self.today if name == "as_of" else self.defaults.get(name)
        if not self.is_bound:
            return default
        self.is_valid()
        value = self.cleaned_data.get(name)
        return default if value in (None, "") else value

    @property
    def as_of_date(self):
        return self.value_of("as_of")

    def query(self, *, drop=("page",)):
        """The query string of the valid values, for links that keep them."""
        out = QueryDict(mutable=True)
        if self.is_bound:
            self.is_valid()
            for name in self.fields:
                value = self.cleaned_data.get(name)
                if name in drop or value in (None, "", False):
                    continue
                if name == "as_of" and value == self.today:
                    continue
                out[name] = "on" if value is True else str(value)
        return out.urlencode()


class PortfolioForm(DashboardForm):
    stage = StageField(blank="Any stage")
    state = forms.ChoiceField(choices=[("", "Any state"), *State.choices], required=False)
    tag = forms.CharField(required=False, max_length=80)
    lead = forms.TypedChoiceField(
        label="Lead",
        help_text="Of the part, or of its innovation.",
        coerce=int,
        required=False,
        empty_value=None,
        choices=(),
    )
    stuck = forms.BooleanField(label="Only parts that look stuck", required=False)
    status = forms.ChoiceField(label="Open or closed", choices=STATUS_CHOICES, required=False)

    defaults = {"status": "open"}

    def __init__(self, data=None, *, members=(), **kwargs):
        super().__init__(data, **kwargs)
        self.fields["lead"].choices = [
            ("", "Anyone"),
            *((m.pk, m.get_full_name() or m.get_username()) for m in members),
        ]
        self.fields["tag"].widget.attrs["class"] = "govuk-input govuk-input--width-20"

    def clean_tag(self):
        return (self.cleaned_data["tag"] or "").strip().lower()


class FlowForm(DashboardForm):
    months = forms.TypedChoiceField(
        label="Over",
        choices=MONTH_CHOICES,
        coerce=int,
        required=False,
        empty_value=None,
        initial=12,
    )

    defaults = {"months": 12, "status": "open"}


class ReportForm(DashboardForm):
    """The board report: open innovations unless closed ones are asked for."""


class MovesForm(DashboardForm):
    """The moves log up to the as-of date, after another date where one is given."""

    after = PastDateField(label="After the end of", help_text="Optional.")

    def clean(self):
        data = super().clean()
        after, as_of = data.get("after"), data.get("as_of") or self.today
        if after and after >= as_of:
            self.add_error("after", "The first date must be before the second.")
        return data


class CompareForm(GovukForm):
    """Two dates: what moved after the first, up to and including the second."""

    def __init__(self, data=None, **kwargs):
        super().__init__(data or None, **kwargs)
        self.today = timezone.localdate()
        bounds = {"min": EARLIEST.isoformat(), "max": self.today.isoformat()}
        # Fields named as Python keywords cannot be declared on the class.
        self.fields["from"] = PastDateField(
            label="From the end of",
            help_text="Moves after this day are listed. Empty for 90 days before the second date.",
        )
        self.fields["to"] = PastDateField(label="To the end of", help_text="Empty for today.")
        self.fields["status"] = forms.ChoiceField(
            label="Innovations", choices=STATUS_CHOICES, required=False, initial="open"
        )
        for name in ("from", "to"):
            self.fields[name].widget.attrs.update(bounds)

    def clean(self):
        data = super().clean()
        first, second = data.get("from"), data.get("to")
        if first and second and first >= second:
            self.add_error("from", "The first date must be before the second.")
        return data

    def status(self):
        """Which innovations' parts are counted: open ones unless another valid choice."""
        if not self.is_bound:
            return "open"
        self.is_valid()
        return self.cleaned_data.get("status") or "open"

    def dates(self):
        """(from, to): the valid dates, else today and 90 days before the second date."""
        first = second = None
        if self.is_bound:
            self.is_valid()
            first, second = self.cleaned_data.get("from"), self.cleaned_data.get("to")
        second = second or self.today
        if first is None or first >= second:
            first = second - datetime.timedelta(days=90)
        return first, second
