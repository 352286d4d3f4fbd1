"""Withdrawing an innovation or a part created by mistake from its pages, the managers' page of
what is withdrawn, and restoring: who may, what each person sees, and what is left out."""

import datetime
import re

import pytest
from django.urls import reverse

from stages import services
from stages.models import Innovation, Part
from tests.factories import InnovationFactory, make_part
from tests.innovate.helpers import error_at, row_counts

D = datetime.date


def text(response):
    return response.content.decode()


def words(response):
    return " ".join(re.sub(r"<[^>]+>", " ", text(response)).split()).replace(" :", ":")


@pytest.fixture
def south(innovation, leader):
    return make_part(innovation, by=leader, name="South team", on=D(2024, 1, 1))


def withdraw(client, name, pk, reason="Created by mistake."):
    return client.post(reverse(f"{name}:withdraw", args=[pk]), {"reason": reason})


def test_the_innovation_page_offers_to_withdraw_to_a_leader_only(
    client_for, viewer, leader, innovation, part
):
    url = reverse("innovations:withdraw", args=[innovation.pk])
    part_url = reverse("parts:withdraw", args=[part.pk])
    page = text(client_for(leader).get(innovation.get_absolute_url()))
    assert url in page and part_url in page
    page = text(client_for(viewer).get(innovation.get_absolute_url()))
    assert url not in page and part_url not in page


def test_withdrawing_asks_for_a_reason_and_confirmation(client_for, leader, innovation):
    client = client_for(leader)
    page = client.get(reverse("innovations:withdraw", args=[innovation.pk]))
    assert page.status_code == 200
    assert "Withdraw Family group conferencing" in text(page)
    assert "Reason for withdrawing" in text(page)
    before = row_counts()
    response = withdraw(client, "innovations", innovation.pk, reason="  ")
    error_at(response, "reason", "Enter the reason for withdrawing.")
    assert row_counts() == before
    assert Innovation.objects.filter(pk=innovation.pk).exists()


def test_a_withdrawn_innovation_leaves_the_list_and_its_pages_answer_404(
    client_for, viewer, leader, facilitator, innovation, part
):
    kept = InnovationFactory(organisation=innovation.organisation, title="Kinship support")
    make_part(kept, by=leader, name="Kinship team")
    response = withdraw(client_for(leader), "innovations", innovation.pk)
    assert response.status_code == 303
    assert response["Location"] == reverse("innovations:list")

    for user in (viewer, leader, facilitator):
        client = client_for(user)
        listed = text(client.get(reverse("innovations:list")))
        assert "Kinship support" in listed and "Family group conferencing" not in listed
        assert "1 innovation" in listed
        searched = client.get(reverse("innovations:list"), {"q": "family", "stage": "1"})
        assert "No innovations match" in text(searched)
        assert client.get(innovation.get_absolute_url()).status_code == 404
        assert client.get(reverse("parts:edit", args=[part.pk])).status_code == 404
        for name in ("timeline", "history", "edit", "add-part"):
            url = reverse(f"innovations:{name}", args=[innovation.pk])
            assert client.get(url).status_code == 404, name
    assert Innovation.all_objects.get(pk=innovation.pk).withdrawn_reason == "Created by mistake."


def test_a_manager_sees_who_withdrew_it_when_and_why_and_may_restore_it(
    client_for, leader, manager, innovation, part
):
    leader.first_name, leader.last_name = "Lee", "Leader"
    leader.save()
    withdraw(client_for(leader), "innovations", innovation.pk, reason="Entered twice.")
    client = client_for(manager)
    page = client.get(innovation.get_absolute_url())
    assert page.status_code == 200
    today = f"{Innovation.all_objects.get(pk=innovation.pk).withdrawn_at:%-d %B %Y}"
    assert f"Withdrawn on {today} by Lee Leader: Entered twice." in " ".join(text(page).split())
    restore = reverse("innovations:restore", args=[innovation.pk])
    assert f'action="{restore}"' in text(page)
    # A part of a withdrawn innovation: the innovation's withdrawal, and its restoring.
    part_page = client.get(reverse("parts:move", args=[part.pk]))
    assert part_page.status_code == 200
    assert "Its innovation, Family group conferencing, was withdrawn" in text(part_page)
    assert f'action="{restore}"' in text(part_page)

    listed = text(client.get(reverse("innovations:list")))
    assert reverse("innovations:withdrawn") in listed
    withdrawn = text(client.get(reverse("innovations:withdrawn")))
    assert "Family group conferencing" in withdrawn and "Entered twice." in withdrawn
    assert "Lee Leader" in withdrawn

    response = client.post(restore)
    assert response.status_code == 303
    assert response["Location"] == innovation.get_absolute_url()
    assert "North team" in text(client_for(leader).get(innovation.get_absolute_url()))
    reasons = [
        h.history_change_reason
        for h in Innovation.history.filter(id=innovation.pk).order_by("history_id")
    ]
    assert reasons[-2] == "Withdrawn: Entered twice."
    assert reasons[-1].startswith("Restored")
    assert "No innovation is withdrawn." in text(client.get(reverse("innovations:withdrawn")))


def test_a_viewer_may_not_withdraw(client_for, viewer, innovation, part):
    client = client_for(viewer)
    assert withdraw(client, "innovations", innovation.pk).status_code == 403
    assert withdraw(client, "parts", part.pk).status_code == 403
    assert not Innovation.all_objects.get(pk=innovation.pk).is_withdrawn
    assert not Part.all_objects.get(pk=part.pk).is_withdrawn


def test_only_a_manager_restores_or_sees_the_withdrawn_page(
    client_for, viewer, leader, facilitator, manager, innovation, part
):
    services.withdraw_part(part, by=leader, reason="Mistake.")
    for user in (viewer, leader, facilitator):
        client = client_for(user)
        assert client.get(reverse("innovations:withdrawn")).status_code == 403
        assert client.post(reverse("parts:restore", args=[part.pk])).status_code == 403
        assert "Withdrawn innovations and parts" not in text(
            client.get(reverse("innovations:list"))
        )
    assert Part.all_objects.get(pk=part.pk).is_withdrawn
    client_for(manager).post(reverse("parts:restore", args=[part.pk]))
    assert not Part.all_objects.get(pk=part.pk).is_withdrawn


def test_another_organisations_ids_are_404(client_for, outsider, leader, innovation, part):
    client = client_for(outsider)
    assert withdraw(client, "innovations", innovation.pk).status_code == 404
    assert withdraw(client, "parts", part.pk).status_code == 404
    services.withdraw_innovation(innovation, by=leader, reason="Mistake.")
    assert client.post(reverse("innovations:restore", args=[innovation.pk])).status_code == 404
    assert client.post(reverse("parts:restore", args=[part.pk])).status_code == 404
    assert client.get(innovation.get_absolute_url()).status_code == 404
    assert "Family group conferencing" not in text(client.get(reverse("innovations:withdrawn")))
    assert Innovation.all_objects.get(pk=innovation.pk).is_withdrawn


def test_a_withdrawn_part_leaves_the_innovation_page_and_the_forms_that_offer_parts(
    client_for, leader, facilitator, manager, innovation, part, south
):
    client = client_for(leader)
    response = withdraw(client, "parts", part.pk, reason="Duplicate of South team.")
    assert response.status_code == 303
    assert response["Location"] == innovation.get_absolute_url()

    assert "North team is withdrawn." in text(client.get(innovation.get_absolute_url()))
    page = text(client.get(innovation.get_absolute_url()))
    assert "South team" in page and "North team" not in page
    move_form = text(client.get(reverse("parts:move", args=[south.pk])))
    assert "South team" in move_form and "North team" not in move_form
    plan = text(client_for(facilitator).get(reverse("sessions:plan", args=[innovation.pk])))
    assert "South team" in plan and "North team" not in plan
    listed = text(client.get(reverse("innovations:list")))
    assert "Mobilising: 1 active" in listed
    for name in ("edit", "move", "void", "withdraw"):
        assert client.get(reverse(f"parts:{name}", args=[part.pk])).status_code == 404, name

    notice = client_for(manager).get(reverse("parts:edit", args=[part.pk]))
    assert notice.status_code == 200
    assert "Duplicate of South team." in text(notice)
    assert f'action="{reverse("parts:restore", args=[part.pk])}"' in text(notice)
    # A form sent to a part withdrawn meanwhile says so, and saves nothing.
    sent = client_for(manager).post(reverse("parts:edit", args=[part.pk]), {"name": "North"})
    assert sent.status_code == 409
    assert Part.all_objects.get(pk=part.pk).name == "North team"


def test_a_withdrawn_parts_name_may_be_given_to_a_new_part(
    client_for, leader, manager, innovation, part
):
    client = client_for(leader)
    withdraw(client, "parts", part.pk)
    response = client.post(
        reverse("innovations:add-part", args=[innovation.pk]),
        {"name": "North team", "kind": "team", "stage": "1", "effective_on": "2024-03-01"},
    )
    assert response.status_code == 303
    assert Part.objects.get(innovation=innovation, name="North team").pk != part.pk
    # Restoring the old one would give two parts one name: it is refused, and says why.
    response = client_for(manager).post(reverse("parts:restore", args=[part.pk]), follow=True)
    assert "Another part of this innovation is called North team" in text(response)
    assert Part.all_objects.get(pk=part.pk).is_withdrawn


def test_a_withdrawn_innovations_title_may_be_used_again(client_for, leader, innovation):
    client = client_for(leader)
    withdraw(client, "innovations", innovation.pk)
    response = client.post(reverse("innovations:create"), {"title": innovation.title})
    assert response.status_code == 303
    assert Innovation.objects.get(title=innovation.title).pk != innovation.pk


def test_the_history_keeps_the_withdrawal_and_the_restoring(
    client_for, viewer, leader, manager, innovation, part
):
    services.withdraw_part(part, by=leader, reason="Duplicate.")
    history = reverse("innovations:history", args=[innovation.pk])
    page = words(client_for(viewer).get(history))
    assert "Part withdrawn: North team (Withdrawn: Duplicate.)" in page
    services.restore_part(Part.all_objects.get(pk=part.pk), by=manager)
    page = words(client_for(viewer).get(history))
    assert "Part restored: North team" in page
