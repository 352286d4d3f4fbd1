"""A cache of what many read and few change, under the organisation's version: every write
to an organisation's data bumps the version (stages.services.bump_version), so a cached value
is never stale; it is simply never asked for again."""

import hashlib
import pickle

from django.core.cache import cache
from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.locmem import LocMemCache

from stages.models import stage_names

TIMEOUT = 15 * 60


def key_for(organisation, name, *parts):
    """The key of one value cached for the organisation (its version goes apart, as the cache's
    own `version`). The parts may hold a query string, which is the visitor's to choose: they
    are digested, so that every key is short and valid on any backend. The stages' names are
    among them, because the pages show them and platform staff may rename a stage."""
    raw = "|".join(map(str, [*parts, *stage_names().values()]))
    return f"innovate:{name}:{organisation.pk}:{hashlib.sha256(raw.encode()).hexdigest()[:40]}"


def cached(organisation, name, parts, compute):
    """`compute()` once per version of the organisation's data and these `parts` of the key."""
    return cache.get_or_set(
        key_for(organisation, name, *parts), compute, TIMEOUT, version=organisation.version
    )


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
