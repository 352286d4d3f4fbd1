"""A manager connects the organisation's OpenID Connect provider on the Organisation settings
page; a person at an allowed domain signs in through that real provider (tests/oidc: discovery,
the code flow with PKCE and a nonce), lands signed in as a viewer with the header saying who and
where, and signs out of Innovate and of the provider."""

from urllib.parse import parse_qs, urlsplit

from django.contrib.auth import get_user_model
from django.urls import reverse

from stages.models import Membership
from tests.browser.conftest import axe, axe_page, login
from tests.factories import PASSWORD
from tests.oidc.fixtures import oidc_provider  # noqa: F401


def only_this_machine(context, *hosts):
    """The provider's sign-in pages ask for a web font from elsewhere: an empty style sheet is
    answered here instead, so nothing leaves this machine."""

    def route(found):
        netloc = urlsplit(found.request.url).netloc
        if any(netloc == host for host in hosts):
            return found.continue_()
        return found.fulfill(status=200, content_type="text/css", body="")

    context.route("**/*", route)


def test_a_person_signs_in_with_their_work_account_and_out_again(
    page,
    live_server,
    manager,
    oidc_provider,  # noqa: F811
):
    server = urlsplit(live_server.url).netloc
    provider = urlsplit(oidc_provider.issuer).netloc
    only_this_machine(page.context, server, provider)
    organisation = manager.memberships.get().organisation
    callback = live_server.url + reverse("openid_connect_callback", args=[f"org-{organisation.pk}"])
    client_id, secret = oidc_provider.register(
        callback, logout_uri=live_server.url + reverse("login")
    )

    # The manager connects the provider.
    login(page, live_server, manager.username, PASSWORD)
    page.goto(f"{live_server.url}{reverse('accounts:organisation-settings')}")
    axe_page(page)
    assert page.locator("#redirect-uri").inner_text() == callback
    page.get_by_label("Server URL (issuer)").fill(oidc_provider.issuer)
    page.get_by_label("Client ID").fill(client_id)
    page.get_by_label("Client secret").fill(secret)
    page.get_by_label("Email domains whose people may join").fill("northshire.example")
    page.get_by_role("button", name="Save the settings").click()
    page.get_by_text("The sign-in settings are saved.").wait_for()
    assert secret not in page.content()
    axe(page)
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url(f"{live_server.url}/login/")

    # A colleague at an allowed domain signs in with their work account.
    asked = []
    page.on(
        "request",
        lambda r: (
            asked.append(r.url) if r.url.startswith(oidc_provider.issuer + "/auth?") else None
        ),
    )
    axe_page(page)
    page.get_by_label("Work email address").fill("alex.lee@northshire.example")
    page.get_by_role("button", name="Continue with your work account").click()
    page.locator('input[name="password"]').fill("any-password")
    page.get_by_role("button", name="Sign-in").click()
    page.get_by_role("button", name="Continue").click()
    page.wait_for_url(f"{live_server.url}/innovations/")
    axe_page(page)

    query = parse_qs(urlsplit(asked[0]).query)
    assert query["code_challenge_method"] == ["S256"]
    assert query["nonce"][0] and query["code_challenge"][0]
    user = get_user_model().objects.get(email="alex.lee@northshire.example")
    assert Membership.objects.get(user=user, organisation=organisation).role == "viewer"
    header = page.locator("#signed-in-as").inner_text()
    assert f"Signed in as Alex Lee, viewer at {organisation.name}" in header
    assert organisation.name in page.locator(".govuk-service-navigation").inner_text()

    # Narrow screens: the header wraps, the page does not scroll sideways.
    page.set_viewport_size({"width": 320, "height": 800})
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    page.set_viewport_size({"width": 1280, "height": 900})

    # Their own sign-ins say how they signed in.
    page.get_by_role("link", name="Alex Lee").click()
    axe_page(page)
    assert "Work account" in page.locator("#sign-ins").inner_text()

    # Signing out of Innovate signs out at the provider too, and comes back to sign in.
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url(lambda url: url.startswith(oidc_provider.issuer))
    page.get_by_role("button", name="Yes, sign me out").click()
    page.wait_for_url(f"{live_server.url}/login/")
    assert page.goto(f"{live_server.url}/innovations/").url.startswith(f"{live_server.url}/login/")
