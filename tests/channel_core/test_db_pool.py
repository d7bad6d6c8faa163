"""Pooled PostgreSQL connections: one the server dropped is never handed to a request."""

import pytest
import sqlalchemy as sa

from channel_core import db as db_module
from channel_core.db import Database
from tests.conftest import PG_ADMIN_URL

pytestmark = pytest.mark.postgres


def _terminate_backends(url: str) -> int:
    """What a PostgreSQL restart does to every open connection of one database (waiting
    until each backend has exited, as after a restart: no race with the next request)."""
    name = url.rsplit("/", 1)[1]
    admin = sa.create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        killed = conn.execute(sa.text(
            "SELECT count(pg_terminate_backend(pid, 5000)) FROM pg_stat_activity "
            "WHERE datname = :n AND pid <> pg_backend_pid()"), {"n": name}).scalar_one()
    admin.dispose()
    return int(killed)


def _backend_pid(database: Database) -> int:
    with database.session() as s:
        return int(s.execute(sa.text("SELECT pg_backend_pid()")).scalar_one())


def test_a_request_after_the_server_dropped_its_connections_succeeds(pg_app):
    state = pg_app.extensions["portal"]
    client = pg_app.test_client()
    headers = {"X-Channel-Token": "kiosk-test-token"}
    before = _backend_pid(state.db)
    assert _terminate_backends(state.db.url) >= 1
    r = client.post("/api/v1/matters", headers=headers, json={
        "service_id": "property.repair", "channel": "kiosk",
        "fields": {"area": "in_flat", "category": "plumbing", "location": "3号楼",
                   "description": "漏水", "phone": "13800000009"}})
    assert r.status_code == 201, r.get_json()
    assert _backend_pid(state.db) != before


def test_checkout_costs_no_round_trip_while_the_connection_is_fresh(pg_url):
    database = Database(pg_url, pool_size=1, max_overflow=0)
    pid = _backend_pid(database)
    pings = []
    real_ping = db_module._ping
    db_module._ping = lambda engine, conn: pings.append(1) or real_ping(engine, conn)
    try:
        for _ in range(5):
            assert _backend_pid(database) == pid
        assert pings == []  # used within PING_AFTER_IDLE_S: no health query
    finally:
        db_module._ping = real_ping
        database.dispose()


def test_a_long_idle_connection_is_pinged_and_replaced_when_dead(pg_url, monkeypatch):
    database = Database(pg_url, pool_size=1, max_overflow=0)
    try:
        pid = _backend_pid(database)
        _terminate_backends(pg_url)
        # A dead peer that left no trace on the socket (a dropped network path): only the
        # ping after a long idle can tell.
        monkeypatch.setattr(db_module, "_closed_by_server", lambda conn: False)
        monkeypatch.setattr(db_module, "PING_AFTER_IDLE_S", 0.0)
        assert _backend_pid(database) != pid
    finally:
        database.dispose()


def test_explicit_pre_ping_is_still_honoured(pg_url):
    database = Database(pg_url, pool_pre_ping=True)
    try:
        pid = _backend_pid(database)
        _terminate_backends(pg_url)
        assert _backend_pid(database) != pid
    finally:
        database.dispose()
