"""Writes bench/README.md from the last timing run (results.json) and load run (load.json)."""

import json
from pathlib import Path

# The targets ("Scale out"), each checked on one row of the run.
TARGETS = [
    (
        "warm",
        "dashboard",
        "throughput ≥ 0.25 of the bare view's (wrk)",
        lambda r: (r.get("rps_vs_bare") or 0) >= 0.25,
    ),
    ("warm", "dashboard", "median ≤ 30 ms under 16 connections", lambda r: r["median_ms"] <= 30),
    (
        "warm",
        "innovation page",
        "throughput ≥ 0.25 of the bare view's (wrk)",
        lambda r: (r.get("rps_vs_bare") or 0) >= 0.25,
    ),
    (
        "warm",
        "innovation page",
        "median ≤ 30 ms under 16 connections",
        lambda r: r["median_ms"] <= 30,
    ),
    (
        "warm",
        "timeline",
        "throughput ≥ 0.10 of the bare view's (wrk)",
        lambda r: (r.get("rps_vs_bare") or 0) >= 0.10,
    ),
    ("warm", "timeline", "HTML ≤ 100 KB", lambda r: r["bytes"] <= 100 * 1024),
    ("warm", "dashboard", "HTML ≤ 60 KB", lambda r: r["bytes"] <= 60 * 1024),
    (
        "cold",
        "dashboard",
        "right after a write, one client: median ≤ 60 ms",
        lambda r: r["median_ms"] <= 60,
    ),
    ("single", "move POST", "one client: median ≤ 20 ms", lambda r: r["median_ms"] <= 20),
    # Search keeps each page of results under the organisation's version, as the dashboard
    # keeps its portfolio: a search asked again is held to the warm pages' target, a search
    # nobody has asked since the last write (its query string new each time) to the target of
    # a page right after a write.
    (
        "warm",
        "search",
        "throughput ≥ 0.25 of the bare view's (wrk)",
        lambda r: (r.get("rps_vs_bare") or 0) >= 0.25,
    ),
    (
        "single",
        "search, each time new",
        "one client: median ≤ 60 ms",
        lambda r: r["median_ms"] <= 60,
    ),
    ("single", "search", "one client: median ≤ 60 ms", lambda r: r["median_ms"] <= 60),
    # Not cached: each request reads its page of 500 parts afresh, as a page right after a
    # write does, so it is held to the same target as the dashboard right after a write.
    ("single", "API parts", "one client: median ≤ 60 ms a page", lambda r: r["median_ms"] <= 60),
    # The network's pages, read by a member organisation's manager and by an observer: within
    # the targets of the pages.
    *[
        target
        for page in (
            "network wheel",
            "network wheel (observer)",
            "network durations",
            "network organisation",
        )
        for target in (
            (
                "warm",
                page,
                "throughput ≥ 0.10 of the bare view's (wrk)",
                lambda r: (r.get("rps_vs_bare") or 0) >= 0.10,
            ),
            ("warm", page, "HTML ≤ 100 KB", lambda r: r["bytes"] <= 100 * 1024),
            ("single", page, "one client: median ≤ 60 ms", lambda r: r["median_ms"] <= 60),
        )
    ],
]
MIXED_TARGET_RPS = 3 * 13.5


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
        "- cache: " + m.get("cache", "each worker's own memory"),
    ]


def _timing(report):
    results = report["results"]
    lines = ["## Pages under load", ""]
    lines += _machine(report["machine"])
    lines += [
        f"- gunicorn with {report['workers']} sync workers on loopback, debug off; warm pages "
        f"under wrk, {report['clients']} connections for {report['seconds']:g} s each",
        "- rows: " + ", ".join(f"{v:,} {k}" for k, v in report["rows"].items()),
        f"- measured organisation: {results['organisation']['slug']} with "
        f"{results['organisation']['parts']:,} parts and "
        f"{results['organisation']['moves']:,} moves",
        "",
        "`warm`: repeated reads under wrk's connections (the moves CSV and the move POST: one "
        "Python client); `cold`: one client, each read right after a move in the same "
        "organisation; `single`: one client at a time, nothing queued in front.",
        "",
        "| run | page | client | median ms | p95 ms | requests/s | vs bare view | HTML KB | "
        "queries | SQL share |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for run in ("warm", "cold", "single"):
        for row in results.get(run, []):
            size = row.get("bytes")
            lines.append(
                f"| {run} | {row['page']} | {row.get('client', '–')} | "
                f"{row.get('median_ms', '–')} | {row.get('p95_ms', '–')} | "
                f"{row.get('rps', '–')} | {row.get('rps_vs_bare') or '–'} | "
                f"{round(size / 1024, 1) if size is not None else '–'} | "
                f"{row.get('queries', '–')} | {row.get('sql_share', '–')} |"
            )
    python = results.get("python_client")
    if python:
        lines += [
            "",
            f"The Python client's own ceiling: it drove the bare view at {python['rps']} "
            f"requests/s with {report['clients']} threads, where wrk reached "
            f"{python['wrk_rps']}; its figures above are one client at a time, where it is "
            "not the limit.",
        ]
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
    for run, page, text, check in TARGETS:
        row = next((r for r in results.get(run, []) if r["page"] == page), None)
        if not row or "median_ms" not in row:
            lines.append(f"- {page} ({run}), {text}: not measured")
            continue
        verdict = "met" if check(row) else "**missed**"
        lines.append(
            f"- {page} ({run}), {text}: median {row['median_ms']} ms, "
            f"{row.get('rps', '–')} requests/s "
            f"({row.get('rps_vs_bare') or '–'} of the bare view's), "
            f"{round(row.get('bytes', 0) / 1024, 1)} KB: {verdict}"
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
    rps = r.get("rps")
    if rps is not None:
        verdict = "met" if rps >= MIXED_TARGET_RPS else "**missed**"
        lines += [
            f"Throughput {rps} requests/s (target ≥ {MIXED_TARGET_RPS:g}, three times "
            f"13.5): {verdict}.",
            "",
        ]
    ceiling = r.get("client_ceiling_rps")
    if ceiling is not None:
        lines += [
            f"The Python client's own ceiling in this run: {ceiling} requests/s on the bare "
            "view with the same threads.",
            "",
        ]
    return lines
