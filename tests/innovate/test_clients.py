"""The client's address: believed from a trusted proxy's header only."""

import pytest
from django.test import RequestFactory

from innovate.clients import client_address

PROXY = "10.0.0.1"


def asking(remote, forwarded=None):
    extra = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **extra)


@pytest.fixture
def behind_a_proxy(settings):
    settings.TRUSTED_PROXIES = [PROXY]


def test_without_trusted_proxies_the_address_is_the_connections(settings):
    settings.TRUSTED_PROXIES = []
    assert client_address(asking("198.51.100.7")) == "198.51.100.7"


def test_without_trusted_proxies_a_forwarded_header_is_ignored(settings):
    settings.TRUSTED_PROXIES = []
    assert client_address(asking("198.51.100.7", "203.0.113.5")) == "198.51.100.7"


def test_a_forwarded_header_from_an_untrusted_address_is_ignored(behind_a_proxy):
    assert client_address(asking("198.51.100.7", "203.0.113.5")) == "198.51.100.7"


def test_through_the_trusted_proxy_the_client_is_the_address_it_forwards(behind_a_proxy):
    assert client_address(asking(PROXY, "203.0.113.5")) == "203.0.113.5"


def test_through_the_trusted_proxy_the_clients_own_claims_are_ignored(behind_a_proxy):
    """The proxy appends the address it saw; anything left of it came from the client."""
    assert client_address(asking(PROXY, "1.2.3.4, 5.6.7.8, 203.0.113.5")) == "203.0.113.5"


def test_a_chain_of_trusted_proxies_is_walked_back_to_the_client(settings):
    settings.TRUSTED_PROXIES = ["10.0.0.0/24"]
    forwarded = "1.2.3.4, 203.0.113.5, 10.0.0.7"
    assert client_address(asking("10.0.0.1", forwarded)) == "203.0.113.5"


def test_ipv6_clients_and_proxies_are_understood(settings):
    settings.TRUSTED_PROXIES = ["fd00::1"]
    assert client_address(asking("fd00::1", "2001:db8::42")) == "2001:db8::42"


@pytest.mark.parametrize("forwarded", [None, "", "not-an-address", "203.0.113.5, garbage"])
def test_through_the_trusted_proxy_a_missing_or_broken_header_leaves_the_proxy(
    behind_a_proxy, forwarded
):
    assert client_address(asking(PROXY, forwarded)) == PROXY


def test_a_request_from_nowhere_has_no_address(settings):
    request = RequestFactory().get("/")
    request.META.pop("REMOTE_ADDR")
    assert client_address(request) is None
