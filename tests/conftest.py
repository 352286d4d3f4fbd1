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
