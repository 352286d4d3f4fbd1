"""An empty POST to every form of the product, sent with a valid CSRF token by a person who may
use the form, answers 422, saves nothing, and says at each field it needs what to give, in
words that name the field. Every URL that takes a POST is either a form here or listed with the
reason it asks for nothing, so a new form cannot ship answering "This field is required."."""

import re

import pytest
from django.apps import apps
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import NON_FIELD_ERRORS
from django.test import Client
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.html import escape
from django.utils.http import urlsafe_base64_encode

from tests.innovate.test_access_matrix import (  # noqa: F401
    kwargs_for,
    network,
    team,
    url_names,
    world,
)

HIDDEN = "Open the page again and send the form from there: part of it was missing."
TITLE = {"title": "Enter the title"}
START = {
    "stage": "Choose the stage it is at",
    "effective_on": "Enter the date it reached this stage",
}
MEASURE = {
    "name": "Enter the name",
    "stage": "Choose the stage it measures success at",
    "scale": "Choose whether readings are a number or a rated judgement",
    "direction": "Choose which way is better",
}
SESSION = {
    **TITLE,
    "held_on": "Enter the date",
    "facilitator": "Choose who will facilitate.",
    "parts": "Choose at least one part to reflect on.",
}
ATTACH = {"file": "Choose a file to attach."}

NOTIFICATION_CHOICES = {
    kind: f"Choose how often to receive {label}."
    for kind, label in (
        ("review", "reviews due"),
        ("pause", "pauses to revisit"),
        ("action", "actions due or overdue"),
        ("session", "your sessions tomorrow"),
        ("decision", "decisions waiting to be applied"),
        ("guest", "guests' access ending"),
        ("digest", "the weekly digest"),
        ("invitation", "session invitations"),
    )
}

# url name: (who posts, the form's name in the page's context, {field: the message at it}).
# None posts signed out: the page is public.
FORMS = {
    "login": (
        None,
        "form",
        {"username": "Enter your username or email address", "password": "Enter your password"},
    ),
    "accounts:work-account": (None, "work_form", {"email": "Enter your work email address"}),
    "accounts:two-step": ("leader", "form", {"code": "Enter the code"}),
    "switch-organisation": ("leader", None, {"organisation": "Choose one of your organisations."}),
    "innovations:create": ("leader", "form", TITLE),
    "innovations:edit": ("leader", "form", TITLE),
    "innovations:close": (
        "leader",
        "form",
        {
            "outcome": "Choose how the innovation ended.",
            "learning": "Say what was learned before closing.",
        },
    ),
    "innovations:add-part": (
        "leader",
        "form",
        {"name": "Enter the name", "kind": "Choose the kind", **START},
    ),
    "innovations:add-parts": (
        "leader",
        "form",
        {"names": "Enter the names of the parts", "kind": "Choose the kind", **START},
    ),
    "parts:edit": ("leader", "form", {"name": "Enter the name", "kind": "Choose the kind"}),
    "innovations:withdraw": ("leader", "form", {"reason": "Enter the reason for withdrawing."}),
    "parts:withdraw": ("leader", "form", {"reason": "Enter the reason for withdrawing."}),
    "parts:move": (
        "leader",
        "form",
        {
            "kind": "Choose the decision",
            "effective_on": "Enter the date it took effect",
            "expected_version": HIDDEN,
        },
    ),
    "parts:void": (
        "leader",
        "form",
        {
            "reason": "Choose a reason for this void.",
            "rationale": "Say why, in your own words.",
            "expected_version": HIDDEN,
        },
    ),
    "evidence:measure-create": ("leader", "form", MEASURE),
    "evidence:measure-edit": ("leader", "form", MEASURE),
    "evidence:measure-copy": (
        "leader",
        "form",
        {"parts": "Choose at least one part to copy the measure to."},
    ),
    "evidence:reading-create": (
        "leader",
        "form",
        {"observed_on": "Enter the date observed", "value": "Give the value."},
    ),
    "evidence:reading-correct": (
        "leader",
        "form",
        {"observed_on": "Enter the date observed", "value": "Give the value."},
    ),
    "evidence:reading-withdraw": (
        "leader",
        "form",
        {"reason": "Say why the reading is withdrawn."},
    ),
    # The file is asked for by the page, not the field: a confirmed preview posts no file.
    "evidence:import": ("leader", "form", {"file": "Choose a CSV file of readings to upload."}),
    # The part is in Designing, whose key question the framework does not state: its check
    # page asks the stage's reflection prompts.
    "evidence:check": (
        "leader",
        "form",
        {
            "prompt_1": "Write about at least one of the prompts.",
            "answered_on": "Enter the date of the reflection",
        },
    ),
    "evidence:involvement": (
        "leader",
        "form",
        {
            "who": "Choose who took part.",
            "level": "Choose how they took part.",
            "note": "Say how they took part and what came of it.",
            "stage": "Choose the stage",
            "recorded_on": "Enter the date",
        },
    ),
    # An empty note clears a written one; a note never written is refused by the write path.
    "evidence:ethics": (
        "leader",
        "form",
        {"note": "Write the note: better for whom? What risks, whose power?"},
    ),
    # The write path names what is wrong with the file, in one place: here, none was chosen.
    "files:list": ("leader", "form", ATTACH),
    "files:move": ("leader", "form", ATTACH),
    "files:reading": ("leader", "form", ATTACH),
    "files:check": ("leader", "form", ATTACH),
    "files:session": ("leader", "form", ATTACH),
    "files:withdraw": ("leader", "form", {"reason": "Say why the file is withdrawn."}),
    "sessions:plan": ("facilitator", "form", SESSION),
    "sessions:edit": ("facilitator", "form", SESSION),
    "sessions:add-attendee": (
        "facilitator",
        "attendee_form",
        {"name_or_role": "Give their role.", "level": "Choose the level they work at."},
    ),
    "sessions:add-action": (
        "facilitator",
        "action_form",
        {"text": "Say what is to be done.", "owner": "Choose who will do it."},
    ),
    "sessions:add-note": ("facilitator", "note_form", {"text": "Write the note."}),
    # In Designing there is no key question to answer: the session takes notes on the prompts.
    "sessions:answer-check": (
        "facilitator",
        "check_form",
        {
            NON_FIELD_ERRORS: "The framework states no key question for Designing: record what "
            "is said about its reflection prompts as notes."
        },
    ),
    "sessions:decide": (
        "facilitator",
        "decision_form",
        {"kind": "Choose what the session decided."},
    ),
    "people:invite": (
        "manager",
        "form",
        {"email": "Enter the email address of the person to invite", "role": "Choose a role"},
    ),
    "people:invite-guest": (
        "manager",
        "form",
        {
            "email": "Enter the email address of the guest",
            "innovations": "Choose at least one innovation to share.",
            "role": "Choose viewer or contributor",
            "until": "Enter the last day of their access",
        },
    ),
    "people:role": ("manager", "form", {"role": "Choose a role"}),
    "people:accept": (
        None,
        "form",
        {
            "username": "Choose a username",
            "first_name": "Enter your first name",
            "last_name": "Enter your last name",
            "password": "Choose a password",
            "password_again": "Enter the password again",
        },
    ),
    "networks:create": (
        "platform_admin",
        "form",
        {
            "name": "Enter the network's name",
            "owner": "Choose the organisation that owns the network",
        },
    ),
    "networks:invite": ("manager", "form", {"organisation": "Choose an organisation to invite"}),
    "networks:invite-observer": (
        "manager",
        "form",
        {"email": "Enter the email address of the person to invite"},
    ),
    "networks:publish": (
        "manager",
        "form",
        {
            "innovation": "Choose the innovation the model comes from",
            "name": "Enter the model's name",
            "core": "Name at least one core component: what must stay the same",
        },
    ),
    "networks:sharing": (
        "manager",
        "form",
        {"network_{network}": "Choose what Family Safeguarding spread may see"},
    ),
    "networks:adopt": ("manager", "form", {"model": "Choose the model this innovation adopts"}),
    "networks:add-component": (
        "member_manager",
        "form",
        {
            "kind": "Choose whether it is a core component or an adaptable element",
            "name": "Enter the component's name",
        },
    ),
    "networks:observe": (
        None,
        "form",
        {
            "username": "Choose a username",
            "first_name": "Enter your first name",
            "last_name": "Enter your last name",
            "password": "Choose a password",
            "password_again": "Enter the password again",
        },
    ),
    "notifications:preferences": ("leader", "form", NOTIFICATION_CHOICES),
    "notifications:organisation": ("manager", "form", NOTIFICATION_CHOICES),
    "sessions:invite": (
        "facilitator",
        "form",
        {
            "people": "Choose at least one person to invite.",
            "level": "Choose the level they work at.",
        },
    ),
    "people:password-reset": (None, "form", {"email": "Enter your email address"}),
    "tokens:create": (
        "manager",
        "form",
        {"name": "Enter a name for the token", "expires_on": "Enter the date the token expires"},
    ),
    "people:password-reset-confirm": (
        None,
        "form",
        {"new_password1": "Choose a new password", "new_password2": "Enter the new password again"},
    ),
}

# URLs that take a POST but ask for nothing: the POST itself is the whole answer.
NOT_FORMS = {
    "notifications:unsubscribe": "a confirmation page reached from an email: the POST is the "
    "confirmation (tests/notifications checks its tokens)",
    "networks:accept": "a button: accepting the invitation asks for nothing more",
    "networks:decline": "a button: declining the invitation asks for nothing more",
    "networks:withdraw-invitation": "a button: withdrawing the invitation asks for nothing more",
    "networks:leave": "a confirmation page: the POST is the confirmation",
    "networks:end-observer": "a button: ending an observer's access asks for nothing more",
    "networks:summary": "buttons: each names the change to the public summary it asks for; "
    "any other is refused (tests/networks checks each state and verb)",
    "networks:end-adoption": "a confirmation page: the POST is the confirmation",
    "networks:withdraw-model": "a confirmation page: the POST is the confirmation",
    "networks:adoption": "every field may be left empty: a component not answered keeps what "
    "was recorded (tests/innovate/networks checks an adapted one needs how and why)",
    "keepalive": "keeps the session open",
    "logout": "signs out",
    "innovations:reopen": "a confirmation page: a part left unticked stays stopped",
    "evidence:reading-restore": "a button: restoring a withdrawn reading asks for nothing more",
    "innovations:restore": "a button: restoring asks for nothing more",
    "parts:restore": "a button: restoring asks for nothing more",
    "innovations:team": "every field may be left empty: no lead, no contributors, not "
    "restricted (tests/innovate/innovations/test_team.py)",
    "innovations:remove-place": "a button: taking someone off the team asks for nothing more",
    "sessions:remove-attendee": "a button: removing asks for nothing more",
    "sessions:remove-note": "a button: removing asks for nothing more",
    "sessions:complete-action": "a button: marking an action done asks for nothing more",
    "sessions:reopen-action": "a button: reopening an action asks for nothing more",
    "sessions:apply": "a button: applying the decisions asks for nothing more",
    "people:resend": "a button: sending the invitation again asks for nothing more",
    "people:revoke": "a button: withdrawing the invitation asks for nothing more",
    "tokens:revoke": "a button: revoking an API token asks for nothing more",
    "api:api-root": "the API's root address answers nothing of its own, whatever the method",
    "people:deactivate": "a confirmation page: the POST is the confirmation",
    "people:reactivate": "a confirmation page: the POST is the confirmation",
    "mfa_authenticate": "the second step of signing in: without a first step, back to sign in",
    "openid_connect_callback": "a provider's answer: without a sign-in under way, refused",
    "accounts:recovery-codes": "without two-step sign-in set up, sends the person to set it up "
    "(tests/innovate/accounts asks it for a code)",
    "accounts:turn-off-two-step": "without two-step sign-in set up, sends the person to set it "
    "up (tests/innovate/accounts asks it for a code)",
    "accounts:organisation-settings": "every field may be left empty: two-step not required, "
    "no provider (tests/innovate/accounts names each field's problem)",
}

COUNTED_APPS = ["stages", "assessments", "attachments", "apitokens", "auth"]


def row_counts():
    """The rows of every table of the domain and of the accounts, history tables included."""
    return {
        model._meta.label: model._default_manager.count()
        for label in COUNTED_APPS
        for model in apps.get_app_config(label).get_models()
    }


def test_every_url_that_takes_a_post_is_a_form_here_or_says_why_not(world, network):  # noqa: F811
    """An empty POST signed out is answered 405 by a view that takes no POST, before it asks
    anyone to sign in."""
    takes_post = set()
    client = Client()
    for name in url_names():
        response = client.post(reverse(name, kwargs=kwargs_for(name, world)), {})
        if response.status_code != 405:
            takes_post.add(name)
    listed = set(FORMS) | set(NOT_FORMS)
    assert sorted(takes_post - listed) == [], "takes a POST but is not listed here"
    assert sorted(listed - takes_post) == [], "listed here but takes no POST"
    assert not set(FORMS) & set(NOT_FORMS)


def _reset_page(client, user):
    """The page a password reset link opens: the link's token is kept in the session and the
    browser is sent on to the page's own address."""
    link = reverse(
        "people:password-reset-confirm",
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
            "token": default_token_generator.make_token(user),
        },
    )
    return client.get(link)["Location"]


def _messages_at(html, element_id):
    """The texts of the error messages the page shows in the element of this id."""
    return [
        re.sub(r"<[^>]+>", "", text).replace("Error:", "").strip()
        for text in re.findall(rf'<p[^>]*id="{element_id}"[^>]*>(.*?)</p>', html, re.S)
    ]


def _summary(html):
    return " ".join(re.findall(r'govuk-error-summary__list"[^>]*>(.*?)</ul>', html, re.S))


@pytest.mark.parametrize("name", sorted(FORMS))
def test_an_empty_post_names_every_field_it_needs(
    name,
    world,  # noqa: F811
    viewer,
    leader,
    facilitator,
    manager,
    network,  # noqa: F811
):
    persona, form_name, expected = FORMS[name]
    expected = {field.format(**world): message for field, message in expected.items()}
    users = {"viewer": viewer, "leader": leader, "facilitator": facilitator, "manager": manager}
    users.update(network)
    client = Client(enforce_csrf_checks=True)
    if name == "people:password-reset-confirm":
        url = _reset_page(client, leader)
    else:
        url = reverse(name, kwargs=kwargs_for(name, world))
    if persona is not None:
        client.force_login(users[persona])
    client.get(reverse("framework"))
    token = client.cookies["csrftoken"].value
    before = row_counts()

    response = client.post(url, {"csrfmiddlewaretoken": token})

    assert response.status_code == 422, response.status_code
    assert row_counts() == before
    html = response.content.decode()
    assert "This field is required." not in html
    if form_name is None:
        # A page without a Django form: its one field's message is written in its template.
        for field, message in expected.items():
            assert _messages_at(html, f"{field}-error") == [escape(message)]
        return
    form = response.context[form_name]
    assert {field: list(errors) for field, errors in form.errors.items()} == {
        field: [message] for field, message in expected.items()
    }
    required = {field for field, f in form.fields.items() if f.required}
    assert required <= set(expected), "a required field without its message in this table"
    summary = _summary(html)
    for field, message in expected.items():
        assert escape(message) in summary, (field, message)
        if field == NON_FIELD_ERRORS:
            continue
        bound = form[field]
        if not bound.is_hidden:
            assert _messages_at(html, f"{bound.auto_id}_error") == [escape(message)], field


def _post_as(user, url, data):
    client = Client(enforce_csrf_checks=True)
    if user is not None:
        client.force_login(user)
    client.get(reverse("framework"))
    return client.post(url, {**data, "csrfmiddlewaretoken": client.cookies["csrftoken"].value})


def test_a_partial_post_names_only_the_fields_still_missing(world, leader):  # noqa: F811
    before = row_counts()

    response = _post_as(
        leader, reverse("parts:move", args=[world["part"]]), {"kind": "advance", "rationale": ""}
    )

    assert response.status_code == 422
    assert row_counts() == before
    assert response.context["form"].errors == {
        "effective_on": ["Enter the date it took effect"],
        "expected_version": [HIDDEN],
    }
    html = response.content.decode()
    assert _messages_at(html, "id_effective_on_error") == ["Enter the date it took effect"]
    assert _messages_at(html, "id_kind_error") == []


def test_signing_in_without_a_password_asks_for_the_password_alone(leader):
    response = _post_as(None, reverse("login"), {"username": "leader"})

    assert response.status_code == 422
    html = response.content.decode()
    assert _messages_at(html, "id_password_error") == ["Enter your password"]
    assert _messages_at(html, "id_username_error") == []
    assert 'value="leader"' in html
