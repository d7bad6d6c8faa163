"""Shared fixtures: real apps on SQLite (default) and PostgreSQL, and a live HTTP server."""

from __future__ import annotations

import os
import threading
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# The community's clock: "today" in a test (date.today(), a kiosk's date picker) is the
# core's local day (Asia/Shanghai), whatever zone the machine runs in. Without this, runs
# between 16:00 and 24:00 UTC disagree with the core about the date.
os.environ["TZ"] = "Asia/Shanghai"
time.tzset()

from channel_core.config import ROOT, PortalConfig  # noqa: E402

PG_ADMIN_URL = os.environ.get("PORTAL_TEST_PG_ADMIN", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
CHANNEL_TOKENS = {
    "kiosk-test-token": "kiosk", "tv-test-token": "tv", "hotline-test-token": "hotline",
    "chatbot-test-token": "chatbot", "console-test-token": "console",
}


def make_config(database_url: str, **overrides) -> PortalConfig:
    base = dict(database_url=database_url, content_dir=ROOT / "content", create_schema=True,
                channel_tokens=dict(CHANNEL_TOKENS), testing=True, jobs="off",
                secret_key="test-secret", base_url="http://portal.test")
    if "PORTAL_TEST_MOUNTS" in os.environ:  # e.g. to test the core alone: PORTAL_TEST_MOUNTS=
        base["blueprints"] = tuple(filter(None, os.environ["PORTAL_TEST_MOUNTS"].split(",")))
    base.update(overrides)
    return PortalConfig(**base)


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'portal.db'}"


@pytest.fixture
def pg_url() -> Iterator[str]:
    """A fresh PostgreSQL database for one test, dropped afterwards."""
    import sqlalchemy as sa

    name = f"portal_t_{uuid.uuid4().hex[:10]}"
    admin = sa.create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    url = PG_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"
    try:
        yield url
    finally:
        with admin.connect() as conn:
            conn.exec_driver_sql(
                f"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{name}'")
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}"')
        admin.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def db_url(request) -> str:
    """Run a test on SQLite and again on PostgreSQL."""
    if request.param == "sqlite":
        return request.getfixturevalue("sqlite_url")
    return request.getfixturevalue("pg_url")


def _seeded_app(url: str, **overrides):
    from portal.seed import seed_people
    from portal.server import create_server_app

    app = create_server_app(make_config(url, **overrides))
    state = app.extensions["portal"]
    seed_people(state.db, state.config)
    try:
        import payments.seed as pseed
    except ModuleNotFoundError:
        pseed = None
    if pseed is not None:
        pseed.seed(state.db, state.config)
    return app


@pytest.fixture
def app(sqlite_url):
    """The whole portal on a fresh SQLite database, seeded with demo people (and bills)."""
    app = _seeded_app(sqlite_url)
    yield app
    app.extensions["portal"].db.dispose()


@pytest.fixture
def any_app(db_url):
    """Like `app`, once on SQLite and once on PostgreSQL."""
    app = _seeded_app(db_url)
    yield app
    app.extensions["portal"].db.dispose()


@pytest.fixture
def pg_app(pg_url):
    app = _seeded_app(pg_url)
    yield app
    app.extensions["portal"].db.dispose()


class LiveServer:
    def __init__(self, app) -> None:
        from werkzeug.serving import make_server

        self.app = app
        self.server = make_server("127.0.0.1", 0, app, threaded=True)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def start(self) -> LiveServer:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.thread.join(timeout=5)


@pytest.fixture
def live_server(app) -> Iterator[LiveServer]:
    """The seeded portal served over real HTTP on a free port."""
    server = LiveServer(app).start()
    yield server
    server.stop()


def client_for(app, channel: str, lang: str = "zh_CN"):
    from portal_client import PortalClient

    token = next(t for t, c in CHANNEL_TOKENS.items() if c == channel)
    return PortalClient.in_process(app, channel_token=token, lang=lang, channel=channel)


def staff_client(app, username: str, lang: str = "zh_CN"):
    """A console client signed in as a demo staff member (password + current TOTP)."""
    import pyotp
    import yaml

    people = yaml.safe_load((ROOT / "content/demo/people.yaml").read_text(encoding="utf-8"))
    st = next(s for s in people["staff"] if s["username"] == username)
    c = client_for(app, "console", lang)
    # A TOTP code works once; a second sign-in in the same 30 s window reuses the token.
    tokens = app.extensions.setdefault("test_staff_tokens", {})
    if username in tokens:
        c.token = tokens[username]
    else:
        c.sign_in_staff(username, st["password"], pyotp.TOTP(st["totp_secret"]).now())
        tokens[username] = c.token
    return c
