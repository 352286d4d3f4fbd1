"""docker compose is production-safe by default: no demo logins, HTTPS only, and the app serves
as a database role that owns nothing while the owner migrates. There is no Docker engine in CI,
so the file is read here and the scripts it runs are proved by scripts/smoke."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
COMPOSE = (ROOT / "docker-compose.yml").read_text()


def service(name):
    """The lines of one service, up to the next top-level or service key."""
    match = re.search(rf"^  {name}:\n((?:    .*\n|\n)+)", COMPOSE, re.MULTILINE)
    assert match, name
    return match.group(1)


def environment(name):
    return dict(re.findall(r"^      ([A-Z_]+): (.+)$", service(name), re.MULTILINE))


def default(value):
    """The value compose uses when the variable is unset: `${NAME:-default}`, or None when it
    must be set (`${NAME:?...}`)."""
    found = re.fullmatch(r"\$\{[A-Z_]+(:-|:\?)(.*)\}", value)
    assert found, value
    return found.group(2) if found.group(1) == ":-" else None


def test_the_demo_is_off_unless_asked_for():
    assert default(environment("web")["LOAD_DEMO"]) == "0"


def test_plain_http_is_refused_unless_asked_for():
    assert default(environment("web")["INNOVATE_ALLOW_HTTP"]) == "0"


def test_every_secret_must_be_given():
    for where, name in [
        ("web", "SECRET_KEY"),
        ("db", "POSTGRES_PASSWORD"),
        ("db", "INNOVATE_OWNER_PASSWORD"),
        ("db", "INNOVATE_APP_PASSWORD"),
    ]:
        assert default(environment(where)[name]) is None, name
    assert "innovate-local" not in COMPOSE


def test_the_owner_migrates_and_the_app_serves_as_a_role_that_owns_nothing():
    web = environment("web")
    assert web["MIGRATE_DATABASE_URL"].startswith("postgres://innovate:")
    assert web["DATABASE_URL"].startswith("postgres://innovate_app:")
    assert '["bash", "scripts/start"]' in service("web")


def test_the_database_creates_both_roles_when_first_started():
    assert "./scripts/db-init.sh:/docker-entrypoint-initdb.d/" in service("db")
    init = (ROOT / "scripts/db-init.sh").read_text()
    for role in ("innovate", "innovate_app"):
        assert re.search(rf"CREATE ROLE {role} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE", init)
    assert "OWNER TO innovate;" in init


def test_the_start_script_migrates_as_the_owner_and_grants_the_app_role():
    start = (ROOT / "scripts/start").read_text()
    assert "MIGRATE_DATABASE_URL" in start
    assert start.index("python manage.py migrate") < start.index("python manage.py grant_app_role")
    assert '--forwarded-allow-ips "${TRUSTED_PROXIES:-}"' in start


def test_a_worker_sends_the_scheduled_emails_and_mailpit_catches_them():
    assert '["bash", "scripts/worker"]' in service("worker")
    assert environment("worker")["DATABASE_URL"].startswith("postgres://innovate_app:")
    worker = (ROOT / "scripts/worker").read_text()
    assert "manage.py schedule_jobs" in worker
    assert "exec python manage.py qcluster" in worker
    assert "axllent/mailpit" in service("mailpit")
    assert '"8025:8025"' in service("mailpit")
    for name in ("web", "worker"):
        assert default(environment(name)["EMAIL_HOST"]) == "mailpit"
