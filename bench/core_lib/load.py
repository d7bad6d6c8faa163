"""Load from a second process: wrk for closed-loop throughput, a Python open-loop generator
for latency at a fixed arrival rate (latency counted from each request's scheduled time, so a
stalled server cannot hide its queue)."""

from __future__ import annotations

import http.client
import json
import math
import re
import shutil
import subprocess
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

_UNITS = {"us": 1e-6, "ms": 1e-3, "s": 1.0, "m": 60.0}


@dataclass(frozen=True)
class WrkResult:
    requests: int
    seconds: float
    rps: float
    p50_ms: float
    p99_ms: float
    errors: int  # non-2xx/3xx responses plus socket errors


def _duration(text: str) -> float:
    m = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text)
    if not m:
        raise ValueError(text)
    return float(m.group(1)) * _UNITS[m.group(2)]


def wrk(url: str, seconds: float, connections: int, *, threads: int = 1, method: str = "GET",
        body: bytes | None = None, headers: dict[str, str] | None = None) -> WrkResult:
    """Run wrk against one URL; POST bodies and headers go through a generated Lua script."""
    exe = shutil.which("wrk")
    if exe is None:
        raise SystemExit("wrk is not installed: apt-get install -y wrk")
    lua = [f'wrk.method = "{method}"']
    if body is not None:
        lua.append(f"wrk.body = [==[{body.decode()}]==]")
    for key, value in (headers or {}).items():
        lua.append(f'wrk.headers["{key}"] = "{value}"')
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write("\n".join(lua) + "\n")
    try:
        out = subprocess.run(
            [exe, "-t", str(threads), "-c", str(connections), "-d", f"{seconds:g}s", "--latency",
             "-s", script.name, url], capture_output=True, text=True, check=True,
            timeout=seconds + 60).stdout
    finally:
        Path(script.name).unlink()
    total = re.search(r"(\d+) requests in ([\d.]+)(us|ms|s|m)", out)
    rps = re.search(r"Requests/sec:\s+([\d.]+)", out)
    p50 = re.search(r"50%\s+([\d.]+(?:us|ms|s|m))", out)
    p99 = re.search(r"99%\s+([\d.]+(?:us|ms|s|m))", out)
    if not (total and rps and p50 and p99):
        raise RuntimeError(f"unexpected wrk output:\n{out}")
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    sock = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    errors = (int(non2xx.group(1)) if non2xx else 0) + (
        sum(int(g) for g in sock.groups()) if sock else 0)
    return WrkResult(requests=int(total.group(1)),
                     seconds=_duration(total.group(2) + total.group(3)),
                     rps=float(rps.group(1)), p50_ms=_duration(p50.group(1)) * 1000,
                     p99_ms=_duration(p99.group(1)) * 1000, errors=errors)


@dataclass(frozen=True)
class OpenLoopResult:
    sent: int
    ok: int
    errors: int
    p50_ms: float
    p99_ms: float
    max_ms: float


def percentile(sorted_values: list[float], q: float) -> float:
    """Nearest-rank percentile of an already sorted list."""
    if not sorted_values:
        return math.nan
    rank = max(1, math.ceil(q / 100 * len(sorted_values)))
    return sorted_values[rank - 1]


def open_loop(url: str, rate: float, seconds: float, *, method: str = "GET",
              body: bytes | None = None, headers: dict[str, str] | None = None,
              ok_statuses: tuple[int, ...] = (200, 201)) -> OpenLoopResult:
    """Send requests at a fixed rate for `seconds`; each latency runs from its scheduled time."""
    parts = urlsplit(url)
    host, port, path = parts.hostname or "127.0.0.1", parts.port or 80, parts.path or "/"
    if parts.query:
        path += "?" + parts.query
    latencies: list[float] = []
    errors = 0
    lock = threading.Lock()

    def fire(scheduled: float) -> None:
        nonlocal errors
        conn = http.client.HTTPConnection(host, port, timeout=30)
        try:
            conn.request(method, path, body=body, headers=headers or {})
            resp = conn.getresponse()
            resp.read()
            good = resp.status in ok_statuses
        except OSError:
            good = False
        finally:
            conn.close()
        elapsed = time.perf_counter() - scheduled
        with lock:
            if good:
                latencies.append(elapsed)
            else:
                errors += 1

    total = int(rate * seconds)
    with ThreadPoolExecutor(max_workers=128) as pool:
        start = time.perf_counter() + 0.05
        for i in range(total):
            scheduled = start + i / rate
            delay = scheduled - time.perf_counter()
            if delay > 0:
                time.sleep(delay)
            pool.submit(fire, scheduled)
    latencies.sort()
    ms = [v * 1000 for v in latencies]
    return OpenLoopResult(sent=total, ok=len(ms), errors=errors, p50_ms=percentile(ms, 50),
                          p99_ms=percentile(ms, 99), max_ms=ms[-1] if ms else math.nan)


def json_body(value: object) -> bytes:
    return json.dumps(value, ensure_ascii=False).encode()
