"""Measure the product on the database in DATABASE_URL, served by gunicorn on loopback with
debug off, against a bare Django view served by the same server in the same run.

Throughput and latency under load come from wrk (16 connections, 8 s a page; Debian's `wrk`,
which `make bench` installs), fast enough that the server, not the client, is measured; each
page's requests per second are given as a ratio to the bare view's, measured the same way in
the same run. The Python client measures what wrk cannot: one client at a time (a move, the
dashboard right after a write), the moves CSV, and its own ceiling on the bare view, printed
beside wrk's. Queries per request and the share of time in SQL come from the server's bench
headers. Writes bench/results.json and bench/README.md.

    python bench/timing.py                 # the full run (after bench/generate.py)
    python bench/timing.py --smoke         # a few seconds, to prove the script works
"""

import argparse
import http.client
import json
import os
import platform
import random
import signal
import statistics
import subprocess
import sys
import threading
import time
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "innovate.settings")
os.environ.setdefault("SECRET_KEY", "bench-only-not-secret")
os.environ.setdefault("INNOVATE_ALLOW_HTTP", "1")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY  # noqa: E402
from django.db import connection  # noqa: E402
from django.db.models import Count  # noqa: E402
from django.utils.module_loading import import_string  # noqa: E402

from stages.models import Innovation, Membership, Move, Organisation, Part, Role, State  # noqa: E402

CSRF = "b" * 32


def today():
    from django.utils import timezone as tz

    return str(tz.localdate())


class Server:
    def __init__(self, port, workers):
        self.port = port
        env = dict(os.environ, INNOVATE_BENCH="1", DJANGO_DEBUG="0")
        env.setdefault("SECRET_KEY", "bench-only-not-secret")
        # The clients here are the load, not a misbehaving program: no per-token limit.
        env.setdefault("API_REQUESTS_PER_MINUTE", str(10**9))
        subprocess.run(
            [sys.executable, "manage.py", "collectstatic", "--no-input", "-v0"],
            cwd=ROOT,
            env=env,
            check=True,
        )
        gunicorn = Path(sys.executable).with_name("gunicorn")
        self.process = subprocess.Popen(
            [
                str(gunicorn),
                "innovate.wsgi",
                "--bind",
                f"127.0.0.1:{port}",
                "--workers",
                str(workers),
                "--log-level",
                "warning",
            ],
            cwd=ROOT,
            env=env,
        )
        for _ in range(100):
            try:
                status, *_ = request(port, "GET", "/health")
                if status == 200:
                    return
            except OSError:
                pass
            time.sleep(0.1)
        self.stop()
        raise SystemExit("gunicorn did not start")

    def worker_rss_mb(self):
        rss = []
        for child in Path("/proc").iterdir():
            if not child.name.isdigit():
                continue
            try:
                status = (child / "status").read_text()
            except OSError:
                continue
            if f"PPid:\t{self.process.pid}\n" in status:
                kb = int(status.split("VmRSS:")[1].split()[0])
                rss.append(kb / 1024)
        return rss

    def stop(self):
        self.process.send_signal(signal.SIGTERM)
        self.process.wait(timeout=20)


def headers_of(cookie):
    """`cookie`: the session cookie, or a dict of headers (an API token's Authorization)."""
    return cookie if isinstance(cookie, dict) else {"Cookie": cookie}


def request(port, method, path, *, cookie="", body=None):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    headers = {"Host": "localhost", **headers_of(cookie)}
    if body is not None:
        headers["Content-Type"] = "application/x-www-form-urlencoded"
        headers["X-CSRFToken"] = CSRF
    started = time.perf_counter()
    conn.request(method, path, body=body, headers=headers)
    response = conn.getresponse()
    size = 0
    while chunk := response.read(65536):
        size += len(chunk)
    elapsed = time.perf_counter() - started
    result = (
        response.status,
        elapsed,
        int(response.getheader("X-Bench-Queries", "0") or 0),
        float(response.getheader("X-Bench-SQL-ms", "0") or 0),
        float(response.getheader("X-Bench-Total-ms", "0") or 0),
        size,
    )
    conn.close()
    return result


def api_secret(organisation, manager):
    """A day's API token of `organisation` that reads every innovation."""
    from datetime import timedelta

    from apitokens.services import create_token
    from stages import clock

    return create_token(
        organisation,
        by=manager,
        name="Bench",
        expires_on=clock.localdate() + timedelta(days=1),
        reads_restricted=True,
    )[1]


def session_cookie(user):
    store = import_string(f"{settings.SESSION_ENGINE}.SessionStore")()
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store.create()
    return f"{settings.SESSION_COOKIE_NAME}={store.session_key}; {settings.CSRF_COOKIE_NAME}={CSRF}"


# wrk's own percentiles, printed by a Lua `done` hook (wrk --latency prints no 95th).
WRK_SCRIPT = """
done = function(summary, latency, requests)
  io.write(string.format("bench: p50=%d p95=%d p99=%d requests=%d\\n",
    latency:percentile(50), latency:percentile(95), latency:percentile(99), summary.requests))
  io.write(string.format("bench: errors=%d\\n", summary.errors.connect + summary.errors.read
    + summary.errors.write + summary.errors.status + summary.errors.timeout))
end
"""
# Every request a query string of its own (`fresh=<thread>-<count>`, which the page ignores),
# so that nothing is answered from what an earlier request kept.
FRESH_SCRIPT = """
local threads = 0
setup = function(thread)
  threads = threads + 1
  thread:set("id", threads)
end
local count = 0
request = function()
  count = count + 1
  return wrk.format(nil, wrk.path .. "&fresh=" .. id .. "-" .. count)
end
"""


# Pages read with a query string of their own each time (see FRESH_SCRIPT).
FRESH = {"search, each time new"}


def wrk(port, path, *, cookie, seconds, connections, threads=2, fresh=False):
    """(requests/s, median ms, p95 ms, requests, errors) of `path` under wrk; with `fresh`, each
    request's query string its own."""
    import re
    import shutil
    import tempfile

    if shutil.which("wrk") is None:
        raise SystemExit("wrk is missing: apt-get install wrk (make bench installs it)")
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(WRK_SCRIPT + (FRESH_SCRIPT if fresh else ""))
    out = subprocess.run(
        [
            "wrk",
            f"-t{min(threads, connections)}",
            f"-c{connections}",
            f"-d{max(int(seconds), 1)}s",
            "--timeout",
            "30s",
            "-s",
            script.name,
            *[arg for k, v in headers_of(cookie).items() for arg in ("-H", f"{k}: {v}")],
            "-H",
            "Host: localhost",
            f"http://127.0.0.1:{port}{path}",
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    os.unlink(script.name)
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    found = dict(re.findall(r"(\w+)=(\d+)", " ".join(re.findall(r"bench: (.*)", out))))
    return {
        "rps": round(rps, 1),
        "median_ms": round(int(found["p50"]) / 1000, 1),
        "p95_ms": round(int(found["p95"]) / 1000, 1),
        "requests": int(found["requests"]),
        "errors": int(found["errors"]),
    }


def load(port, make_request, *, clients, seconds, max_requests):
    """Run `make_request(client_index, n)` -> (method, path, body, cookie) from `clients`
    threads for `seconds` (or `max_requests` in all); returns the samples."""
    samples, errors = [], []
    lock = threading.Lock()
    deadline = time.perf_counter() + seconds
    counter = iter(range(max_requests))

    def worker(index):
        n = 0
        while time.perf_counter() < deadline:
            with lock:
                if next(counter, None) is None:
                    return
            for method, path, body, cookie, record in make_request(index, n):
                status, elapsed, queries, sql_ms, total_ms, size = request(
                    port, method, path, cookie=cookie, body=body
                )
                if status >= 400:
                    with lock:
                        errors.append((status, path))
                elif record:
                    with lock:
                        samples.append((elapsed, queries, sql_ms, total_ms, size))
            n += 1

    started = time.perf_counter()
    threads = [threading.Thread(target=worker, args=(i,)) for i in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - started
    return samples, errors, wall


def summarise(name, samples, errors, wall, bare_rps=None):
    if not samples:
        return {"page": name, "requests": 0, "errors": len(errors)}
    latencies = sorted(s[0] * 1000 for s in samples)
    p95 = latencies[min(len(latencies) - 1, int(len(latencies) * 0.95))]
    total = sum(s[3] for s in samples) or 1
    row = {
        "page": name,
        "requests": len(samples),
        "errors": len(errors),
        "median_ms": round(statistics.median(latencies), 1),
        "p95_ms": round(p95, 1),
        "rps": round(len(samples) / wall, 1),
        "queries": round(statistics.median(s[1] for s in samples), 1),
        "sql_share": round(sum(s[2] for s in samples) / total, 2),
        "bytes": int(statistics.median(s[4] for s in samples)),
    }
    if bare_rps:
        row["rps_vs_bare"] = round(row["rps"] / bare_rps, 3)
    return row


def pick_organisation():
    org = (
        Organisation.objects.annotate(n=Count("parts")).filter(n__gt=0).order_by("-n", "pk").first()
    )
    if org is None:
        raise SystemExit("No data: run bench/generate.py first.")
    return org


def pick_network():
    """The network with the most current members, or None before any is built."""
    from networks.models import Network

    return (
        Network.objects.filter(members__joined_at__isnull=False, members__left_at__isnull=True)
        .annotate(n=Count("members"))
        .order_by("-n", "pk")
        .first()
    )


def run(args):
    org = pick_organisation()
    manager = (
        Membership.objects.filter(organisation=org, role=Role.MANAGER, is_active=True)
        .select_related("user")
        .first()
        .user
    )
    leader = (
        Membership.objects.filter(organisation=org, role=Role.LEADER, is_active=True)
        .select_related("user")
        .first()
        .user
    )
    innovation = Innovation.objects.filter(organisation=org).order_by("pk").first()
    cookie = session_cookie(manager)
    leader_cookie = session_cookie(leader)
    api_headers = {"Authorization": f"Bearer {api_secret(org, manager)}"}
    movable = list(
        Part.objects.filter(organisation=org, state__in=[State.ACTIVE, State.PAUSED])
        .order_by("pk")
        .values_list("pk", flat=True)[: args.clients * 4]
    )
    versions = dict(Part.objects.filter(pk__in=movable).values_list("pk", "version"))
    states = dict(Part.objects.filter(pk__in=movable).values_list("pk", "state"))
    version_lock = threading.Lock()

    def move_request(index):
        """A pause or a resume of one of this client's own parts, with its version."""
        mine = movable[index :: args.clients]
        if not mine:
            return None
        pk = random.choice(mine)
        with version_lock:
            version, state = versions[pk], states[pk]
            versions[pk] = version + 1
            states[pk] = State.ACTIVE if state == State.PAUSED else State.PAUSED
        fields = {"expected_version": version, "effective_on": today()}
        if state == State.PAUSED:
            fields["kind"] = "resume"
        else:
            fields.update(kind="pause", reason="planned_pause", rationale="Bench pause.")
        return ("POST", f"/parts/{pk}/move/", urlencode(fields), leader_cookie, True)

    busiest = (
        Move.objects.filter(organisation=org)
        .values("part__innovation")
        .annotate(n=Count("pk"))
        .order_by("-n")
        .first()
    )
    timeline_of = busiest["part__innovation"] if busiest else innovation.pk
    pages = {
        "bare view": "/bench/bare",
        "dashboard": "/dashboard/",
        "innovation page": f"/innovations/{innovation.pk}/",
        "timeline": f"/innovations/{timeline_of}/timeline/",
        # Every part named "... locality" and whatever mentions one: a page of 20 of many.
        "search": "/search/?q=locality",
        # The same, each request with a query string of its own: what a search costs when
        # nobody has asked it since the organisation's last write.
        "search, each time new": "/search/?q=locality",
        # The API's busiest list: a page of parts with their positions and durations.
        "API parts": "/api/parts?limit=500",
    }
    # Each page is read as the manager unless named here (an API token's header, a network's
    # reader).
    cookies = {"API parts": api_headers}
    network = pick_network()
    if network is not None:
        # A manager of one of the largest network's members, and its observer.
        place = (
            Membership.objects.filter(
                organisation__network_places__network=network,
                organisation__network_places__left_at__isnull=True,
                role=Role.MANAGER,
                is_active=True,
            )
            .select_related("user")
            .order_by("organisation__slug")
            .first()
        )
        reader = place.user
        observer = network.observers.select_related("user").first()
        pages["network wheel"] = f"/networks/{network.pk}/"
        pages["network durations"] = f"/networks/{network.pk}/durations/"
        # One organisation's shared parts: where a member reads the parts themselves.
        pages["network organisation"] = (
            f"/networks/{network.pk}/organisations/{place.organisation_id}/"
        )
        reader_cookie = session_cookie(reader)
        for name in ("network wheel", "network durations", "network organisation"):
            cookies[name] = reader_cookie
        if observer is not None:
            pages["network wheel (observer)"] = f"/networks/{network.pk}/"
            cookies["network wheel (observer)"] = session_cookie(observer.user)
    server = Server(args.port, args.workers)
    results = {"warm": [], "cold": [], "single": []}
    try:
        # Warm each page once, and read its size and queries from one request.
        shape = {}
        for name, path in pages.items():
            reader = cookies.get(name, cookie)
            request(args.port, "GET", path, cookie=reader)
            # A page read afresh each time is measured so: its query string not seen before.
            measured = f"{path}&fresh=shape" if name in FRESH else path
            status, _, queries, sql_ms, total_ms, size = request(
                args.port, "GET", measured, cookie=reader
            )
            shape[name] = {
                "queries": queries,
                "sql_share": round(sql_ms / total_ms, 2) if total_ms else 0,
                "bytes": size,
            }
        rss_before = server.worker_rss_mb()
        bare_rps = None
        for name, path in pages.items():
            found = wrk(
                args.port,
                path,
                cookie=cookies.get(name, cookie),
                seconds=args.seconds,
                connections=args.clients,
                fresh=name in FRESH,
            )
            row = {"page": name, "client": "wrk", **found, **shape[name]}
            if name == "bare view":
                bare_rps = row["rps"]
            else:
                row["rps_vs_bare"] = round(row["rps"] / bare_rps, 3) if bare_rps else None
            results["warm"].append(row)
            print(json.dumps(row), flush=True)

        # The Python client's own ceiling: the bare view driven by its threads.
        def bare(index, n):
            return [("GET", pages["bare view"], None, cookie, True)]

        samples, errors, wall = load(
            args.port,
            bare,
            clients=args.clients,
            seconds=max(args.seconds / 2, 1),
            max_requests=args.max_requests,
        )
        row = summarise("bare view", samples, errors, wall)
        results["python_client"] = {**row, "client": "python", "wrk_rps": bare_rps}
        print(json.dumps(results["python_client"]), flush=True)

        # The moves CSV, streamed: one client.
        def csv(index, n):
            return [("GET", "/dashboard/export/moves.csv", None, cookie, True)]

        samples, errors, wall = load(
            args.port, csv, clients=1, seconds=max(args.seconds / 2, 1), max_requests=20
        )
        row = {**summarise("moves CSV", samples, errors, wall), "client": "python"}
        results["warm"].append(row)
        print(json.dumps(row), flush=True)
        rss_after_csv = server.worker_rss_mb()

        # One client at a time: what a request costs when nothing queues in front of it.
        for name, path in [*pages.items(), ("move POST", None)]:
            reader = cookies.get(name, cookie)
            fresh = name in FRESH

            def make_single(index, n, path=path, reader=reader, fresh=fresh):
                if path is None:
                    move = move_request(index)
                    return [move] if move else []
                if fresh:
                    return [("GET", f"{path}&fresh={index}-{n}", None, reader, True)]
                return [("GET", path, None, reader, True)]

            samples, errors, wall = load(
                args.port,
                make_single,
                clients=1,
                seconds=max(args.seconds / 2, 1),
                max_requests=args.max_requests,
            )
            row = {**summarise(name, samples, errors, wall), "client": "python"}
            results["single"].append(row)
            print(json.dumps({"single": True, **row}), flush=True)
            if name == "move POST":
                results["warm"].append(row)

        # Right after a write: one client, each read following a move in the organisation.
        for name in ("dashboard", "innovation page", "timeline"):
            path = pages[name]

            def make_cold(index, n, path=path):
                move = move_request(index)
                steps = [(*move[:4], False)] if move else []
                return [*steps, ("GET", path, None, cookie, True)]

            samples, errors, wall = load(
                args.port,
                make_cold,
                clients=1,
                seconds=max(args.seconds / 2, 1),
                max_requests=args.max_requests,
            )
            row = {**summarise(name, samples, errors, wall), "client": "python"}
            results["cold"].append(row)
            print(json.dumps({"cold": True, **row}), flush=True)
        results["memory_mb"] = {
            "workers_before": [round(x, 1) for x in rss_before],
            "workers_after_csv": [round(x, 1) for x in rss_after_csv],
            "workers_end": [round(x, 1) for x in server.worker_rss_mb()],
        }
    finally:
        server.stop()
    results["organisation"] = {
        "slug": org.slug,
        "parts": Part.objects.filter(organisation=org).count(),
        "moves": Move.objects.filter(organisation=org).count(),
    }
    return results


def row_counts():
    from assessments.models import Check, Measure, Reading

    counts = {}
    for model in (Organisation, Innovation, Part, Move, Measure, Reading, Check):
        counts[str(model._meta.verbose_name_plural)] = model.objects.count()
    from networks.models import Network, Sharing

    counts["networks"] = Network.objects.count()
    counts["sharings"] = Sharing.objects.count()
    try:
        from assessments.models import ReflectionSession

        counts["reflection sessions"] = ReflectionSession.objects.count()
    except ImportError:
        pass
    from search.models import Entry

    counts["search rows"] = Entry.objects.count()
    return counts


def machine():
    with connection.cursor() as cursor:
        cursor.execute("SELECT version()")
        db = cursor.fetchone()[0] if connection.vendor == "postgresql" else "SQLite"
    memory = ""
    meminfo = Path("/proc/meminfo")
    if meminfo.exists():
        kb = int(meminfo.read_text().split("MemTotal:")[1].split()[0])
        memory = f"{kb / 1024 / 1024:.0f} GiB"
    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True
    ).stdout.strip()
    return {
        "cache": "Redis at CACHE_URL, shared by the workers"
        if settings.CACHE_URL
        else "each worker's own memory",
        "cpus": os.cpu_count(),
        "memory": memory,
        "python": platform.python_version(),
        "database": db.split(" on ")[0],
        "commit": commit or "unknown",
        "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
    }


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--seconds", type=float, default=8)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--port", type=int, default=8931)
    parser.add_argument("--max-requests", type=int, default=10**9)
    parser.add_argument("--smoke", action="store_true", help="a short run; writes no README")
    parser.add_argument("--output", type=Path, default=ROOT / "bench")
    args = parser.parse_args(argv)
    if args.smoke:
        args.clients, args.seconds, args.workers = 2, 1, 1
        args.max_requests = min(args.max_requests, 30)
    report = {
        "machine": machine(),
        "rows": row_counts(),
        "workers": args.workers,
        "clients": args.clients,
        "seconds": args.seconds,
        "results": run(args),
    }
    args.output.mkdir(parents=True, exist_ok=True)
    (args.output / "results.json").write_text(json.dumps(report, indent=2))
    if not args.smoke:
        import report as readme

        readme.write(args.output)
    errors = sum(r.get("errors", 0) for run in ("warm", "cold") for r in report["results"][run])
    print(f"errors: {errors}")
    return report


if __name__ == "__main__":
    main()
