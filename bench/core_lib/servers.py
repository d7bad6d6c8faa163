"""Start a WSGI app under gunicorn (or any server command) and wait until it answers."""

from __future__ import annotations

import http.client
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent
BENCH = ROOT / "bench"
PG_ADMIN = os.environ.get("PORTAL_TEST_PG_ADMIN",
                          "postgresql+psycopg://postgres@127.0.0.1:5432/test")
CHANNEL_TOKEN = "bench-kiosk-token"


@dataclass(frozen=True)
class Server:
    url: str
    pid: int  # the server's main process; its workers are its children


def _stat(pid: int) -> list[str] | None:
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return text[text.rindex(")") + 2:].split()  # fields after "pid (comm) "


def process_tree(pid: int) -> list[int]:
    """The process and all its descendants (gunicorn's master and workers)."""
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit() and (fields := _stat(int(entry.name))):
            parents[int(entry.name)] = int(fields[1])
    tree, frontier = [pid], [pid]
    while frontier:
        frontier = [child for child, parent in parents.items() if parent in frontier]
        tree += frontier
    return tree


def cpu_seconds(pids: list[int]) -> dict[int, float]:
    """User + system CPU seconds each live process has used so far (from /proc)."""
    ticks = os.sysconf("SC_CLK_TCK")
    out: dict[int, float] = {}
    for pid in pids:
        fields = _stat(pid)
        if fields:
            out[pid] = (int(fields[11]) + int(fields[12])) / ticks
    return out


def cpu_used(before: dict[int, float], after: dict[int, float]) -> float:
    """CPU seconds used between two snapshots (processes born in between count whole)."""
    return sum(v - before.get(pid, 0.0) for pid, v in after.items())


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def get_status(host: str, port: int, path: str, timeout: float = 1.0) -> int | None:
    """The HTTP status of one GET, or None while nothing listens yet."""
    conn = http.client.HTTPConnection(host, port, timeout=timeout)
    try:
        conn.request("GET", path)
        return conn.getresponse().status
    except OSError:
        return None
    finally:
        conn.close()


def portal_env(database_url: str, **extra: str) -> dict[str, str]:
    """The environment a benchmarked portal runs with: jobs off, one known channel token."""
    env = dict(os.environ)
    env.update(PORTAL_DATABASE_URL=database_url, PORTAL_JOBS="off",
               PORTAL_SECRET_KEY="bench-secret", PORTAL_CHANNEL_TOKENS=f"kiosk={CHANNEL_TOKEN}")
    env.update(extra)
    return env


@contextmanager
def serving(cmd: Sequence[str], port: int, env: dict[str, str], ready_path: str = "/healthz",
            timeout: float = 60.0) -> Iterator[Server]:
    """Run a server command until the block ends; yields it once ready_path answers 200."""
    log = tempfile.NamedTemporaryFile(prefix="bench-server-", suffix=".log", delete=False)
    proc = subprocess.Popen(list(cmd), cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
                            start_new_session=True)
    try:
        deadline = time.monotonic() + timeout
        while get_status("127.0.0.1", port, ready_path) != 200:
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"server did not start: {' '.join(cmd)}\n"
                                   + Path(log.name).read_text(errors="replace")[-3000:])
            time.sleep(0.05)
        yield Server(f"http://127.0.0.1:{port}", proc.pid)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGTERM)
            try:
                proc.wait(15)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()
        log.close()
        os.unlink(log.name)


def gunicorn_cmd(app_spec: str, port: int, workers: int, worker_class: str = "sync",
                 threads: int = 1) -> list[str]:
    """gunicorn with the given workers; bench/ is importable for the baseline apps."""
    return [sys.executable, "-m", "gunicorn", "--workers", str(workers),
            "--worker-class", worker_class, "--threads", str(threads),
            "--bind", f"127.0.0.1:{port}", "--pythonpath", f"{ROOT},{BENCH}",
            "--log-level", "warning", "--backlog", "2048", app_spec]


@contextmanager
def gunicorn(app_spec: str, env: dict[str, str], workers: int, worker_class: str = "sync",
             threads: int = 1, ready_path: str = "/healthz") -> Iterator[Server]:
    port = free_port()
    with serving(gunicorn_cmd(app_spec, port, workers, worker_class, threads), port, env,
                 ready_path) as server:
        yield server


@contextmanager
def fresh_pg_database(prefix: str) -> Iterator[str]:
    """A new, empty PostgreSQL database for one benchmark run, dropped afterwards."""
    import uuid

    import sqlalchemy as sa

    name = f"{prefix}_{uuid.uuid4().hex[:8]}"
    admin = sa.create_engine(PG_ADMIN, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    try:
        yield PG_ADMIN.rsplit("/", 1)[0] + f"/{name}"
    finally:
        with admin.connect() as conn:
            conn.exec_driver_sql("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                                 f"WHERE datname = '{name}'")
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}"')
        admin.dispose()


def pg_backends(database_url: str) -> list[int]:
    """The PostgreSQL server processes serving one database right now."""
    import sqlalchemy as sa

    name = database_url.rsplit("/", 1)[1]
    admin = sa.create_engine(PG_ADMIN)
    with admin.connect() as conn:
        pids = [int(r[0]) for r in conn.execute(
            sa.text("SELECT pid FROM pg_stat_activity WHERE datname = :n"), {"n": name})]
    admin.dispose()
    return pids
