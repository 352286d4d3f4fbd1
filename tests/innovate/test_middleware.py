"""The header that marks a request as HTTPS is believed only from a trusted proxy."""

import pytest
from django.http import HttpResponse
from django.test import RequestFactory
from django.urls import reverse

from innovate.middleware import TrustedProxyMiddleware

PROXY = "10.0.0.2"
STRANGER = "203.0.113.9"


@pytest.fixture
def production(settings):
    settings.SECURE_SSL_REDIRECT = True
    settings.TRUSTED_PROXIES = [PROXY]
    return settings


def secure_as_seen(remote_addr):
    request = RequestFactory().get("/", HTTP_X_FORWARDED_PROTO="https", REMOTE_ADDR=remote_addr)
    seen = {}

    def view(request):
        seen["secure"] = request.is_secure()
        return HttpResponse()

    TrustedProxyMiddleware(view)(request)
    return seen["secure"]


def test_a_forged_https_header_from_a_stranger_is_not_believed(production):
    assert secure_as_seen(STRANGER) is False


def test_the_https_header_from_a_trusted_proxy_is_believed(production):
    assert secure_as_seen(PROXY) is True


def test_a_proxy_in_a_trusted_network_is_believed_as_the_lockout_believes_it(settings):
    settings.TRUSTED_PROXIES = ["10.0.0.0/24"]
    assert secure_as_seen(PROXY) is True
    assert secure_as_seen("10.0.1.2") is False


def test_with_no_trusted_proxy_the_header_is_believed_from_no_one(settings):
    settings.TRUSTED_PROXIES = []
    assert secure_as_seen("127.0.0.1") is False


def test_a_stranger_claiming_https_is_still_redirected_to_https(client, production):
    response = client.get(reverse("login"), HTTP_X_FORWARDED_PROTO="https", REMOTE_ADDR=STRANGER)
    assert response.status_code == 301
    assert response["Location"].startswith("https://")


def test_a_request_through_the_trusted_proxy_is_served(client, production):
    response = client.get(reverse("login"), HTTP_X_FORWARDED_PROTO="https", REMOTE_ADDR=PROXY)
    assert response.status_code == 200


def test_the_proxy_check_comes_before_the_security_middleware(settings):
    order = settings.MIDDLEWARE
    assert order.index("innovate.middleware.TrustedProxyMiddleware") < order.index(
        "django.middleware.security.SecurityMiddleware"
    )
