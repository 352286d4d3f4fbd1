"""Mixed traffic against gunicorn on PostgreSQL: 80% reads, 20% moves, from concurrent
clients for a fixed time. Reports errors (must be 0), moves acknowledged against moves in
the log (must be equal) and p95 latency; writes bench/load.json and bench/README.md.

    python bench/load.py                  # 16 clients for 60 s
    python bench/load.py --seconds 5      # the smoke run in make test
"""

import argparse
import json
import random
import statistics
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import timing  # noqa: E402  (sets up Django)

from stages.models import Innovation, Membership, Move, Part, Role, State  # noqa: E402


def run(args):
    org = timing.pick_organisation()
    leader = (
        Membership.objects.filter(organisation=org, role=Role.LEADER, is_active=True)
        .select_related("user")
        .first()
        .user
    )
    cookie = timing.session_cookie(leader)
    innovations = list(Innovation.objects.filter(organisation=org).values_list("pk", flat=True))
    parts = list(
        Part.objects.filter(organisation=org, state__in=[State.ACTIVE, State.PAUSED]).values_list(
            "pk", "version", "state"
        )
    )
    if not parts:
        raise SystemExit("No part to move: generate data first.")
    rng = random.Random(args.seed)
    reads = ["/dashboard/", "/innovations/{}/", "/innovations/{}/timeline/", "/my-work/"]
    lock = threading.Lock()
    # Each client moves only its own parts, so a conflict would mean a lost update.
    owned = {
        i: [p for n, p in enumerate(parts) if n % args.clients == i] for i in range(args.clients)
    }
    state = {pk: [version, st] for pk, version, st in parts}
    moves_before = Move.objects.filter(organisation=org).count()
    latencies, errors, acknowledged, conflicts = [], [], [0], [0]
    # Set once the server answers: the run lasts `seconds` of load, however long it took to
    # start.
    deadline = None

    def client(index):
        local = random.Random(rng.random() + index)
        mine = [p[0] for p in owned[index]]
        while time.perf_counter() < deadline:
            if mine and local.random() >= args.read_share:
                pk = local.choice(mine)
                version, st = state[pk]
                fields = {"expected_version": version, "effective_on": timing.today()}
                if st == State.PAUSED:
                    fields["kind"] = "resume"
                else:
                    fields.update(kind="pause", reason="planned_pause", rationale="Load run.")
                body = timing.urlencode(fields)
                try:
                    status, elapsed, *_ = timing.request(
                        args.port, "POST", f"/parts/{pk}/move/", cookie=cookie, body=body
                    )
                except OSError as error:
                    with lock:
                        errors.append(("POST", str(error)))
                    continue
                with lock:
                    latencies.append(elapsed)
                    if status == 303:
                        acknowledged[0] += 1
                        state[pk] = [
                            version + 1,
                            State.ACTIVE if st == State.PAUSED else State.PAUSED,
                        ]
                    elif status == 409:
                        conflicts[0] += 1
                    else:
                        errors.append((status, f"/parts/{pk}/move/"))
            else:
                path = local.choice(reads).format(local.choice(innovations))
                try:
                    status, elapsed, *_ = timing.request(args.port, "GET", path, cookie=cookie)
                except OSError as error:
                    with lock:
                        errors.append(("GET", str(error)))
                    continue
                with lock:
                    latencies.append(elapsed)
                    if status != 200:
                        errors.append((status, path))

    server = timing.Server(args.port, args.workers)
    started = time.perf_counter()
    deadline = started + args.seconds
    try:
        threads = [threading.Thread(target=client, args=(i,)) for i in range(args.clients)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        wall = time.perf_counter() - started

        # This client's own ceiling: the bare view, driven by the same number of threads.
        def bare(index, n):
            return [("GET", "/bench/bare", None, cookie, True)]

        samples, _, bare_wall = timing.load(
            args.port,
            bare,
            clients=args.clients,
            seconds=min(args.seconds / 4, 10),
            max_requests=10**9,
        )
    finally:
        server.stop()
    logged = Move.objects.filter(organisation=org).count() - moves_before
    ordered = sorted(x * 1000 for x in latencies)
    return {
        "requests": len(latencies),
        "errors": len(errors),
        "error_samples": errors[:10],
        "p95_ms": round(ordered[int(len(ordered) * 0.95)] if ordered else 0, 1),
        "median_ms": round(statistics.median(ordered), 1) if ordered else 0,
        "rps": round(len(latencies) / wall, 1),
        "client_ceiling_rps": round(len(samples) / bare_wall, 1),
        "moves_acknowledged": acknowledged[0],
        "moves_logged": logged,
        "conflicts": conflicts[0],
        "organisation": org.slug,
    }


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--read-share", type=float, default=0.8)
    parser.add_argument("--port", type=int, default=8932)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--output", type=Path, default=timing.ROOT / "bench")
    parser.add_argument("--no-readme", action="store_true")
    args = parser.parse_args(argv)
    report = {
        "machine": timing.machine(),
        "clients": args.clients,
        "seconds": args.seconds,
        "read_share": args.read_share,
        "results": run(args),
    }
    args.output.mkdir(parents=True, exist_ok=True)
    (args.output / "load.json").write_text(json.dumps(report, indent=2))
    if not args.no_readme:
        import report as readme

        readme.write(args.output)
    print(json.dumps(report["results"]))
    return report


if __name__ == "__main__":
    main()
