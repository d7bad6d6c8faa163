"""Count what one request costs on the wire to PostgreSQL, from libpq's own protocol trace.

The app is built in this process on the benchmark's database; every new driver connection
is traced (psycopg's `PGconn.trace`), so BEGIN/COMMIT, pool health checks and prepared
statements all show up, not only the SQL that SQLAlchemy logs.
"""

from __future__ import annotations

import re
import tempfile
from collections.abc import Callable
from dataclasses import dataclass

from flask import Flask


@dataclass(frozen=True)
class WireCount:
    round_trips: float  # messages the client waits on: Sync (extended protocol) + Query
    statements: float   # Execute + Query messages
    sql: tuple[str, ...]  # the statements of one request, shortened


def _frontend(trace: str) -> list[tuple[str, str]]:
    out = []
    for line in trace.splitlines():
        parts = line.split("\t")
        if len(parts) >= 3 and parts[0] == "F":
            out.append((parts[2], parts[3] if len(parts) > 3 else ""))
    return out


def _short(sql: str) -> str:
    sql = " ".join(sql.split())
    m = re.match(r"(INSERT INTO \w+|UPDATE \w+|DELETE FROM \w+|SELECT nextval\('\w+'\))", sql)
    if m:
        return m.group(1)
    m = re.match(r"SELECT .*? FROM (\w+)", sql)
    return f"SELECT FROM {m.group(1)}" if m else sql[:40]


def per_request(app: Flask, request: Callable[[], None], *, warm: int = 10,
                measured: int = 20) -> WireCount:
    """Average round trips and statements of `request()` once the app is warm (its pooled
    connections open and its repeated statements prepared, as in a long-running worker)."""
    from psycopg import pq
    from sqlalchemy import event

    engine = app.extensions["portal"].db.engine
    for _ in range(warm):
        request()
    sink = tempfile.TemporaryFile("w+")
    traced: dict[int, object] = {}
    statements: list[str] = []

    def on_checkout(dbapi_connection, _record, _proxy) -> None:
        if id(dbapi_connection) not in traced:
            dbapi_connection.pgconn.trace(sink.fileno())
            dbapi_connection.pgconn.set_trace_flags(pq.Trace.SUPPRESS_TIMESTAMPS)
            traced[id(dbapi_connection)] = dbapi_connection

    def on_execute(_conn, _cursor, statement, *_args) -> None:
        statements.append(_short(statement))

    event.listen(engine, "checkout", on_checkout)
    try:
        event.listen(engine, "before_cursor_execute", on_execute)
        request()
        event.remove(engine, "before_cursor_execute", on_execute)
        for _ in range(measured - 1):
            request()
    finally:
        event.remove(engine, "checkout", on_checkout)
        for conn in traced.values():
            conn.pgconn.untrace()  # type: ignore[attr-defined]  # flushes libpq's stream
    sink.seek(0)
    messages = _frontend(sink.read())
    sink.close()
    trips = sum(1 for kind, _ in messages if kind in ("Sync", "Query"))
    execs = sum(1 for kind, _ in messages if kind in ("Execute", "Query"))
    return WireCount(trips / measured, execs / measured, tuple(statements))
