"""A person in two organisations who switches in another tab: a form shown for one organisation
never saves into the other. Forms that act on the current organisation carry the one they were
shown for and are refused (409, input kept) when it changed; forms that act on an object take
the organisation from the object."""

import re

import pytest
from django.core import mail
from django.urls import reverse

from assessments.models import Attendee
from innovate.access import SESSION_KEY
from stages.models import Innovation, Invitation, Role
from tests.factories import InnovationFactory, MembershipFactory
from tests.innovate.sessions_helpers import planned, two_parts

FIELD = "shown_for_organisation"


@pytest.fixture
def two_hats(manager, other_organisation):
    """The manager at Northshire is a manager at Southdale too."""
    MembershipFactory(user=manager, organisation=other_organisation, role=Role.MANAGER)
    return manager


def shown_for(html):
    return int(re.search(rf'name="{FIELD}" value="(\d+)"', html).group(1))


def switch(client, organisation):
    response = client.post(reverse("switch-organisation"), {"organisation": organisation.pk})
    assert response.status_code == 303


def test_a_new_innovation_shown_for_one_organisation_is_not_saved_into_the_other(
    client_for, two_hats, organisation, other_organisation
):
    client = client_for(two_hats)
    url = reverse("innovations:create")
    form = client.get(url).content.decode()
    assert shown_for(form) == organisation.pk
    switch(client, other_organisation)
    before = Innovation.objects.count()

    response = client.post(url, {"title": "Kinship carers circle", FIELD: organisation.pk})

    assert response.status_code == 409
    html = response.content.decode()
    assert (
        "This form was shown for Northshire County Council, but you have since switched to "
        "Southdale Children&#x27;s Trust in another tab or window. Nothing has been saved."
    ) in html
    assert 'value="Kinship carers circle"' in html
    assert Innovation.objects.count() == before
    assert shown_for(html) == other_organisation.pk

    again = client.post(url, {"title": "Kinship carers circle", FIELD: shown_for(html)})
    assert again.status_code == 303
    assert Innovation.objects.get(title="Kinship carers circle").organisation == other_organisation


def test_an_invitation_shown_for_one_organisation_is_not_sent_for_the_other(
    client_for, two_hats, organisation, other_organisation
):
    client = client_for(two_hats)
    url = reverse("people:invite")
    assert shown_for(client.get(url).content.decode()) == organisation.pk
    switch(client, other_organisation)

    response = client.post(
        url, {"email": "sam@example.org", "role": Role.VIEWER, FIELD: organisation.pk}
    )

    assert response.status_code == 409
    html = response.content.decode()
    assert "This form was shown for Northshire County Council" in html
    assert 'value="sam@example.org"' in html
    assert not Invitation.objects.exists()
    assert mail.outbox == []


def test_an_organisation_the_person_is_not_in_is_not_named(
    client_for, leader, organisation, other_organisation
):
    response = client_for(leader).post(
        reverse("innovations:create"), {"title": "Anything", FIELD: other_organisation.pk}
    )
    assert response.status_code == 409
    html = response.content.decode()
    assert "This form was shown for another organisation" in html
    assert "Southdale" not in html
    assert not Innovation.objects.filter(title="Anything").exists()


def test_a_form_that_agrees_with_the_current_organisation_is_saved(
    client_for, leader, organisation
):
    response = client_for(leader).post(
        reverse("innovations:create"), {"title": "Anything", FIELD: organisation.pk}
    )
    assert response.status_code == 303
    assert Innovation.objects.get(title="Anything").organisation == organisation


def test_a_form_on_an_object_saves_into_the_object_s_organisation_and_switches_to_it(
    client_for, two_hats, organisation, other_organisation, facilitator, leader
):
    innovation = InnovationFactory(organisation=organisation, title="Family group conferencing")
    session = planned(innovation, facilitator, list(two_parts(innovation, leader)))
    client = client_for(two_hats)
    switch(client, other_organisation)

    response = client.post(
        reverse("sessions:add-attendee", args=[session.pk]),
        {"name_or_role": "Team manager", "level": "operational"},
    )

    assert response.status_code == 303
    assert Attendee.objects.get().organisation == organisation
    assert client.session[SESSION_KEY] == organisation.pk
