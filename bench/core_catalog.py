"""Catalog listing throughput: GET /api/v1/services beside a bare Flask route, same server.

Both apps run under gunicorn with the same worker count; wrk loads them from a second
process on 127.0.0.1. The bare route returns the very bytes the portal returned (same size,
pre-serialized, application/json), so the ratio is what the portal's request handling costs
on top of Flask itself. Rounds alternate portal / bare so background load hits both alike.
Target: portal ≥ 0.5 × bare.

    .venv/bin/python bench/core_catalog.py [--workers 2] [--seconds 8] [--connections 16]
        [--rounds 2] [--core-only]
"""

from __future__ import annotations

import argparse
import http.client
import statistics
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from core_lib.load import wrk  # noqa: E402
from core_lib.machine import loadavg  # noqa: E402
from core_lib.servers import cpu_seconds, cpu_used, gunicorn, portal_env, process_tree  # noqa: E402

TARGET = 0.5
PATH = "/api/v1/services"


def _fetch(url: str, path: str, lang: str) -> bytes:
    host, port = url.removeprefix("http://").split(":")
    conn = http.client.HTTPConnection(host, int(port), timeout=10)
    conn.request("GET", path, headers={"Accept-Language": lang})
    resp = conn.getresponse()
    body = resp.read()
    if resp.status != 200:
        raise SystemExit(f"{path} answered {resp.status}: {body[:300]!r}")
    return body


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--seconds", type=float, default=8.0)
    ap.add_argument("--connections", type=int, default=16)
    ap.add_argument("--rounds", type=int, default=2)
    ap.add_argument("--core-only", action="store_true",
                    help="serve channel_core.api:create_app() instead of the assembled server")
    args = ap.parse_args()

    from channel_core.migrate import upgrade

    tmp = Path(tempfile.mkdtemp(prefix="bench-catalog-"))
    db_url = f"sqlite:///{tmp / 'portal.db'}"
    upgrade(db_url)
    portal_spec = ("channel_core.api:create_app()" if args.core_only
                   else "portal.server:create_server_app()")
    env = portal_env(db_url)
    with gunicorn(portal_spec, env, args.workers) as server:
        body = _fetch(server.url, PATH, "zh-CN")
        _fetch(server.url, PATH, "en")  # same bytes for every language: the listing is multilingual
    sample = tmp / "services.json"
    sample.write_bytes(body)
    bare_env = dict(env, BENCH_JSON_FILE=str(sample))

    runs: dict[str, list[tuple[float, float, float]]] = {"portal": [], "bare": []}
    loads = [loadavg()]
    errors = 0
    for _ in range(args.rounds):
        for label, spec, app_env, path in (("portal", portal_spec, env, PATH),
                                           ("bare", "core_lib.baselines:bare_json_app()",
                                            bare_env, "/json")):
            with gunicorn(spec, app_env, args.workers) as server:
                wrk(server.url + path, 1, args.connections)  # warm-up: imports, caches
                pids = process_tree(server.pid)
                before = cpu_seconds(pids)
                r = wrk(server.url + path, args.seconds, args.connections)
                cpu_ms = cpu_used(before, cpu_seconds(pids)) / max(r.requests, 1) * 1000
                runs[label].append((r.rps, r.p99_ms, cpu_ms))
                errors += r.errors
    loads.append(loadavg())

    def med(label: str, i: int) -> float:
        return statistics.median(run[i] for run in runs[label])

    portal_rps = [run[0] for run in runs["portal"]]
    bare_rps = [run[0] for run in runs["bare"]]
    p, b = statistics.median(portal_rps), statistics.median(bare_rps)
    ratio = p / b
    print(f"catalog listing, gunicorn --workers {args.workers} (sync), wrk -c {args.connections},"
          f" {args.rounds} x {args.seconds:g} s each; body {len(body):,} bytes; "
          f"{loads[0]} at start, {loads[-1]} at end")
    for label, name, rps in (("portal", f"portal GET {PATH}", portal_rps),
                             ("bare", "bare Flask, same bytes", bare_rps)):
        print(f"  {name:<30} {med(label, 0):7.0f} req/s  p99 {med(label, 1):6.1f} ms  "
              f"server cpu {med(label, 2):5.2f} ms/req  rounds {', '.join(f'{x:.0f}' for x in rps)}")
    cpu_ratio = med("bare", 2) / med("portal", 2)
    print(f"  ratio portal/bare = {ratio:.2f} by throughput, {cpu_ratio:.2f} by server cpu per "
          f"request (target >= {TARGET}){'' if ratio >= TARGET else '  MISSED'}; "
          f"failed responses: {errors}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
