"""Sharing innovations with a guest from a partner agency: the invitation names the
innovations, the guest's place and the last day; the guest who accepts sees those and nothing
else of the organisation, and is marked as a guest."""

import re
from datetime import timedelta
from html import unescape

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from stages.models import Innovation, Invitation, Membership, TeamMember
from tests.factories import InnovationFactory

pytestmark = pytest.mark.django_db

GOOD = "kestrel-harbour-lantern"


def share(client, innovations, **fields):
    data = {
        "email": "kate.morgan@police.example",
        "innovations": [i.pk for i in innovations],
        "role": "contributor",
        "until": (timezone.localdate() + timedelta(days=90)).isoformat(),
        **fields,
    }
    return client.post(reverse("people:invite-guest"), data)


def test_a_manager_shares_an_innovation_and_the_guest_sees_only_it(
    client, manager, organisation, innovation
):
    other = InnovationFactory(organisation=organisation, title="Edge of care hub")
    client.force_login(manager)
    response = share(client, [innovation])
    assert response.status_code == 303
    assert response["Location"] == reverse("innovations:team", args=[innovation.pk])
    invitation = Invitation.objects.get()
    assert (invitation.guest_role, list(invitation.guest_innovations.all())) == (
        "contributor",
        [innovation],
    )
    (email,) = mail.outbox
    assert "as a guest" in email.body and "only the innovations shared with you" in email.body
    token = re.search(r"/invitations/([^/\s]+)/", email.body).group(1)

    client.logout()
    accepted = client.post(
        reverse("people:accept", args=[token]),
        {
            "username": "kate",
            "first_name": "Kate",
            "last_name": "Morgan",
            "password": GOOD,
            "password_again": GOOD,
        },
    )
    assert accepted.status_code == 303
    membership = Membership.objects.get(user__username="kate")
    assert membership.is_guest and membership.role == "viewer"
    (place,) = TeamMember.objects.filter(user__username="kate")
    assert (place.innovation, place.role) == (innovation, "contributor")
    assert place.until == timezone.localdate() + timedelta(days=90)

    listing = unescape(client.get(reverse("innovations:list")).content.decode())
    assert "You have joined Northshire County Council as a guest." in listing
    assert innovation.title in listing and other.title not in listing
    assert "Kate Morgan</a>, guest at Northshire County Council</p>" in listing
    assert client.get(reverse("people:list")).status_code == 403

    client.force_login(manager)
    people_page = client.get(reverse("people:list")).content.decode()
    assert "Kate Morgan (guest)" in people_page


def test_sharing_with_bad_input_names_each_field_and_saves_nothing(client, manager, innovation):
    client.force_login(manager)
    response = share(
        client,
        [],
        email="not an address",
        role="owner",
        until=timezone.localdate().isoformat(),
    )
    assert response.status_code == 422
    page = unescape(response.content.decode())
    assert "Enter an email address in the right format" in page
    assert "Choose at least one innovation to share." in page
    assert "Choose viewer or contributor" in page
    assert 'value="not an address"' in page
    assert not Invitation.objects.exists()

    response = share(client, [innovation], until=timezone.localdate().isoformat())
    assert response.status_code == 422
    assert "The last day of their access must be after today." in unescape(
        response.content.decode()
    )
    assert not Invitation.objects.exists()


def test_a_member_is_not_invited_as_a_guest(client, manager, viewer, innovation):
    client.force_login(manager)
    response = share(client, [innovation], email=viewer.email)
    assert response.status_code == 422
    assert "add them to the innovation's team instead" in unescape(response.content.decode())


def test_an_innovations_lead_shares_only_what_they_lead(
    client, leader, viewer, organisation, innovation
):
    Innovation.objects.filter(pk=innovation.pk).update(lead=leader)
    other = InnovationFactory(organisation=organisation, title="Not theirs")
    client.force_login(leader)
    page = client.get(reverse("people:invite-guest")).content.decode()
    assert innovation.title in page and other.title not in page
    response = share(client, [other])
    assert response.status_code == 422
    assert not Invitation.objects.exists()
    client.force_login(viewer)
    assert client.get(reverse("people:invite-guest")).status_code == 403


def test_a_guests_name_is_marked_wherever_it_appears(client, manager, leader, innovation):
    from stages import people
    from tests.factories import make_part

    part = make_part(innovation, by=leader, name="North team")
    until = timezone.localdate() + timedelta(days=30)
    _invitation, token = people.invite_guest(
        innovation.organisation,
        by=manager,
        email="kate.morgan@police.example",
        role="contributor",
        until=until,
        innovations=[innovation],
    )
    guest = people.accept_invitation(
        token, username="kate", first_name="Kate", last_name="Morgan", password=GOOD
    )
    client.force_login(guest)
    moved = client.post(
        reverse("parts:move", args=[part.pk]),
        {
            "kind": "advance",
            "effective_on": timezone.localdate().isoformat(),
            "rationale": "Agreed with the police.",
            "expected_version": 1,
        },
    )
    assert moved.status_code == 303

    client.force_login(manager)
    history = client.get(reverse("innovations:history", args=[innovation.pk]))
    assert "Kate Morgan (guest)" in history.content.decode()
    export = client.get(reverse("dashboard:export-moves"))
    assert "Kate Morgan (guest)" in b"".join(export.streaming_content).decode()
    team = client.get(reverse("innovations:team", args=[innovation.pk])).content.decode()
    assert "Kate Morgan (guest)" in team and "Kate Morgan (guest) (guest)" not in team
