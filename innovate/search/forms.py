from django import forms

from search.models import Kind

MAX_QUERY = 200


class SearchForm(forms.Form):
    q = forms.CharField(
        label="Search",
        required=False,
        max_length=MAX_QUERY,
        error_messages={
            "max_length": f"Enter at most {MAX_QUERY} characters to search for (you entered "
            "%(show_value)d)",
        },
    )
    kind = forms.ChoiceField(
        label="Show",
        choices=[("", "Everything"), *Kind.choices],
        required=False,
        error_messages={"invalid_choice": "Choose what to show from the list"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["q"].widget.attrs.update(
            {"class": "govuk-input", "type": "search", "spellcheck": "false"}
        )
        self.fields["kind"].widget.attrs["class"] = "govuk-select"
