"""Forms of signing in with a work account, two-step sign-in and the organisation's sign-in
settings. They check the shape of the input; the rules live in signins.services and reach a
form as a ValidationError (GovukForm.refuse); allauth checks the codes."""

from allauth.mfa.base.forms import AuthenticateForm
from allauth.mfa.internal.flows.add import validate_can_add_authenticator
from allauth.mfa.totp.internal.auth import validate_totp_code
from django import forms
from django.core.exceptions import ValidationError

from innovate.forms import GovukForm

WRONG_CODE = (
    "That code is not right. Enter the 6-digit code your authenticator app shows now, or one of "
    "your recovery codes"
)


class WorkAccountForm(GovukForm):
    email = forms.EmailField(
        label="Work email address",
        max_length=254,
        help_text="We send you to your organisation's own sign-in page.",
        error_messages={
            "required": "Enter your work email address",
            "invalid": "Enter an email address in the right format, like name@example.org",
        },
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("prefix", "work")
        super().__init__(*args, **kwargs)
        self.fields["email"].widget.attrs.update({"autocomplete": "email", "spellcheck": "false"})


def _code_field(label):
    return forms.CharField(
        label=label,
        max_length=64,
        error_messages={"required": "Enter the code"},
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "spellcheck": "false", "inputmode": "text"}
        ),
    )


class TwoStepCodeForm(AuthenticateForm, GovukForm):
    """A code from the authenticator app, or a recovery code (each recovery code works once)."""

    code = _code_field("Code from your authenticator app, or a recovery code")

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, user=user, **kwargs)

    def clean_code(self):
        try:
            return super().clean_code()
        except ValidationError:
            raise ValidationError(WRONG_CODE) from None


class ActivateForm(GovukForm):
    """The first code from a newly added authenticator app, proving it holds `secret`."""

    code = _code_field("Code from your authenticator app")

    def __init__(self, *args, user=None, secret="", **kwargs):
        self.user, self.secret = user, secret
        super().__init__(*args, **kwargs)

    def clean_code(self):
        validate_can_add_authenticator(self.user)
        code = self.cleaned_data["code"]
        if not validate_totp_code(self.secret, code):
            raise ValidationError(
                "That code is not right. Enter the 6-digit code your authenticator app shows now"
            )
        return code


class CurrentCodeForm(TwoStepCodeForm):
    """Asks for a current code before turning two-step sign-in off or making new recovery codes:
    a session left open is not enough."""

    def save(self):
        """Only checks the code: the person is already signed in."""


class SignInSettingsForm(GovukForm):
    require_two_step = forms.BooleanField(
        label="Require two-step sign-in of everyone who signs in with a password",
        required=False,
    )
    server_url = forms.CharField(
        label="Server URL (issuer)",
        required=False,
        max_length=500,
        help_text="For Microsoft Entra ID: https://login.microsoftonline.com/your-tenant-id/v2.0",
    )
    client_id = forms.CharField(
        label="Client ID",
        required=False,
        max_length=255,
        help_text="The application (client) ID your provider gave Innovate.",
    )
    client_secret = forms.CharField(
        label="Client secret",
        required=False,
        max_length=500,
        strip=True,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "off"}),
        help_text="It is kept and never shown again. Leave it blank to keep the one saved.",
    )
    allowed_domains = forms.CharField(
        label="Email domains whose people may join",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="One a line, like northshire.gov.uk. Someone with a verified email at one of "
        "them joins as a viewer the first time they sign in. Leave it empty to let in only "
        "the people a manager invites.",
    )
