"""A cache of what many read and few change, keyed by the organisation's version: every write
to an organisation's data bumps the version (stages.services.bump_version), so a cached value
is never stale; it is simply never asked for again."""

import hashlib

from django.core.cache import cache

TIMEOUT = 15 * 60


def key_for(organisation, name, *parts):
    raw = "|".join([name, str(organisation.pk), str(organisation.version), *map(str, parts)])
    return f"innovate:{name}:{hashlib.sha256(raw.encode()).hexdigest()[:40]}"


def cached(organisation, name, parts, compute):
    """`compute()` once per version of the organisation's data and these `parts` of the key."""
    key = key_for(organisation, name, *parts)
    value = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value, TIMEOUT)
    return value
