"""A cache of what many read and few change, under the version of what it shows: every write
to an organisation's data bumps the organisation's version, and the innovation's own when the
change is that innovation's alone (stages.services.bump_version, in the write's transaction),
so a cached value is never stale; it is simply never asked for again.

The cache is the one every app server shares when CACHE_URL names a Redis-compatible server
(settings), or each worker's own memory otherwise. Pages keep their rendered fragments in it
with `fragment()`: any page may, under its organisation's version (a dashboard) or its
innovation's (the innovation page, the timeline)."""

import hashlib
import pickle

from django.core.cache import cache
from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.locmem import LocMemCache
from django.middleware.csrf import get_token
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe

from stages.models import stage_names

TIMEOUT = 15 * 60


def key_for(organisation, name, *parts):
    """The key of one value cached for the organisation (its version goes apart, as the cache's
    own `version`). The parts may hold a query string, which is the visitor's to choose: they
    are digested, so that every key is short and valid on any backend. The stages' names are
    among them, because the pages show them and platform staff may rename a stage."""
    raw = "|".join(map(str, [*parts, *stage_names().values()]))
    return f"innovate:{name}:{organisation.pk}:{hashlib.sha256(raw.encode()).hexdigest()[:40]}"


def version_of(organisation, innovation=None):
    """The version a value is cached under: the organisation's, or, for what shows one
    innovation alone, the organisation's shared version (bumped by writes that are not one
    innovation's: people, names, settings) with the innovation's own. Both are read with the
    organisation and the innovation by the access check: no query."""
    if innovation is None:
        return str(organisation.version)
    return f"{organisation.shared_version}.{innovation.version}"


def cached(organisation, name, parts, compute, *, innovation=None):
    """`compute()` once per version of what it shows (the organisation's data, or with
    `innovation` that innovation's) and these `parts` of the key."""
    return cache.get_or_set(
        key_for(organisation, name, *parts),
        compute,
        TIMEOUT,
        version=version_of(organisation, innovation),
    )


# A fragment is rendered once for everyone who may see it alike, so what is the visitor's own
# is left out of it: the CSRF token is rendered as this mark and filled in for each request.
# A fragment must not show the messages or the CSP nonce of a request.
CSRF_MARK = "csrf-token-of-the-request"


def fragment(request, template, context, *, organisation, name, parts, innovation=None):
    """The HTML of `template` (usually a page's named partial, "page.html#name") rendered with
    `context()`, kept under the version of what it shows (see `cached`) and `parts`, which
    must hold everything else it varies with: the visitor's role or scope, the query string,
    the date. Returns safe HTML with the visitor's CSRF token in it."""
    return fragments(
        request,
        [template],
        context,
        organisation=organisation,
        name=name,
        parts=parts,
        innovation=innovation,
    )[0]


def fragments(request, templates, context, *, organisation, name, parts, innovation=None):
    """[HTML of each of `templates`], all rendered with one `context()` and kept as one entry:
    `fragment` for the pieces of a page that are not side by side."""

    def render():
        shared = {**context(), "csrf_token": CSRF_MARK}
        return [render_to_string(template, shared, request) for template in templates]

    found = cached(organisation, name, parts, render, innovation=innovation)
    token = None
    pieces = []
    for html in found:
        if CSRF_MARK in html:
            token = token or get_token(request)
            html = html.replace(CSRF_MARK, token)
        pieces.append(mark_safe(html))  # rendered by the template engine, which escaped it
    return pieces


# The bytes held by each named local-memory cache: its entries are shared by every instance
# (one per thread) of that name, and so is their count.
_held = {}


class BoundedLocMemCache(LocMemCache):
    """Django's per-process memory cache, bounded by size as well as by count: an entry larger
    than OPTIONS["MAX_ENTRY_BYTES"] is not kept, and the least recently used entries are
    dropped to keep the whole under OPTIONS["MAX_BYTES"]. An entry's size is its pickled value
    and its key, in bytes."""

    def __init__(self, name, params):
        super().__init__(name, params)
        options = params.get("OPTIONS", {})
        self._max_bytes = int(options.get("MAX_BYTES", 32 * 1024 * 1024))
        self._max_entry_bytes = int(options.get("MAX_ENTRY_BYTES", 1024 * 1024))
        self._held = _held.setdefault(name, [0])

    @property
    def held_bytes(self):
        """The bytes the cache holds now, by its own account."""
        return self._held[0]

    def _fits(self, key, pickled):
        return len(key) + len(pickled) <= min(self._max_entry_bytes, self._max_bytes)

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        key = self.make_and_validate_key(key, version=version)
        pickled = pickle.dumps(value, self.pickle_protocol)
        if not self._fits(key, pickled):
            return False
        with self._lock:
            if self._has_expired(key):
                self._set(key, pickled, timeout)
                return True
            return False

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        key = self.make_and_validate_key(key, version=version)
        pickled = pickle.dumps(value, self.pickle_protocol)
        with self._lock:
            if not self._fits(key, pickled):
                # Too large to keep: the old value goes too, as a set would have replaced it.
                self._delete(key)
                return
            self._set(key, pickled, timeout)

    def incr(self, key, delta=1, version=None):
        key = self.make_and_validate_key(key, version=version)
        with self._lock:
            if self._has_expired(key):
                self._delete(key)
                raise ValueError(f"Key '{key}' not found")
            new_value = pickle.loads(self._cache[key]) + delta
            self._set(key, pickle.dumps(new_value, self.pickle_protocol), None, keep_expiry=True)
        return new_value

    def _set(self, key, value, timeout=DEFAULT_TIMEOUT, keep_expiry=False):
        expiry = self._expire_info.get(key)
        self._delete(key)
        size = len(key) + len(value)
        while self._cache and (
            len(self._cache) >= self._max_entries or self._held[0] + size > self._max_bytes
        ):
            # The least recently used entry is at the end (LocMemCache keeps the newest first).
            self._delete(next(reversed(self._cache)))
        self._cache[key] = value
        self._cache.move_to_end(key, last=False)
        self._expire_info[key] = expiry if keep_expiry else self.get_backend_timeout(timeout)
        self._held[0] += size

    def _cull(self):
        # _set above evicts one entry at a time; this keeps the count right for any other caller.
        count = len(self._cache) // self._cull_frequency if self._cull_frequency else None
        for _ in range(len(self._cache) if count is None else count):
            self._delete(next(reversed(self._cache)))

    def _delete(self, key):
        value = self._cache.get(key)
        if value is None:
            return False
        del self._cache[key]
        self._expire_info.pop(key, None)
        self._held[0] -= len(key) + len(value)
        return True

    def clear(self):
        with self._lock:
            self._cache.clear()
            self._expire_info.clear()
            self._held[0] = 0
