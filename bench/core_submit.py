"""Submitting matters on PostgreSQL: sustained matters/s and p99 at a fixed 100 requests/s,
beside a bare Flask route doing one INSERT on the same database, same server and workers.

A fresh PostgreSQL database is created and migrated (Alembic, as `portal migrate` does); the
assembled portal runs under gunicorn and is loaded from this (second) process on 127.0.0.1:
wrk, closed loop, for the sustained rate; a Python open-loop generator at a fixed arrival rate
for the latency, counted from each request's scheduled send time. Every submission is a
kiosk-channel `property.repair` report with all its fields (the core validates each, numbers
the matter, opens its SLA clocks, writes the event and the SMS notice to the outbox). The
number of matters in the database is checked against the number of acknowledged submissions
(more rows than acknowledgements is fine: requests in flight when wrk stops still commit;
fewer would be a lost submission). Rounds alternate portal / bare so background load hits
both alike; medians are compared, and the load average is printed with each round.

Before the runs, the portal is also built in this process to count what one submission
costs on the wire (libpq's protocol trace of a warm worker): round trips and statements.
Targets: >= 300 matters/s sustained on this 2-core machine; p99 < 100 ms at 100 requests/s.

    .venv/bin/python bench/core_submit.py [--workers 4] [--seconds 10] [--connections 8]
        [--rate 100] [--rate-seconds 20] [--rounds 2] [--core-only]
"""

from __future__ import annotations

import argparse
import statistics
import sys
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import sqlalchemy as sa  # noqa: E402
from core_lib import wire  # noqa: E402
from core_lib.baselines import create_insert_table  # noqa: E402
from core_lib.load import OpenLoopResult, WrkResult, json_body, open_loop, wrk  # noqa: E402
from core_lib.machine import loadavg  # noqa: E402
from core_lib.servers import (  # noqa: E402
    CHANNEL_TOKEN,
    cpu_seconds,
    cpu_used,
    fresh_pg_database,
    gunicorn,
    pg_backends,
    portal_env,
    process_tree,
)
from core_lib.wire import WireCount  # noqa: E402

TARGET_RPS = 300
TARGET_P99_MS = 100
SUBMISSION = {
    "service_id": "property.repair", "channel": "kiosk", "lang": "zh_CN",
    "fields": {"area": "in_flat", "category": "plumbing", "location": "3号楼2单元501 卫生间",
               "description": "卫生间水管接口漏水，地面有积水", "phone": "13800000009"},
    "contact": {"name": "张三", "phone": "13800000009"},
}
HEADERS = {"Content-Type": "application/json", "X-Channel-Token": CHANNEL_TOKEN}


def _count(url: str, table: str) -> int:
    engine = sa.create_engine(url)
    with engine.connect() as conn:
        n = int(conn.exec_driver_sql(f"SELECT count(*) FROM {table}").scalar() or 0)
    engine.dispose()
    return n


def wire_per_submission(db_url: str, core_only: bool) -> WireCount:
    """Round trips and statements of one submission, counted in this process."""
    import json

    from channel_core.config import PortalConfig

    config = PortalConfig.from_env(database_url=db_url, jobs="off", secret_key="bench-secret",
                                   channel_tokens={CHANNEL_TOKEN: "kiosk"})
    if core_only:
        from channel_core.api import create_app

        app = create_app(config)
    else:
        from portal.server import create_server_app

        app = create_server_app(config)
    client = app.test_client()
    body = json.dumps(SUBMISSION, ensure_ascii=False)

    def submit() -> None:
        r = client.post("/api/v1/matters", data=body, headers=HEADERS)
        if r.status_code != 201:
            raise SystemExit(f"submission answered {r.status_code}: {r.get_data(as_text=True)}")

    try:
        return wire.per_request(app, submit)
    finally:
        app.extensions["portal"].db.dispose()


@dataclass(frozen=True)
class Round:
    sustained: WrkResult
    stored: int
    paced: OpenLoopResult
    app_ms: float  # server cpu per request (gunicorn master and workers)
    db_ms: float   # PostgreSQL backends' cpu per request
    load: str


def run_round(app_spec: str, path: str, table: str, env: dict[str, str], db_url: str,
              args: argparse.Namespace, body: bytes) -> Round:
    """One app under gunicorn: warm-up, sustained (with cpu accounting), then paced."""
    with gunicorn(app_spec, env, args.workers) as server:
        url = server.url
        wrk(url + path, 2, args.connections, method="POST", body=body, headers=HEADERS)
        before = _count(db_url, table)
        app_pids, db_pids = process_tree(server.pid), pg_backends(db_url)
        app_cpu, db_cpu = cpu_seconds(app_pids), cpu_seconds(db_pids)
        sustained = wrk(url + path, args.seconds, args.connections, method="POST",
                        body=body, headers=HEADERS)
        db_pids = sorted(set(db_pids) | set(pg_backends(db_url)))
        app_used = cpu_used(app_cpu, cpu_seconds(app_pids))
        db_used = cpu_used(db_cpu, cpu_seconds(db_pids))
        stored = _count(db_url, table) - before
        load = loadavg()
        paced = open_loop(url + path, args.rate, args.rate_seconds, method="POST",
                          body=body, headers=HEADERS)
    n = max(sustained.requests, 1)
    return Round(sustained, stored, paced, app_used / n * 1000, db_used / n * 1000, load)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--workers", type=int, default=4)
    ap.add_argument("--seconds", type=float, default=10.0)
    ap.add_argument("--connections", type=int, default=8)
    ap.add_argument("--rate", type=float, default=100.0)
    ap.add_argument("--rate-seconds", type=float, default=20.0)
    ap.add_argument("--rounds", type=int, default=2)
    ap.add_argument("--core-only", action="store_true",
                    help="serve channel_core.api:create_app() instead of the assembled server")
    args = ap.parse_args()

    from channel_core.migrate import upgrade

    body = json_body(SUBMISSION)
    spec = ("channel_core.api:create_app()" if args.core_only
            else "portal.server:create_server_app()")
    apps = {"portal POST /api/v1/matters": (spec, "/api/v1/matters", "matters"),
            "bare Flask, one INSERT": ("core_lib.baselines:bare_insert_app()", "/insert",
                                       "bench_insert")}
    rounds: dict[str, list[Round]] = {label: [] for label in apps}
    load_at_start = loadavg()
    with fresh_pg_database("bench_submit") as db_url:
        upgrade(db_url)
        create_insert_table(db_url)
        wire_count = wire_per_submission(db_url, args.core_only)
        env = dict(portal_env(db_url), BENCH_DATABASE_URL=db_url)
        for _ in range(args.rounds):
            for label, (app_spec, path, table) in apps.items():
                rounds[label].append(run_round(app_spec, path, table, env, db_url, args, body))

    print(f"submitting on PostgreSQL, gunicorn --workers {args.workers} (sync); sustained: wrk "
          f"-c {args.connections} for {args.seconds:g} s; paced: {args.rate:g} req/s for "
          f"{args.rate_seconds:g} s (open loop); {args.rounds} alternating rounds, medians; "
          f"{load_at_start} before the first run (each round's figure, taken after its "
          f"sustained run, counts the benchmark's own processes too)")
    print(f"  one submission on the wire: {wire_count.round_trips:g} round trips, "
          f"{wire_count.statements:g} statements (BEGIN and COMMIT included): "
          f"{', '.join(wire_count.sql)}")
    medians: dict[str, tuple[float, float, float]] = {}
    lost = 0
    for label, runs in rounds.items():
        print(f"  {label}")
        for i, r in enumerate(runs, 1):
            s, p = r.sustained, r.paced
            acked = s.requests - s.errors
            lost += max(0, acked - r.stored) if label.startswith("portal") else 0
            print(f"    round {i}: sustained {s.rps:6.0f} /s  p50 {s.p50_ms:6.1f} ms  p99 "
                  f"{s.p99_ms:6.1f} ms  ({acked} acknowledged, {r.stored} rows stored, "
                  f"{s.errors} failed); cpu per request app {r.app_ms:5.2f} ms + database "
                  f"{r.db_ms:5.2f} ms; at {args.rate:g}/s p50 {p.p50_ms:5.1f} ms p99 "
                  f"{p.p99_ms:6.1f} ms max {p.max_ms:6.1f} ms ({p.errors} failed); {r.load}")
        rps = statistics.median(r.sustained.rps for r in runs)
        p99 = statistics.median(r.paced.p99_ms for r in runs)
        cpu = statistics.median(r.app_ms + r.db_ms for r in runs)
        medians[label] = (rps, p99, cpu)
        print(f"    median: sustained {rps:6.0f} /s, p99 at {args.rate:g}/s {p99:6.1f} ms, cpu "
              f"{cpu:5.2f} ms per request -> {2000 / cpu:5.0f} /s on 2 free cores")
    (portal_rps, portal_p99, portal_cpu), (bare_rps, bare_p99, bare_cpu) = medians.values()
    print(f"  sustained ratio portal/bare = {portal_rps / bare_rps:.2f} by throughput, "
          f"{bare_cpu / portal_cpu:.2f} by cpu per request; portal {portal_rps:.0f} matters/s "
          f"(target >= {TARGET_RPS}){'' if portal_rps >= TARGET_RPS else '  MISSED'}")
    print(f"  p99 at {args.rate:g}/s: portal {portal_p99:.1f} ms vs bare {bare_p99:.1f} ms "
          f"(target < {TARGET_P99_MS} ms){'' if portal_p99 < TARGET_P99_MS else '  MISSED'}")
    print(f"  acknowledged submissions missing from the database: {lost}"
          f"{'' if lost == 0 else '  LOST'}")
    return 0 if lost == 0 else 1


if __name__ == "__main__":
    raise SystemExit(main())
