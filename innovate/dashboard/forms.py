"""The query-string forms of the dashboards: an "as of" date on every page, the portfolio's
filters, the months of the flow chart and the two dates to compare. A value that does not
validate is shown with its message and the page falls back to the default for that field."""

import datetime

from django import forms
from django.http import QueryDict
from django.utils import timezone

from innovate.forms import GovukForm, PastDateField, StageField
from stages.models import State

STATUS_CHOICES = [("open", "Open"), ("closed", "Closed"), ("all", "Open and closed")]
MONTH_CHOICES = [(6, "6 months"), (12, "12 months"), (24, "2 years"), (36, "3 years")]


class DashboardForm(GovukForm):
    """Every dashboard page is read as of a date: the end of that day; today when empty."""

    as_of = PastDateField(
        label="As of",
        what="The as-of date",
        help_text="See the organisation as it stood at the end of a past day. Empty for today.",
    )
    status = forms.ChoiceField(
        label="Innovations", choices=STATUS_CHOICES, required=False, initial="open"
    )

    defaults = {"status": "open"}

    def __init__(self, data=None, **kwargs):
        super().__init__(data or None, **kwargs)
        self.today = timezone.localdate()

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


SINCE_CHOICES = [
    ("session", "The last session"),
    ("month", "A month before"),
    ("quarter", "A quarter before"),
    ("date", "A date"),
]


class PortfolioForm(DashboardForm):
    """The portfolio's filters, and the point from which its summary counts what moved. The
    two controls of that point sit in the summary, outside the filters' markup, and belong
    to the same form through their `form` attribute."""

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
    since = forms.ChoiceField(
        label="What moved since", choices=SINCE_CHOICES, required=False, initial="month"
    )
    since_date = PastDateField(label="A date")

    defaults = {"status": "open", "since": "month"}
    summary_fields = ("since", "since_date")

    def __init__(self, data=None, *, members=(), **kwargs):
        super().__init__(data, **kwargs)
        self.fields["lead"].choices = [
            ("", "Anyone"),
            *((m.pk, m.get_full_name() or m.get_username()) for m in members),
        ]
        self.fields["tag"].widget.attrs["class"] = "govuk-input govuk-input--width-20"
        for name in self.summary_fields:
            self.fields[name].widget.attrs["form"] = "filters"

    def clean_tag(self):
        return (self.cleaned_data["tag"] or "").strip().lower()

    def clean(self):
        data = super().clean()
        since, chosen = data.get("since"), data.get("since_date")
        if chosen and not since:
            data["since"] = since = "date"
        if since == "date" and "since_date" not in self.errors:
            as_of = data.get("as_of") or self.today
            if chosen is None:
                self.add_error("since_date", "Enter the date to count the moves from.")
            elif chosen >= as_of:
                self.add_error(
                    "since_date", "The date to count the moves from must be before the as-of date."
                )
        return data

    def since_point(self):
        """("date", the date), or the choice ("session", "month", "quarter"): "month"
        unless another valid choice."""
        since = self.value_of("since")
        if since == "date":
            chosen = self.value_of("since_date")
            if chosen is None or "since_date" in self.errors:
                return "month"
            return ("date", chosen)
        return since

    @property
    def filters_set(self):
        """Whether a filter or a past date is chosen, or one was refused: the filters are
        shown open then."""
        if not self.is_bound:
            return False
        refused = set(self.errors) - set(self.summary_fields)
        return bool(refused or self.query(drop=("page", *self.summary_fields)))


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
    """The board report: open innovations unless closed ones are asked for, and what changed
    since the previous report (three months before the as-of date unless another is given)."""

    since = PastDateField(
        label="Previous report",
        help_text="The summary lists what changed after this day. Empty for 3 months earlier.",
    )

    def clean(self):
        data = super().clean()
        since, as_of = data.get("since"), data.get("as_of") or self.today
        if since and since >= as_of:
            self.add_error("since", "The previous report's date must be before the as-of date.")
        return data

    @property
    def since_date(self):
        """The previous report's date: as given, else three months before the as-of date."""
        given = self.value_of("since")
        if given is not None:
            return given
        return months_before(self.as_of_date, 3)


def months_before(day, months):
    """The same day `months` calendar months earlier, the month's last day where it is
    shorter (31 May less 3 months is 28 or 29 February)."""
    month = day.month - months
    year = day.year + (month - 1) // 12
    month = (month - 1) % 12 + 1
    for last in (31, 30, 29, 28):
        try:
            return datetime.date(year, month, min(day.day, last))
        except ValueError:
            continue
    raise ValueError(day)


class MovesForm(DashboardForm):
    """The moves log up to the as-of date, after another date where one is given."""

    after = PastDateField(label="After the end of", what="The first date", help_text="Optional.")

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
        # Fields named as Python keywords cannot be declared on the class.
        self.fields["from"] = PastDateField(
            label="From the end of",
            what="The first date",
            help_text="Moves after this day are listed. Empty for 90 days before the second date.",
        )
        self.fields["to"] = PastDateField(
            label="To the end of", what="The second date", help_text="Empty for today."
        )
        self.fields["status"] = forms.ChoiceField(
            label="Innovations", choices=STATUS_CHOICES, required=False, initial="open"
        )

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
