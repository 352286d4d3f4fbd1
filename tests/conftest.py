import os

import pytest
from django.db import connection

from stages.models import Role
from tests.factories import InnovationFactory, MembershipFactory, OrganisationFactory, UserFactory

REQUIRE_POSTGRES = os.environ.get("REQUIRE_POSTGRES") == "1"
REQUIRE_BROWSER = os.environ.get("REQUIRE_BROWSER") == "1"
_required_skips = []


def pytest_collection_modifyitems(config, items):
    for item in items:
        if "browser" in item.nodeid.split("::")[0].split("/"):
            item.add_marker(pytest.mark.browser)


def pytest_runtest_logreport(report):
    if not report.skipped:
        return
    keywords = report.keywords
    if (REQUIRE_POSTGRES and "postgres" in keywords) or (REQUIRE_BROWSER and "browser" in keywords):
        _required_skips.append(report.nodeid)


def pytest_sessionfinish(session, exitstatus):
    if _required_skips:
        reporter = session.config.pluginmanager.get_plugin("terminalreporter")
        if reporter:
            reporter.write_line(
                "Required tests were skipped: " + ", ".join(_required_skips), red=True
            )
        session.exitstatus = 1


@pytest.fixture(autouse=True, scope="session")
def _database_is_as_required(django_db_setup, django_db_blocker):
    if REQUIRE_POSTGRES and connection.vendor != "postgresql":
        pytest.exit("REQUIRE_POSTGRES=1 but the database is not PostgreSQL", returncode=1)


@pytest.fixture(autouse=True)
def _empty_cache():
    """Each test starts with an empty cache: rolled-back tests reuse ids and versions."""
    from django.core.cache import cache

    cache.clear()


DB_FIXTURES = {"db", "transactional_db", "django_db_reset_sequences", "live_server"}


@pytest.fixture(autouse=True)
def _stages_are_loaded(request, _empty_cache):
    """The six stages come from a data migration. A transactional test (live server, threads,
    pg_dump) ends with a flush that empties every table, so the stages are put back for the
    tests after it. serialized_rollback cannot do this here: it would rewrite history rows,
    which the append-only triggers refuse.

    Their names are then read into the cache, where a page in production nearly always finds
    them (each worker keeps them a minute): a query count is the page's own, whichever test
    ran before. tests/stages/test_stage_names.py counts the read of a cold cache."""
    if request.node.get_closest_marker("django_db") is None and not (
        DB_FIXTURES & set(request.fixturenames)
    ):
        return
    request.getfixturevalue("transactional_db" if _transactional(request) else "db")
    from stages.framework import read_stages
    from stages.models import Stage, stage_names

    if not Stage.objects.exists():
        for fields in read_stages():
            Stage.objects.create(**fields)
    stage_names()


def _transactional(request):
    marker = request.node.get_closest_marker("django_db")
    return bool(
        (marker and (marker.kwargs.get("transaction") or (marker.args and marker.args[0])))
        or {"transactional_db", "live_server"} & set(request.fixturenames)
    )


@pytest.fixture
def postgres(request):
    """Use in tests that need PostgreSQL; they are skipped on SQLite (and fail the run when
    REQUIRE_POSTGRES=1)."""
    request.node.add_marker("postgres")
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL")


@pytest.fixture
def organisation(db):
    return OrganisationFactory(name="Northshire County Council", slug="northshire")


@pytest.fixture
def other_organisation(db):
    return OrganisationFactory(name="Southdale Children's Trust", slug="southdale")


def _member(organisation, role, username):
    return MembershipFactory(
        organisation=organisation, role=role, user=UserFactory(username=username)
    ).user


@pytest.fixture
def viewer(organisation):
    return _member(organisation, Role.VIEWER, "viewer")


@pytest.fixture
def leader(organisation):
    return _member(organisation, Role.LEADER, "leader")


@pytest.fixture
def facilitator(organisation):
    return _member(organisation, Role.FACILITATOR, "facilitator")


@pytest.fixture
def manager(organisation):
    return _member(organisation, Role.MANAGER, "manager")


@pytest.fixture
def outsider(other_organisation):
    return _member(other_organisation, Role.MANAGER, "outsider")


@pytest.fixture
def innovation(organisation):
    return InnovationFactory(organisation=organisation, title="Family group conferencing")
