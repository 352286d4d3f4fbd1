"""Forms of the People pages, the invitation link and the password reset. They check the shape
of the input; the rules about people live in stages.people and reach a form as a
ValidationError (GovukForm.refuse)."""

import threading

from django import forms
from django.contrib.auth.forms import PasswordResetForm, SetPasswordForm
from django.db import connections

from innovate.forms import DateInputField, GovukForm, NoNulCharField
from stages.models import Role, TeamRole
from stages.people import INVITATION_DAYS

ROLE_HINTS = {
    Role.VIEWER: "reads everything in the organisation: pages, dashboards and exports",
    Role.LEADER: "and also edits innovations and parts, moves parts, records readings and checks",
    Role.FACILITATOR: "and also runs reflection sessions",
    Role.MANAGER: "and also manages the organisation's people",
}

PASSWORD_HINT = (
    "At least 10 characters. Not a common password, not only numbers and not like your name "
    "or username. A few unrelated words make a good one."
)


def role_choices():
    return [(role.value, f"{role.label}: {ROLE_HINTS[role]}") for role in Role]


class InviteForm(GovukForm):
    email = forms.EmailField(
        label="Email address",
        max_length=254,
        help_text=f"The invitation goes to this address. Its link works once and expires after "
        f"{INVITATION_DAYS} days.",
        error_messages={
            "required": "Enter the email address of the person to invite",
            "invalid": "Enter an email address in the right format, like name@example.org",
        },
    )
    role = forms.ChoiceField(
        label="Their role",
        widget=forms.RadioSelect,
        choices=role_choices,
        error_messages={"required": "Choose a role", "invalid_choice": "Choose a role"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["email"].widget.attrs.update({"autocomplete": "email", "spellcheck": "false"})


class RoleForm(GovukForm):
    role = forms.ChoiceField(
        label="Their role",
        widget=forms.RadioSelect,
        choices=role_choices,
        error_messages={"required": "Choose a role", "invalid_choice": "Choose a role"},
    )


class AcceptForm(GovukForm):
    username = NoNulCharField(
        label="Username",
        max_length=150,
        help_text="You sign in with it. The letters a to z, numbers and @ . + - _ only.",
        error_messages={"required": "Choose a username"},
    )
    first_name = NoNulCharField(
        label="First name", max_length=150, error_messages={"required": "Enter your first name"}
    )
    last_name = NoNulCharField(
        label="Last name", max_length=150, error_messages={"required": "Enter your last name"}
    )
    password = forms.CharField(
        label="Password",
        strip=False,
        max_length=4096,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=PASSWORD_HINT,
        error_messages={"required": "Choose a password"},
    )
    password_again = forms.CharField(
        label="Confirm the password",
        strip=False,
        max_length=4096,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        error_messages={"required": "Enter the password again"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["username"].widget.attrs.update(
            {"autocomplete": "username", "spellcheck": "false"}
        )
        self.fields["first_name"].widget.attrs["autocomplete"] = "given-name"
        self.fields["last_name"].widget.attrs["autocomplete"] = "family-name"

    def clean(self):
        data = super().clean()
        if (
            data.get("password")
            and data.get("password_again")
            and data["password"] != data["password_again"]
        ):
            self.add_error("password_again", "The two passwords do not match")
        return data


class GovukPasswordResetForm(GovukForm, PasswordResetForm):
    email = forms.EmailField(
        label="Email address",
        max_length=254,
        help_text="The address your account uses. We send a link to set a new password.",
        widget=forms.EmailInput(attrs={"autocomplete": "email", "spellcheck": "false"}),
        error_messages={
            "required": "Enter your email address",
            "invalid": "Enter an email address in the right format, like name@example.org",
        },
    )

    accounts = None

    def get_users(self, email):
        if self.accounts is not None:
            return self.accounts
        return super().get_users(email)

    def save(self, *, request, **options):
        """Find the accounts using the address here (one query, whether or not there are any),
        then build and send their links in a thread of their own. The request answers alike for
        an address with an account and one without, and never waits for the mail server.
        Returns the thread."""
        self.accounts = list(super().get_users(self.cleaned_data["email"]))
        options["domain_override"] = request.get_host()
        thread = threading.Thread(
            target=self._send, kwargs=options, name="password-reset-email", daemon=False
        )
        thread.start()
        return thread

    def _send(self, **options):
        try:
            PasswordResetForm.save(self, **options)
        finally:
            connections.close_all()


class GovukSetPasswordForm(GovukForm, SetPasswordForm):
    new_password1 = forms.CharField(
        label="New password",
        strip=False,
        max_length=4096,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=PASSWORD_HINT,
        error_messages={"required": "Choose a new password"},
    )
    new_password2 = forms.CharField(
        label="Confirm the new password",
        strip=False,
        max_length=4096,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        error_messages={"required": "Enter the new password again"},
    )


class GuestForm(GovukForm):
    """A guest from a partner agency: the innovations shared with them, their place on them
    and the last day of their access. The rules live in stages.teams.check_guest_terms."""

    email = forms.EmailField(
        label="Email address",
        max_length=254,
        help_text=f"The invitation goes to this address. Its link works once and expires after "
        f"{INVITATION_DAYS} days.",
        error_messages={
            "required": "Enter the email address of the guest",
            "invalid": "Enter an email address in the right format, like name@example.org",
        },
    )
    innovations = forms.ModelMultipleChoiceField(
        label="Innovations to share",
        queryset=None,
        widget=forms.CheckboxSelectMultiple,
        help_text="The guest sees these and nothing else of the organisation.",
        error_messages={"required": "Choose at least one innovation to share."},
    )
    role = forms.ChoiceField(
        label="What they may do",
        widget=forms.RadioSelect,
        choices=[
            (TeamRole.VIEWER.value, "Viewer: reads the innovations shared"),
            (
                TeamRole.CONTRIBUTOR.value,
                "Contributor: also moves their parts, records evidence and runs their sessions",
            ),
        ],
        error_messages={
            "required": "Choose viewer or contributor",
            "invalid_choice": "Choose viewer or contributor",
        },
    )
    until = DateInputField(
        label="Last day of their access",
        help_text="They lose access at the end of this day.",
        error_messages={"required": "Enter the last day of their access"},
    )

    def __init__(self, *args, innovations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["email"].widget.attrs.update({"autocomplete": "email", "spellcheck": "false"})
        self.fields["innovations"].queryset = innovations
        self.fields["innovations"].label_from_instance = lambda i: i.title
