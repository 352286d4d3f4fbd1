"""The form to create an API token. The rules (a name, an expiry within a year) live in
apitokens.services and reach the form as a ValidationError (GovukForm.refuse)."""

from django import forms

from innovate.forms import DateInputField, GovukForm


class TokenForm(GovukForm):
    name = forms.CharField(
        label="Name",
        max_length=100,
        help_text="What the token is for, so that you know it again: “Power BI board pack”.",
        error_messages={"required": "Enter a name for the token"},
    )
    expires_on = DateInputField(
        label="Expires on",
        what="The expiry date",
        help_text="The token stops working at the end of this day: at most a year from today.",
        error_messages={"required": "Enter the date the token expires"},
    )
    reads_restricted = forms.BooleanField(
        label="It may also read restricted innovations",
        required=False,
        help_text="Without this, the token reads only the innovations every member may see.",
    )
