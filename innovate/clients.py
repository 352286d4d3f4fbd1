"""Who is asking: the client's address, believed from a trusted proxy's header only.

The sign-in lockout and the password reset limits count by this address. A forwarded header is
read only when the request comes from one of settings.TRUSTED_PROXIES: anyone else could write
any address into it."""

import ipaddress
from functools import lru_cache

from django.conf import settings


@lru_cache(maxsize=8)
def _networks(proxies):
    found = []
    for proxy in proxies:
        try:
            found.append(ipaddress.ip_network(proxy, strict=False))
        except ValueError:
            continue
    return tuple(found)


def _address(text):
    try:
        return ipaddress.ip_address(text.strip())
    except ValueError:
        return None


def _is_trusted(address, networks):
    return address is not None and any(address in network for network in networks)


def from_trusted_proxy(request):
    """Whether the request comes straight from one of settings.TRUSTED_PROXIES (an address or
    a network)."""
    networks = _networks(tuple(settings.TRUSTED_PROXIES))
    return _is_trusted(_address(request.META.get("REMOTE_ADDR", "")), networks)


def client_address(request):
    """The client's address as a string (None when there is none). REMOTE_ADDR, unless it is a
    trusted proxy: then the right-most address in X-Forwarded-For that is not itself a trusted
    proxy (proxies append the address they saw, so the addresses left of it are the client's
    own word)."""
    remote = request.META.get("REMOTE_ADDR", "")
    networks = _networks(tuple(settings.TRUSTED_PROXIES))
    if not _is_trusted(_address(remote), networks):
        return remote or None
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
    for hop in reversed(forwarded):
        address = _address(hop)
        if address is None:
            break
        if not _is_trusted(address, networks):
            return str(address)
    return remote
