"""The benchmark scripts on two small organisations in one network, so they cannot rot. The
national-scale run is `make bench`, not part of the test suite."""

import json
import os
import subprocess
import sys
import uuid
from pathlib import Path

import psycopg
import pytest
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def bench_database(postgres):
    settings = connection.settings_dict
    server = f"postgres://{settings['USER']}@{settings['HOST']}:{settings['PORT'] or 5432}"
    name = f"innovate_bench_smoke_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(f"{server}/postgres", autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST")}
    env.update(DATABASE_URL=f"{server}/{name}", SECRET_KEY="bench-smoke-not-secret")
    env.pop("DJANGO_DEBUG", None)
    try:
        yield env
    finally:
        with psycopg.connect(f"{server}/postgres", autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def run(args, env):
    result = subprocess.run(
        [sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=240
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    return result.stdout


def test_the_generator_timing_and_load_scripts_run_on_small_organisations(bench_database, tmp_path):
    env = bench_database
    run(["manage.py", "migrate", "--no-input", "-v0"], env)
    out = run(
        [
            "bench/generate.py",
            "--organisations=2",
            "--network-size=2",
            "--innovations=3",
            "--parts=3",
            "--jobs=1",
            "--sample=9",
        ],
        env,
    )
    assert "replayed 9 parts and all matched" in out

    run(["bench/timing.py", "--smoke", f"--output={tmp_path}"], env)
    timing = json.loads((tmp_path / "results.json").read_text())
    pages = {row["page"]: row for row in timing["results"]["warm"]}
    assert set(pages) >= {
        "bare view",
        "dashboard",
        "innovation page",
        "timeline",
        "moves CSV",
        "move POST",
        "API parts",
        "search",
        "search, each time new",
        "network wheel",
        "network durations",
        "network wheel (observer)",
        "network organisation",
    }
    for row in [*timing["results"]["warm"], *timing["results"]["cold"]]:
        assert row["errors"] == 0, row
        assert row["requests"] > 0, row
    # A search asked again is answered from what was kept; one new each time is not.
    assert pages["search"]["queries"] < pages["search, each time new"]["queries"]
    assert timing["rows"]["moves"] > 0
    assert timing["rows"]["networks"] == 1

    run(
        [
            "bench/load.py",
            "--seconds=5",
            "--clients=4",
            "--workers=2",
            "--no-readme",
            f"--output={tmp_path}",
        ],
        env,
    )
    load = json.loads((tmp_path / "load.json").read_text())["results"]
    assert load["errors"] == 0, load["error_samples"]
    assert load["moves_acknowledged"] > 0
    assert load["moves_acknowledged"] == load["moves_logged"]
