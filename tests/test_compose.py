"""docker compose is production-safe by default: no demo logins, HTTPS only, and the app serves
as a database role that owns nothing while the owner migrates. A reverse proxy (Caddy) takes
HTTPS in front of two app servers that share one database and one cache. There is no Docker
engine in CI: `docker compose config` validates the file where the compose plugin exists, a
schema of the parts used here validates it everywhere, and the scripts it runs are proved by
scripts/smoke."""

import os
import re
import shutil
import subprocess
from pathlib import Path

import jsonschema
import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
COMPOSE = (ROOT / "docker-compose.yml").read_text()
SPEC = yaml.safe_load(COMPOSE)
CADDYFILE = (ROOT / "deploy/Caddyfile").read_text()


def service(name):
    """The YAML text of one service, up to the next service key."""
    match = re.search(rf"^  {name}:( &\w+)?\n((?:    .*\n|\n)+)", COMPOSE, re.MULTILINE)
    assert match, name
    return match.group(2)


def environment(name):
    return {k: str(v) for k, v in SPEC["services"][name]["environment"].items()}


def default(value):
    """The value compose uses when the variable is unset: `${NAME:-default}`, or None when it
    must be set (`${NAME:?...}`)."""
    found = re.fullmatch(r"\$\{[A-Z0-9_]+(:-|:\?)(.*)\}", value)
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


# The parts of the Compose Specification this file uses, as a JSON schema: names and shapes
# of keys, so a typo or a misplaced key is caught without the compose plugin.
SERVICE = {
    "type": "object",
    "additionalProperties": False,
    "properties": {
        "image": {"type": "string"},
        "build": {"type": "string"},
        "command": {"type": "array", "items": {"type": "string"}},
        "entrypoint": {"type": "array", "items": {"type": "string"}},
        "depends_on": {
            "type": "object",
            "additionalProperties": {
                "type": "object",
                "properties": {
                    "condition": {
                        "enum": [
                            "service_started",
                            "service_healthy",
                            "service_completed_successfully",
                        ]
                    }
                },
                "required": ["condition"],
                "additionalProperties": False,
            },
        },
        "environment": {
            "type": "object",
            "additionalProperties": {"type": ["string", "number", "boolean"]},
        },
        "ports": {"type": "array", "items": {"type": "string", "pattern": r"^\d+:\d+$"}},
        "expose": {"type": "array", "items": {"type": "string"}},
        "volumes": {"type": "array", "items": {"type": "string"}},
        "healthcheck": {
            "type": "object",
            "additionalProperties": False,
            "required": ["test"],
            "properties": {
                "test": {"type": "array", "items": {"type": "string"}, "minItems": 2},
                "interval": {"type": "string", "pattern": r"^\d+s$"},
                "timeout": {"type": "string", "pattern": r"^\d+s$"},
                "retries": {"type": "integer"},
                "start_period": {"type": "string", "pattern": r"^\d+s$"},
            },
        },
    },
    "anyOf": [{"required": ["image"]}, {"required": ["build"]}],
}
SCHEMA = {
    "type": "object",
    "additionalProperties": False,
    "required": ["services"],
    "properties": {
        "services": {"type": "object", "additionalProperties": SERVICE},
        "volumes": {"type": "object", "additionalProperties": {"type": "null"}},
        "networks": {"type": "object"},
    },
}


def test_the_file_follows_the_compose_schema():
    jsonschema.validate(SPEC, SCHEMA)
    services = SPEC["services"]
    for name, found in services.items():
        for other in found.get("depends_on", {}):
            assert other in services, f"{name} depends on {other}, which is not a service"
        for volume in found.get("volumes", []):
            source = volume.split(":")[0]
            if source.startswith("./"):
                assert (ROOT / source).exists(), source
            else:
                assert source in SPEC["volumes"], source


@pytest.mark.skipif(
    shutil.which("docker") is None
    or subprocess.run(["docker", "compose", "version"], capture_output=True).returncode != 0,
    reason="no docker compose here: the schema above validates the file",
)
def test_docker_compose_reads_the_file():
    env = dict(
        os.environ,
        POSTGRES_PASSWORD="x",
        INNOVATE_OWNER_PASSWORD="x",
        INNOVATE_APP_PASSWORD="x",
        SECRET_KEY="x",
        FILES_S3_ACCESS_KEY_ID="x",
        FILES_S3_SECRET_ACCESS_KEY="xxxxxxxx",
    )
    result = subprocess.run(
        ["docker", "compose", "config", "--quiet"], cwd=ROOT, env=env, capture_output=True
    )
    assert result.returncode == 0, result.stderr.decode()


def test_a_proxy_takes_https_in_front_of_two_app_servers():
    services = SPEC["services"]
    proxy = services["proxy"]
    assert proxy["image"].startswith("caddy:")
    assert set(proxy["ports"]) == {"80:80", "443:443"}
    assert "./deploy/Caddyfile:/etc/caddy/Caddyfile:ro" in proxy["volumes"]
    assert default(environment("proxy")["CADDY_TLS"]) == "internal"
    assert "tls {$CADDY_TLS:internal}" in CADDYFILE
    assert re.search(r"^\s*encode zstd gzip$", CADDYFILE, re.MULTILINE)
    assert re.search(r"reverse_proxy web:8000 web2:8000 \{", CADDYFILE)
    assert re.search(r"^\s*health_uri /health$", CADDYFILE, re.MULTILINE)
    # Only the proxy is reached from outside; both app servers are the same app.
    for name in ("web", "web2"):
        assert "ports" not in services[name], name
        assert services[name]["command"] == ["bash", "scripts/start"]
        assert services[name]["healthcheck"]["test"][0] == "CMD-SHELL"
        assert "/health" in services[name]["healthcheck"]["test"][1]
    assert services["web2"]["build"] == services["web"]["build"]
    # The second waits for the first, so that one migrates at a time.
    assert services["web2"]["depends_on"] == {"web": {"condition": "service_healthy"}}
    assert set(environment("web2")) == set(environment("web"))


def test_the_app_servers_share_one_cache_and_believe_only_the_proxy():
    services = SPEC["services"]
    assert services["cache"]["image"].startswith("valkey/valkey:")
    for name in ("web", "web2"):
        env = environment(name)
        assert env["CACHE_URL"] == "redis://cache:6379/0"
        assert default(env["TRUSTED_PROXIES"]) == "172.30.0.0/24"
    subnet = SPEC["networks"]["default"]["ipam"]["config"][0]["subnet"]
    assert subnet == "172.30.0.0/24"


def test_the_evidence_documents_are_kept_in_minio_with_keys_that_must_be_given():
    services = SPEC["services"]
    files = services["files"]
    assert files["image"].startswith("minio/minio:RELEASE.")
    assert files["command"] == ["server", "/data"]
    assert "ports" not in files
    for name in ("MINIO_ROOT_USER", "MINIO_ROOT_PASSWORD"):
        assert default(environment("files")[name]) is None, name
    for app in ("web", "web2"):
        env = environment(app)
        assert env["FILES_S3_BUCKET"] == "innovate-files"
        assert env["FILES_S3_ENDPOINT_URL"] == "http://files:9000"
        for name in ("FILES_S3_ACCESS_KEY_ID", "FILES_S3_SECRET_ACCESS_KEY"):
            assert default(env[name]) is None, name


def test_the_bucket_is_made_before_the_app_starts():
    services = SPEC["services"]
    bucket = services["files-bucket"]
    assert bucket["entrypoint"] == ["mc", "mb", "--ignore-existing", "files/innovate-files"]
    assert bucket["depends_on"] == {"files": {"condition": "service_healthy"}}
    assert services["web"]["depends_on"]["files-bucket"] == {
        "condition": "service_completed_successfully"
    }
