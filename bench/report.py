"""Writes bench/README.md from the last timing run (results.json) and load run (load.json)."""

import json
from pathlib import Path

TARGETS = [
    ("warm", "dashboard", "median ≤ 50 ms", lambda r, bare: r["median_ms"] <= 50),
    ("single", "dashboard", "median ≤ 50 ms", lambda r, bare: r["median_ms"] <= 50),
    (
        "warm",
        "dashboard",
        "throughput ≥ 20% of the bare view's",
        lambda r, bare: r.get("rps_vs_bare", 0) >= 0.2,
    ),
    ("cold", "dashboard", "median ≤ 150 ms", lambda r, bare: r["median_ms"] <= 150),
    ("single", "search", "median ≤ 50 ms", lambda r, bare: r["median_ms"] <= 50),
    ("warm", "move POST", "median ≤ 30 ms", lambda r, bare: r["median_ms"] <= 30),
    ("single", "move POST", "median ≤ 30 ms", lambda r, bare: r["median_ms"] <= 30),
]


def write(directory):
    directory = Path(directory)
    lines = [
        "# Benchmark",
        "",
        "Written by `bench/timing.py` and `bench/load.py`; do not edit by hand.",
        "`make bench` builds the national-scale database with `bench/generate.py`, then runs both.",
        "",
    ]
    timing_file, load_file = directory / "results.json", directory / "load.json"
    if timing_file.exists():
        lines += _timing(json.loads(timing_file.read_text()))
    if load_file.exists():
        lines += _load(json.loads(load_file.read_text()))
    notes = directory / "NOTES.md"
    if notes.exists():
        lines += ["## Why the misses", "", notes.read_text().strip(), ""]
    (directory / "README.md").write_text("\n".join(lines))


def _machine(m):
    return [
        f"- {m['date']}, commit `{m['commit']}`",
        f"- {m['cpus']} CPUs, {m['memory']} memory, Python {m['python']}, {m['database']}",
    ]


def _timing(report):
    results = report["results"]
    lines = ["## Pages under load", ""]
    lines += _machine(report["machine"])
    lines += [
        f"- gunicorn with {report['workers']} sync workers on loopback, debug off; "
        f"{report['clients']} concurrent clients for {report['seconds']} s per page",
        "- rows: " + ", ".join(f"{v:,} {k}" for k, v in report["rows"].items()),
        f"- measured organisation: {results['organisation']['slug']} with "
        f"{results['organisation']['parts']:,} parts and "
        f"{results['organisation']['moves']:,} moves",
        "",
        "`warm`: repeated reads under the concurrent clients; `cold`: each read follows a move "
        "in the same organisation; `single`: one client at a time, nothing queued in front.",
        "",
        "| run | page | median ms | p95 ms | requests/s | vs bare view | queries | SQL share |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for run in ("warm", "cold", "single"):
        for row in results.get(run, []):
            lines.append(
                f"| {run} | {row['page']} | {row.get('median_ms', '–')} | "
                f"{row.get('p95_ms', '–')} | {row.get('rps', '–')} | "
                f"{row.get('rps_vs_bare', '–')} | {row.get('queries', '–')} | "
                f"{row.get('sql_share', '–')} |"
            )
    memory = results["memory_mb"]
    lines += [
        "",
        f"Worker memory (MB): before {memory['workers_before']}, after streaming the moves "
        f"CSV {memory['workers_after_csv']}, at the end {memory['workers_end']} "
        "(target ≤ 150 MB each).",
        "",
        "### Targets",
        "",
    ]
    bare = next((r for r in results["warm"] if r["page"] == "bare view"), {})
    for run, page, text, check in TARGETS:
        row = next((r for r in results.get(run, []) if r["page"] == page), None)
        if not row or "median_ms" not in row:
            lines.append(f"- {page} ({run}), {text}: not measured")
            continue
        verdict = "met" if check(row, bare) else "**missed**"
        lines.append(
            f"- {page} ({run}), {text}: median {row['median_ms']} ms, "
            f"{row.get('rps_vs_bare', '–')} of the bare view's throughput: {verdict}"
        )
    worst = max((max(memory["workers_end"] or [0]), max(memory["workers_after_csv"] or [0])))
    verdict = "met" if worst <= 150 else "**missed**"
    lines.append(f"- worker memory ≤ 150 MB: largest {worst:.0f} MB: {verdict}")
    lines += [
        "",
        "<details><summary>Raw results</summary>",
        "",
        "```json",
        json.dumps(report, indent=2),
        "```",
        "",
        "</details>",
        "",
    ]
    return lines


def _load(report):
    r = report["results"]
    holds = r["errors"] == 0 and r["moves_acknowledged"] == r["moves_logged"]
    lines = ["## Mixed load", ""]
    lines += _machine(report["machine"])
    lines += [
        f"- {report['clients']} concurrent clients for {report['seconds']} s: "
        f"{int(report['read_share'] * 100)}% reads, {100 - int(report['read_share'] * 100)}% moves",
        "",
        "| requests | errors | p95 ms | moves acknowledged | moves in the log | conflicts |",
        "|---|---|---|---|---|---|",
        f"| {r['requests']} | {r['errors']} | {r['p95_ms']} | {r['moves_acknowledged']} | "
        f"{r['moves_logged']} | {r['conflicts']} |",
        "",
        "Errors must be 0 and every acknowledged move must be in the log: "
        + ("both hold." if holds else "**they do not**."),
        "",
    ]
    return lines
