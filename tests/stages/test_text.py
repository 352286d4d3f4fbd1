"""Text people type: usernames in one plain alphabet that cannot pass for someone else's, and
names without the bidirectional controls that make text display differently from what it says.
Usernames are chosen on the invitation page (stages.people.accept_invitation)."""

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError

from stages import people
from stages.models import Role
from stages.text import is_plain_username, normalise_username, skeleton, strip_bidi
from tests.factories import MembershipFactory, UserFactory

User = get_user_model()
BIDI = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c"


def test_every_bidirectional_control_is_stripped():
    assert strip_bidi(f"Sam{BIDI} Carter") == "Sam Carter"
    assert strip_bidi("Zoë Ångström, مريم") == "Zoë Ångström, مريم"


def test_a_username_is_normalised_to_its_plain_form():
    assert normalise_username(" ｌｅａｄｅｒ\u202e ") == "leader"
    assert normalise_username("sam\u200f.carter") == "sam.carter"


@pytest.mark.parametrize(
    ("username", "plain"),
    [
        ("sam.carter", True),
        ("sam_carter+work@example.org", True),
        ("sam-99", True),
        ("lеader", False),  # a Cyrillic е
        ("ѕam", False),  # a Cyrillic ѕ
        ("sam carter", False),
        ("sam\u202ecarter", False),
        ("", False),
    ],
)
def test_a_username_is_letters_a_to_z_digits_and_a_few_marks(username, plain):
    assert is_plain_username(username) is plain


@pytest.mark.parametrize("look_alike", ["LEADER", "1eader", "Ieader", "leader", "ieader"])
def test_look_alike_usernames_share_a_skeleton(look_alike):
    assert skeleton(look_alike) == skeleton("leader")


def test_different_names_keep_different_skeletons():
    assert skeleton("rnanager") == skeleton("manager")
    assert skeleton("reader") != skeleton("leader")


@pytest.fixture
def token(organisation):
    manager = MembershipFactory(
        organisation=organisation,
        role=Role.MANAGER,
        user=UserFactory(username="manager", first_name="Tom", last_name="Okafor"),
    ).user
    UserFactory(username="leader", first_name="Priya", last_name="Shah")
    _invitation, token = people.invite(
        organisation, by=manager, email="sam.carter@example.org", role=Role.LEADER
    )
    return token


def accept(token, **fields):
    values = {
        "username": "sam",
        "first_name": "Sam",
        "last_name": "Carter",
        "password": "kestrel-harbour-lantern",
    }
    return people.accept_invitation(token, **{**values, **fields})


@pytest.mark.parametrize(
    ("username", "message"),
    [
        ("lеader", "A username can have the letters a to z, numbers"),  # a Cyrillic е
        ("1eader", "That username is taken, or looks too like one that is."),
        ("LEADER", "That username is taken, or looks too like one that is."),
        ("ｌｅａｄｅｒ", "That username is taken, or looks too like one that is."),
        ("rnanager", "That username is taken, or looks too like one that is."),
        ("sam\u202e", None),
    ],
)
def test_a_username_that_could_pass_for_another_is_refused(token, username, message):
    users = User.objects.count()
    if message is None:
        assert accept(token, username=username).username == "sam"
        return
    with pytest.raises(ValidationError) as refused:
        accept(token, username=username)
    assert list(refused.value.message_dict) == ["username"]
    assert refused.value.message_dict["username"][0].startswith(message)
    assert User.objects.count() == users


def test_a_full_width_username_is_kept_in_its_plain_form(token):
    assert accept(token, username="ｓａｍ").username == "sam"


def test_names_are_kept_without_bidirectional_controls(token):
    user = accept(token, first_name=f"Sa{BIDI}m", last_name="\u202eCarter\u202c")
    user.refresh_from_db()
    assert (user.first_name, user.last_name) == ("Sam", "Carter")


def test_a_name_of_bidirectional_controls_alone_is_refused(token):
    with pytest.raises(ValidationError) as refused:
        accept(token, first_name="\u202e\u202c")
    assert refused.value.message_dict == {"first_name": ["Enter your first name."]}
