"""The networks' management pages: each persona's journey through them, bad input answered
422 with nothing saved, and the innovation page's sharing line."""

import pytest
from django.core import mail
from django.urls import reverse

from networks import services
from networks.models import (
    Adoption,
    ComponentKind,
    Fidelity,
    Network,
    NetworkMember,
    Observer,
    PlatformAdministrator,
    SharedModel,
    ShareLevel,
    Sharing,
)
from tests.factories import InnovationFactory, OrganisationFactory, UserFactory
from tests.networks.world import make_world


@pytest.fixture
def world(organisation, manager):
    return make_world(organisation, manager)


def as_(client, user):
    client.force_login(user)
    return client


def test_a_platform_administrator_creates_a_network(client, world):
    owner = OrganisationFactory(name="Hertfordshire County Council", slug="herts")
    admin = as_(client, world.people["platform_admin"])
    assert admin.get(reverse("networks:create")).status_code == 200
    response = admin.post(
        reverse("networks:create"),
        {"name": "Family Valued", "description": "Leeds's model", "owner": owner.pk},
    )
    assert response.status_code == 303
    network = Network.objects.get(name="Family Valued")
    assert network.members.get().organisation == owner


def test_creating_a_network_with_bad_input_saves_nothing(client, world):
    admin = as_(client, world.people["platform_admin"])
    response = admin.post(reverse("networks:create"), {"name": " ", "owner": "999999"})
    assert response.status_code == 422
    text = response.content.decode()
    assert "Enter the network&#x27;s name" in text
    assert "Choose the organisation that owns the network" in text
    assert Network.objects.count() == 1


def test_only_a_platform_administrator_may_create_a_network(client, world):
    response = as_(client, world.people["network_owner_manager"]).get(reverse("networks:create"))
    assert response.status_code == 403


def test_the_owners_manager_invites_and_the_invited_manager_accepts(client, world):
    third = OrganisationFactory(name="Northvale Council", slug="northvale")
    from stages.models import Role
    from tests.networks.world import member

    third_manager = member(third, Role.MANAGER, "northvale-manager")
    owner = as_(client, world.people["network_owner_manager"])
    page = owner.get(reverse("networks:members", args=[world.network.pk]))
    assert "Northvale Council" in page.content.decode()
    response = owner.post(
        reverse("networks:invite", args=[world.network.pk]), {"organisation": third.pk}
    )
    assert response.status_code == 303
    place = NetworkMember.objects.get(organisation=third)
    invited = as_(client, third_manager)
    listing = invited.get(reverse("networks:list")).content.decode()
    assert "Invitations to join" in listing and "Family Safeguarding spread" in listing
    response = invited.post(reverse("networks:accept", args=[place.pk]))
    assert response.status_code == 303
    place.refresh_from_db()
    assert place.is_current


def test_inviting_a_member_again_is_refused_at_the_field(client, world):
    owner = as_(client, world.people["network_owner_manager"])
    response = owner.post(
        reverse("networks:invite", args=[world.network.pk]), {"organisation": world.member.pk}
    )
    assert response.status_code == 422
    assert "Choose an organisation to invite" in response.content.decode()
    assert NetworkMember.objects.count() == 4


def test_a_member_manager_leaves_after_confirming_and_its_sharing_goes(client, world):
    innovation = InnovationFactory(organisation=world.member, title="Southdale hubs")
    services.set_sharing(
        innovation, world.network, ShareLevel.STAGES, by=world.people["member_manager"]
    )
    leaving = as_(client, world.people["member_manager"])
    url = reverse("networks:leave", args=[world.network.pk])
    assert "Everything Southdale" in leaving.get(url).content.decode()
    assert leaving.post(url).status_code == 303
    assert not NetworkMember.objects.current().filter(organisation=world.member).exists()
    assert Sharing.objects.get().level == ShareLevel.NOTHING


def test_the_owner_cannot_leave(client, world):
    response = as_(client, world.people["network_owner_manager"]).get(
        reverse("networks:leave", args=[world.network.pk])
    )
    assert response.status_code == 403


def test_sharing_is_chosen_per_network_and_shown_on_the_innovation_page(client, world):
    innovation = InnovationFactory(organisation=world.owner, title="Family Safeguarding")
    manager = as_(client, world.people["network_owner_manager"])
    url = reverse("networks:sharing", args=[innovation.pk])
    field = f"network_{world.network.pk}"
    assert manager.get(url).status_code == 200
    response = manager.post(url, {field: "statuses"})
    assert response.status_code == 303
    sharing = Sharing.objects.get()
    assert (sharing.level, sharing.set_by) == ("statuses", world.people["network_owner_manager"])
    page = manager.get(innovation.get_absolute_url()).content.decode()
    assert (
        "Shared with Family Safeguarding spread: stages and measures&#x27; statuses, since" in page
    )
    assert manager.post(url, {field: "nothing"}).status_code == 303
    page = manager.get(innovation.get_absolute_url()).content.decode()
    assert "Shared with Family Safeguarding spread" not in page


def test_a_forged_level_is_refused_and_nothing_saved(client, world):
    innovation = InnovationFactory(organisation=world.owner, title="Family Safeguarding")
    response = as_(client, world.people["network_owner_manager"]).post(
        reverse("networks:sharing", args=[innovation.pk]),
        {f"network_{world.network.pk}": "everything"},
    )
    assert response.status_code == 422
    assert "Choose what Family Safeguarding spread may see" in response.content.decode()
    assert not Sharing.objects.exists()


def test_a_leader_may_not_choose_what_networks_see(client, world):
    innovation = InnovationFactory(organisation=world.owner, title="Family Safeguarding")
    response = as_(client, world.people["owner_leader"]).get(
        reverse("networks:sharing", args=[innovation.pk])
    )
    assert response.status_code == 403


def test_publish_adopt_and_record_fidelity(client, world):
    source = InnovationFactory(organisation=world.owner, title="Family Safeguarding")
    owner = as_(client, world.people["network_owner_manager"])
    response = owner.post(
        reverse("networks:publish", args=[world.network.pk]),
        {
            "innovation": source.pk,
            "name": "Family Safeguarding",
            "summary": "Multi-disciplinary teams",
            "core": "Group supervision: weekly\nMotivational interviewing",
            "adaptable": "Team names",
        },
    )
    assert response.status_code == 303, response.content.decode()
    model = SharedModel.objects.get()
    assert [(c.kind, c.name, c.description) for c in model.components.order_by("position")] == [
        (ComponentKind.CORE, "Group supervision", "weekly"),
        (ComponentKind.CORE, "Motivational interviewing", ""),
        (ComponentKind.ADAPTABLE, "Team names", ""),
    ]
    theirs = InnovationFactory(organisation=world.member, title="Southdale safeguarding")
    adopter = as_(client, world.people["member_manager"])
    response = adopter.post(reverse("networks:adopt", args=[theirs.pk]), {"model": model.pk})
    assert response.status_code == 303
    adoption = Adoption.objects.get()
    core = model.components.get(name="Group supervision")
    url = reverse("networks:adoption", args=[adoption.pk])
    leader = as_(client, world.people["member_leader"])
    response = leader.post(url, {f"state_{core.pk}": "adapted", f"how_why_{core.pk}": ""})
    assert response.status_code == 422
    assert "Say how Group supervision was adapted, and why" in response.content.decode()
    assert not Fidelity.objects.exists()
    response = leader.post(
        url, {f"state_{core.pk}": "adapted", f"how_why_{core.pk}": "Fortnightly in rural teams"}
    )
    assert response.status_code == 303
    page = leader.get(url).content.decode()
    assert "Group supervision adapted (Fortnightly in rural teams)" in page


def test_publishing_without_a_core_component_says_so(client, world):
    source = InnovationFactory(organisation=world.owner, title="Family Safeguarding")
    response = as_(client, world.people["network_owner_manager"]).post(
        reverse("networks:publish", args=[world.network.pk]),
        {"innovation": source.pk, "name": "Family Safeguarding", "core": "  \n "},
    )
    assert response.status_code == 422
    assert "Name at least one core component" in response.content.decode()
    assert not SharedModel.objects.exists()


def test_an_observer_is_invited_by_email_accepts_and_lands_on_the_network(client, world):
    owner = as_(client, world.people["network_owner_manager"])
    response = owner.post(
        reverse("networks:invite-observer", args=[world.network.pk]),
        {"email": "minister@example.gov.uk", "name": "A. Minister"},
    )
    assert response.status_code == 303
    (sent,) = mail.outbox
    link = next(line for line in sent.body.splitlines() if "/observe/" in line)
    client.logout()
    path = link[link.index("/observe/") :]
    assert client.get(path).status_code == 200
    response = client.post(
        path,
        {
            "username": "minister",
            "first_name": "Ada",
            "last_name": "Minister",
            "password": "a-long-test-password-1",
            "password_again": "a-long-test-password-1",
        },
    )
    assert response.status_code == 303
    home = client.get(reverse("home"))
    assert home.status_code == 302
    landing = client.get(home["Location"])
    assert landing.status_code == 200
    assert "observer of Family Safeguarding spread" in landing.content.decode()
    # An organisation's pages are none of an observer's business.
    innovation = InnovationFactory(organisation=world.owner)
    assert client.get(innovation.get_absolute_url()).status_code == 404
    assert client.get(reverse("dashboard:portfolio")).status_code == 404


def test_inviting_a_member_as_an_observer_is_refused(client, world):
    response = as_(client, world.people["network_owner_manager"]).post(
        reverse("networks:invite-observer", args=[world.network.pk]),
        {"email": world.people["member_leader"].email},
    )
    assert response.status_code == 422
    assert "an observer belongs to none of its member organisations" in response.content.decode()
    assert Observer.objects.count() == 2


def test_ending_an_observers_access_is_immediate(client, world):
    observer = Observer.objects.get(user=world.people["observer"])
    as_(client, world.people["network_owner_manager"]).post(
        reverse("networks:end-observer", args=[world.network.pk, observer.pk])
    )
    client.force_login(world.people["observer"])
    assert client.get(reverse("networks:members", args=[world.network.pk])).status_code == 404


def test_the_summary_is_asked_for_approved_and_withdrawn(client, world):
    owner = as_(client, world.people["network_owner_manager"])
    url = reverse("networks:summary", args=[world.network.pk])
    assert owner.get(url).status_code == 200
    for verb, state in (("request", "awaiting"), ("approve", "live"), ("withdraw", "withdrawn")):
        assert owner.post(url, {"verb": verb}).status_code == 303
        assert Network.objects.get().summary_state == state
    assert owner.post(url, {"verb": "approve"}).status_code == 303
    assert Network.objects.get().summary_state == "withdrawn"


def test_the_platform_administrators_list_offers_to_create(client, world):
    page = as_(client, world.people["platform_admin"]).get(reverse("networks:list"))
    assert "Create a network" in page.content.decode()
    assert PlatformAdministrator.objects.count() == 1
    someone = UserFactory(username="someone")
    page = as_(client, someone).get(reverse("networks:list"))
    assert "Create a network" not in page.content.decode()


@pytest.fixture
def published(world):
    """Southdale (a member) publishes a model with one core component; Northshire (the
    network's owner) adopts it."""
    source = InnovationFactory(organisation=world.member, title="Southdale safeguarding")
    model = services.publish_model(
        world.network,
        source,
        by=world.people["member_manager"],
        name="Family Safeguarding",
        components=[(ComponentKind.CORE, "Group supervision", "Weekly")],
    )
    ours = InnovationFactory(organisation=world.owner, title="Northshire safeguarding")
    services.link_adoption(model, ours, by=world.people["network_owner_manager"])
    return model


def _model_urls(world, model):
    args = [world.network.pk, model.pk]
    return {
        "page": reverse("networks:model", args=args),
        "add": reverse("networks:add-component", args=args),
        "withdraw": reverse("networks:withdraw-model", args=args),
    }


def test_the_publishing_organisations_manager_adds_a_component_from_the_model_page(
    client, world, published
):
    urls = _model_urls(world, published)
    manager = as_(client, world.people["member_manager"])
    page = manager.get(urls["page"]).content.decode()
    assert f'action="{urls["add"]}"' in page
    assert f'href="{urls["withdraw"]}"' in page and "Withdraw this model" in page

    response = manager.post(
        urls["add"],
        {"kind": "adaptable", "name": "  Team   names ", "description": "To fit the local teams"},
    )
    assert response.status_code == 303
    assert response["Location"] == urls["page"]
    response = manager.post(urls["add"], {"kind": "core", "name": "Motivational interviewing"})
    assert response.status_code == 303
    assert [(c.kind, c.name, c.description, c.position) for c in published.components.all()] == [
        ("adaptable", "Team names", "To fit the local teams", 2),
        ("core", "Group supervision", "Weekly", 1),
        ("core", "Motivational interviewing", "", 3),
    ]
    page = manager.get(urls["page"]).content.decode()
    assert "Team names: To fit the local teams" in page
    assert "Motivational interviewing" in page
    # The new core component is one the adoption now answers "not yet" for.
    fidelity = manager.get(reverse("networks:fidelity", args=[world.network.pk]))
    assert "Motivational interviewing" in fidelity.content.decode()


@pytest.mark.parametrize(
    "posted, field, message",
    [
        ({"kind": "core", "name": "  "}, "name", "Enter the component&#x27;s name"),
        ({"kind": "", "name": "Team names"}, "kind", "Choose whether it is a core component"),
        ({"kind": "central", "name": "Team names"}, "kind", "Choose whether it is a core"),
        ({"kind": "core", "name": "x" * 201}, "name", "200 characters"),
        (
            {"kind": "adaptable", "name": "group SUPERVISION"},
            "name",
            "Family Safeguarding already has group SUPERVISION",
        ),
    ],
)
def test_adding_a_component_with_bad_input_names_the_field_and_saves_nothing(
    client, world, published, posted, field, message
):
    urls = _model_urls(world, published)
    response = as_(client, world.people["member_manager"]).post(urls["add"], posted)
    assert response.status_code == 422
    text = response.content.decode()
    assert message in text
    assert field in response.context["form"].errors
    assert "govuk-error-summary" in text
    assert published.components.count() == 1


# Who gets what on the model's management pages. Only the managers of the organisation that
# published the model (Southdale) may; the network's owner's manager is another
# organisation's manager.
MANAGING_A_MODEL = {
    "member_manager": (True, 200, 200),
    "member_leader": (False, 403, 403),
    "network_owner_manager": (False, 403, 403),
    "owner_leader": (False, 403, 403),
    "observer": (False, 403, 403),
    "platform_admin": (None, 403, 403),
    "invited_manager": (None, 403, 403),
    "member_guest": (None, 404, 404),
    "left_manager": (None, 404, 404),
    "ended_observer": (None, 404, 404),
}


@pytest.mark.parametrize("persona", MANAGING_A_MODEL)
def test_only_the_publishing_organisations_managers_may_add_components_or_withdraw(
    client, world, published, persona
):
    """(the model page offers the form and the withdrawal, the add page's answer to GET and
    POST, the withdrawal's answer to GET and POST); None where the model page is not theirs."""
    offers, add, withdraw = MANAGING_A_MODEL[persona]
    urls = _model_urls(world, published)
    person = as_(client, world.people[persona])
    page = person.get(urls["page"])
    if offers is None:
        assert page.status_code in {403, 404}
    else:
        text = page.content.decode()
        assert page.status_code == 200
        assert (urls["add"] in text, urls["withdraw"] in text) == (offers, offers)
    assert person.get(urls["add"]).status_code == add
    expected_post = 422 if add == 200 else add
    assert person.post(urls["add"], {"kind": "core", "name": ""}).status_code == expected_post
    assert person.get(urls["withdraw"]).status_code == withdraw
    if withdraw != 200:
        assert person.post(urls["withdraw"]).status_code == withdraw
    published.refresh_from_db()
    assert published.withdrawn_at is None
    assert published.components.count() == 1


def test_a_model_of_another_network_is_not_found(client, world, published):
    other = services.create_network(
        owner=world.member, name="Another network", by=world.people["platform_admin"]
    )
    manager = as_(client, world.people["member_manager"])
    for name in ("networks:add-component", "networks:withdraw-model"):
        url = reverse(name, args=[other.pk, published.pk])
        assert manager.get(url).status_code == 404
        assert manager.post(url).status_code == 404


def test_withdrawing_a_model_explains_what_happens_and_takes_it_off_the_network(
    client, world, published
):
    urls = _model_urls(world, published)
    manager = as_(client, world.people["member_manager"])
    text = manager.get(urls["withdraw"]).content.decode()
    assert "Withdraw Family Safeguarding" in text
    # Northshire's adoption is counted once Northshire shares its innovation.
    assert "every innovation that adopts it (none shared with the network now)" in text
    adopter = published.adoptions.get().innovation
    services.set_sharing(adopter, world.network, "stages", by=world.people["network_owner_manager"])
    text = manager.get(urls["withdraw"]).content.decode()
    assert "every innovation that adopts it (1 shared with the network now) stays linked" in text
    assert "no organisation can adopt it from now" in text

    response = manager.post(urls["withdraw"])
    assert response.status_code == 303
    assert response["Location"] == reverse("networks:fidelity", args=[world.network.pk])
    fidelity = manager.get(response["Location"]).content.decode()
    assert "Family Safeguarding is withdrawn from Family Safeguarding spread" in fidelity
    assert "Group supervision" not in fidelity
    published.refresh_from_db()
    assert published.withdrawn_at is not None
    assert published.withdrawn_by == world.people["member_manager"]
    assert published.history.first().history_change_reason.startswith("Withdrawn by")
    # Its pages are gone, its adoption is kept.
    for url in urls.values():
        assert manager.get(url).status_code == 404
    assert manager.post(urls["withdraw"]).status_code == 404
    assert published.adoptions.current().count() == 1
