"""A backup taken with pg_dump restores into a fresh database with every row and every
history row, as the README's backup instructions say."""

import shutil
import subprocess
import uuid
from datetime import date
from pathlib import Path

import psycopg
import pytest
from django.db import connection

from stages import services
from tests.factories import make_part

TABLES = [
    "auth_user",
    "stages_organisation",
    "stages_membership",
    "stages_innovation",
    "stages_part",
    "stages_move",
    "stages_stage",
    "stages_historicalpart",
    "stages_historicalinnovation",
    "stages_historicalstage",
]


def pg_tool(name):
    """The client tool of the server's own major version."""
    major = connection.cursor().connection.info.server_version // 10000
    versioned = Path(f"/usr/lib/postgresql/{major}/bin/{name}")
    tool = str(versioned) if versioned.exists() else shutil.which(name)
    if tool is None:
        pytest.fail(f"{name} is not installed")
    out = subprocess.run([tool, "--version"], capture_output=True, text=True, check=True).stdout
    assert f" {major}." in out, f"{tool} is not version {major}: {out}"
    return tool


def snapshot(conninfo):
    with psycopg.connect(conninfo) as conn:
        counts = {t: conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in TABLES}
        history = conn.execute(
            "SELECT id, history_type, history_change_reason, history_user_id, version "
            "FROM stages_historicalpart ORDER BY history_id"
        ).fetchall()
        moves = conn.execute(
            "SELECT part_id, seq, kind, to_state, effective_on, voids_id FROM stages_move "
            "ORDER BY part_id, seq"
        ).fetchall()
    return counts, history, moves


@pytest.mark.django_db(transaction=True)
def test_a_dump_restores_into_a_fresh_database_with_counts_and_history_equal(
    postgres, innovation, leader, tmp_path
):
    part = make_part(innovation, by=leader)
    services.move_part(part, kind="advance", by=leader, effective_on=date(2024, 2, 1))
    services.move_part(
        part,
        kind="pause",
        by=leader,
        reason="funding",
        rationale="Waiting for next year's budget.",
        effective_on=date(2024, 3, 1),
        review_on=date(2024, 6, 1),
    )
    services.move_part(
        part, kind="void", by=leader, reason="recording_error", rationale="Wrong part."
    )
    settings = connection.settings_dict
    source = f"host={settings['HOST']} port={settings['PORT'] or 5432} user={settings['USER']}"
    dump = tmp_path / "innovate.dump"
    subprocess.run(
        [
            pg_tool("pg_dump"),
            "--format=custom",
            f"--file={dump}",
            f"{source} dbname={settings['NAME']}",
        ],
        check=True,
    )
    fresh = f"innovate_restore_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(f"{source} dbname=postgres", autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{fresh}"')
    try:
        subprocess.run(
            [pg_tool("pg_restore"), "--no-owner", f"--dbname={source} dbname={fresh}", str(dump)],
            check=True,
        )
        original = snapshot(f"{source} dbname={settings['NAME']}")
        restored = snapshot(f"{source} dbname={fresh}")
        assert restored == original
        counts, history, moves = restored
        assert counts["stages_move"] == 4
        assert counts["stages_historicalpart"] == 4
        assert [m[2] for m in moves] == ["start", "advance", "pause", "void"]
        with psycopg.connect(f"{source} dbname={fresh}") as conn, pytest.raises(psycopg.Error):
            conn.execute("DELETE FROM stages_move")
    finally:
        with psycopg.connect(f"{source} dbname=postgres", autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{fresh}"')
