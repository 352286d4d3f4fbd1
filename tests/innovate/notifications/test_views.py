from datetime import date, timedelta

import pytest
import time_machine
from django.core import mail
from django.urls import reverse

from innovate.access import visible_innovations
from notifications import sending, services, tokens
from notifications.models import Delivery, DeliveryStatus, OrganisationDefault, Preference
from stages import clock
from tests.factories import MembershipFactory, UserFactory, make_part

EVERY_DAILY = {
    "review": "daily",
    "pause": "weekly",
    "action": "daily",
    "session": "daily",
    "decision": "off",
    "guest": "daily",
    "digest": "weekly",
    "invitation": "daily",
}


@pytest.fixture(autouse=True)
def _locmem(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.NOTIFY_RETRY_SECONDS = 0


def test_a_person_saves_their_choices(client, viewer):
    client.force_login(viewer)
    response = client.post(reverse("notifications:preferences"), EVERY_DAILY)
    assert response.status_code == 303
    saved = dict(Preference.objects.filter(user=viewer).values_list("kind", "frequency"))
    assert saved["pause"] == "weekly"
    assert saved["decision"] == "off"
    page = client.get(reverse("notifications:preferences"))
    assert 'value="weekly" checked' in page.content.decode().replace("\n", " ") or (
        page.context["form"].initial["pause"] == "weekly"
    )


def test_a_choice_the_kind_does_not_offer_is_refused_and_nothing_saved(client, viewer):
    client.force_login(viewer)
    response = client.post(
        reverse("notifications:preferences"), {**EVERY_DAILY, "session": "weekly"}
    )
    assert response.status_code == 422
    body = response.content.decode()
    assert "Choose how often to receive your sessions tomorrow." in body
    assert Preference.objects.count() == 0


def test_the_organisations_default_applies_until_a_person_chooses(
    client, manager, viewer, organisation
):
    client.force_login(manager)
    response = client.post(
        reverse("notifications:organisation"), {**EVERY_DAILY, "review": "weekly"}
    )
    assert response.status_code == 303
    assert OrganisationDefault.objects.get(kind="review").frequency == "weekly"
    assert services.frequencies(viewer, organisation)["review"] == "weekly"
    services.set_preferences(viewer, {"review": "off"}, by=viewer)
    assert services.frequencies(viewer, organisation)["review"] == "off"


def test_the_email_has_both_parts_and_a_one_click_unsubscribe(innovation, leader):
    today = clock.localdate()
    make_part(innovation, by=leader, lead=leader, next_review_on=today)
    assert sending.send_reminders(today, seen=visible_innovations) == 1
    (message,) = mail.outbox
    html = message.alternatives[0][0]
    assert "North team of Family group conferencing (Mobilising): review due on" in html
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    link = message.extra_headers["List-Unsubscribe"].strip("<>")
    assert link in message.body
    assert link.startswith("http://127.0.0.1:8000/unsubscribe/") or "/unsubscribe/" in link


def test_nothing_is_sent_when_nothing_is_due(innovation, leader):
    make_part(innovation, by=leader, lead=leader, next_review_on=None)
    assert sending.send_reminders(clock.localdate(), seen=visible_innovations) == 0
    assert mail.outbox == []
    assert Delivery.objects.count() == 0


class Broken:
    """A mail server that refuses every message."""

    tries = 0

    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        Broken.tries += 1
        raise ConnectionRefusedError("The mail server refused the connection")


def test_a_failed_send_is_retried_then_recorded_and_shown_to_managers(
    settings, client, innovation, leader, manager, viewer
):
    settings.EMAIL_BACKEND = "tests.innovate.notifications.test_views.Broken"
    Broken.tries = 0
    make_part(innovation, by=leader, lead=leader, next_review_on=clock.localdate())
    assert sending.send_reminders(seen=visible_innovations) == 0
    assert Broken.tries == settings.NOTIFY_SEND_TRIES == 3
    (delivery,) = Delivery.objects.all()
    assert (delivery.status, delivery.attempts) == (DeliveryStatus.FAILED, 3)
    client.force_login(manager)
    page = client.get(reverse("notifications:failed")).content.decode()
    assert "The mail server refused the connection" in page
    assert "North team of Family group conferencing" in page
    # A re-run does not try the same item again on the same day.
    assert sending.send_reminders(seen=visible_innovations) == 0
    assert Broken.tries == 3


@pytest.mark.parametrize("rows", [2, 20])
def test_the_failed_page_counts_the_same_queries(
    rows, client, django_assert_num_queries, organisation, manager
):
    for n in range(rows):
        Delivery.objects.create(
            user=UserFactory(),
            organisation=organisation,
            kind="review",
            item=f"part:{n}",
            day=date(2026, 1, 5),
            subject=f"Item {n}",
            status=DeliveryStatus.FAILED,
            attempts=3,
            error="Refused",
        )
    client.force_login(manager)
    client.get(reverse("notifications:failed"))
    with django_assert_num_queries(5):
        response = client.get(reverse("notifications:failed"))
    body = response.content.decode()
    for n in range(rows):
        assert f"Item {n}<" in body


# --- The unsubscribe link: valid, altered, expired and another person's -----------------


def test_a_valid_link_asks_then_unsubscribes_without_signing_in(client, viewer):
    token = tokens.make(viewer, ["review", "action"])
    url = reverse("notifications:unsubscribe", args=[token])
    page = client.get(url)
    assert page.status_code == 200
    assert "Actions due or overdue" in page.content.decode()
    assert Preference.objects.count() == 0
    done = client.post(url, {"List-Unsubscribe": "One-Click"})
    assert done.status_code == 200
    assert "Unsubscribed" in done.content.decode()
    assert dict(Preference.objects.filter(user=viewer).values_list("kind", "frequency")) == {
        "review": "off",
        "action": "off",
    }


def test_an_altered_link_changes_nothing(client, viewer, leader):
    token = tokens.make(viewer, ["review"])
    value, _, rest = token.partition(":")
    forged = f"{leader.pk}:{rest}"
    for bad in [forged, token[:-2] + "xx", "nonsense", "a" * 5000]:
        response = client.post(reverse("notifications:unsubscribe", args=[bad]))
        assert response.status_code == 404
        assert "This link is not valid." in response.content.decode()
    assert Preference.objects.count() == 0


def test_an_expired_link_changes_nothing(client, viewer):
    with time_machine.travel(clock.now() - timedelta(days=tokens.VALID_DAYS + 1)):
        token = tokens.make(viewer, ["review"])
    response = client.post(reverse("notifications:unsubscribe", args=[token]))
    assert response.status_code == 404
    assert "This link has expired." in response.content.decode()
    assert Preference.objects.count() == 0


def test_another_persons_link_unsubscribes_only_them(client, organisation, viewer, leader):
    client.force_login(leader)
    token = tokens.make(viewer, ["review"])
    client.post(reverse("notifications:unsubscribe", args=[token]))
    assert list(Preference.objects.values_list("user", "kind", "frequency")) == [
        (viewer.pk, "review", "off")
    ]
    assert services.frequencies(leader, organisation)["review"] == "daily"


def test_a_guest_whose_access_ended_receives_nothing(innovation, leader, manager):
    from stages import teams
    from stages.models import Role

    guest = MembershipFactory(
        organisation=innovation.organisation, role=Role.VIEWER, is_guest=True
    ).user
    teams.place_guest(
        guest,
        by=manager,
        innovations=[innovation],
        role="contributor",
        until=clock.localdate() - timedelta(days=1),
    )
    make_part(innovation, by=leader, lead=guest, next_review_on=clock.localdate())
    sending.send_reminders(seen=visible_innovations)
    assert [m for m in mail.outbox if m.to == [guest.email]] == []


@pytest.mark.parametrize("chosen", [0, 8])
def test_the_choice_pages_count_the_same_queries(
    chosen, client, django_assert_num_queries, manager, organisation
):
    kinds = list(EVERY_DAILY)[:chosen]
    services.set_preferences(manager, {k: EVERY_DAILY[k] for k in kinds}, by=manager)
    services.set_organisation_defaults(organisation, {k: "off" for k in kinds[:4]}, by=manager)
    client.force_login(manager)
    client.get(reverse("notifications:preferences"))
    with django_assert_num_queries(5):
        page = client.get(reverse("notifications:preferences"))
    assert "Reviews due" in page.content.decode()
    with django_assert_num_queries(4):
        page = client.get(reverse("notifications:organisation"))
    assert "Email defaults" in page.content.decode()


def test_items_a_stopped_worker_left_unsent_are_recorded_as_failed(organisation, leader):
    claimed = Delivery.objects.create(
        user=leader,
        organisation=organisation,
        kind="review",
        item="part:1",
        day=date(2026, 1, 5),
        subject="North team",
        created_at=clock.now() - timedelta(hours=2),
    )
    recent = Delivery.objects.create(
        user=leader,
        organisation=organisation,
        kind="review",
        item="part:2",
        day=date(2026, 1, 5),
        subject="South team",
    )
    sending.send_reminders(seen=visible_innovations)
    claimed.refresh_from_db()
    recent.refresh_from_db()
    assert (claimed.status, claimed.error) == (
        DeliveryStatus.FAILED,
        "The worker stopped before this email was sent.",
    )
    assert recent.status == DeliveryStatus.SENDING
