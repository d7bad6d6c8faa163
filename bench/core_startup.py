"""`portal serve`: from process start to its first 200 on /healthz, beside a bare Flask app
served by the same server (waitress) answering the same route.

Each run starts the real command (`portal serve`, which also checks the schema is at head,
then builds the whole server: catalog validated from content/, every channel mounted) on a
migrated SQLite database, polls /healthz every 5 ms, records the time of the first 200 and
stops the process. Runs alternate portal / bare; medians are compared. Target: under 2 s.

    .venv/bin/python bench/core_startup.py [--runs 5]
"""

from __future__ import annotations

import argparse
import os
import resource
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from core_lib.machine import loadavg  # noqa: E402
from core_lib.servers import ROOT, free_port, get_status, portal_env  # noqa: E402

TARGET_S = 2.0
BARE = ("import flask, sys\n"
        "from waitress import serve\n"
        "app = flask.Flask('bare')\n"
        "app.get('/healthz')(lambda: {'ok': True})\n"
        "serve(app, host='127.0.0.1', port=int(sys.argv[1]), _quiet=True)\n")


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def time_to_first_200(cmd: list[str], port: int, env: dict[str, str],
                      limit: float = 60.0) -> tuple[float, float]:
    """(wall, cpu) seconds from spawning `cmd` to its first 200 on /healthz; the process is
    then stopped. CPU (user + system, the server's own accounting) includes the few ms until
    the stop; it is the steadier figure when other work shares the machine."""
    cpu_before = _children_cpu()
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, start_new_session=True)
    try:
        while get_status("127.0.0.1", port, "/healthz", timeout=2.0) != 200:
            if proc.poll() is not None:
                raise SystemExit(f"{cmd[0]} exited: {proc.stderr.read().decode()[-2000:]}")  # type: ignore[union-attr]
            if time.perf_counter() - start > limit:
                raise SystemExit(f"{cmd} did not answer within {limit} s")
            time.sleep(0.005)
        wall = time.perf_counter() - start
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(15)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
    return wall, _children_cpu() - cpu_before


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=5)
    args = ap.parse_args()

    from channel_core.migrate import upgrade

    tmp = Path(tempfile.mkdtemp(prefix="bench-startup-"))
    db_url = f"sqlite:///{tmp / 'portal.db'}"
    upgrade(db_url)
    env = portal_env(db_url, PORTAL_JOBS="inprocess")  # as `portal serve` runs by default
    portal_exe = str(Path(sys.executable).parent / "portal")
    runs: dict[str, list[tuple[float, float]]] = {"portal serve": [], "bare Flask + waitress": []}
    load_before = loadavg()
    for i in range(args.runs + 1):  # the first pair warms the disk cache and is not counted
        port = free_port()
        p = time_to_first_200([portal_exe, "serve", "--host", "127.0.0.1", "--port", str(port)],
                              port, env)
        port = free_port()
        b = time_to_first_200([sys.executable, "-c", BARE, str(port)], port, env)
        if i:
            runs["portal serve"].append(p)
            runs["bare Flask + waitress"].append(b)
    print(f"start to first 200 on /healthz, median of {args.runs} (waitress for both); "
          f"{load_before} at start, {loadavg()} at end")
    medians = {}
    for label, pairs in runs.items():
        wall = statistics.median(w for w, _ in pairs)
        cpu = statistics.median(c for _, c in pairs)
        medians[label] = wall
        print(f"  {label:<24} {wall:6.2f} s wall, {cpu:5.2f} s cpu   runs "
              f"{', '.join(f'{w:.2f}' for w, _ in pairs)}")
    p, b = medians.values()
    print(f"  ratio portal/bare = {p / b:.1f}; portal {p:.2f} s (target < {TARGET_S} s)"
          f"{'' if p < TARGET_S else '  MISSED'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
