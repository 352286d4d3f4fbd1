"""Ending a person's sessions ends them everywhere: with sessions read from a shared cache and
written through to the database (cached_db, used with CACHE_URL), the cached copy goes too, so
no app server can still find it."""

from importlib import import_module

from django.contrib.auth import SESSION_KEY
from django.core.cache import cache

from stages.people import end_sessions


def test_a_session_ended_is_gone_from_the_cache_and_the_database(settings, leader, viewer):
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
    store = import_module(settings.SESSION_ENGINE).SessionStore
    theirs, other = store(), store()
    theirs[SESSION_KEY] = str(leader.pk)
    other[SESSION_KEY] = str(viewer.pk)
    theirs.create()
    other.create()
    assert cache.get(store.cache_key_prefix + theirs.session_key) is not None

    assert end_sessions(leader) == 1

    assert cache.get(store.cache_key_prefix + theirs.session_key) is None
    assert not store().exists(theirs.session_key)
    assert store(theirs.session_key).load() == {}
    # Another person's session is untouched.
    assert store(other.session_key).load()[SESSION_KEY] == str(viewer.pk)
