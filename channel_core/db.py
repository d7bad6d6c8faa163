"""Database engine, session factory and the one declarative base every model uses."""

from __future__ import annotations

import select
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime

from sqlalchemy import DateTime, MetaData, create_engine, event
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DisconnectionError
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker
from sqlalchemy.types import TypeDecorator

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    """Declarative base for every table of the core and of payments."""

    metadata = MetaData(naming_convention=NAMING)


class UTCDateTime(TypeDecorator[datetime]):
    """Timezone-aware UTC datetimes on every backend (SQLite stores them naive)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTCDateTime column")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


def utcnow() -> datetime:
    """The current time, timezone-aware, in UTC."""
    return datetime.now(UTC)


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    cur = dbapi_connection.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA busy_timeout=30000")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.close()


def make_engine(url: str, **kwargs) -> Engine:
    """Create an engine with the settings this project relies on for the given backend."""
    if url.startswith("sqlite"):
        kwargs.setdefault("connect_args", {"check_same_thread": False, "timeout": 30})
        engine = create_engine(url, **kwargs)
        event.listen(engine, "connect", _sqlite_pragmas)
        # SQLite's own transaction handling defers locks; BEGIN IMMEDIATE makes writers queue
        # instead of failing with "database is locked" on upgrade.
        @event.listens_for(engine, "connect")
        def _no_pysqlite_begin(dbapi_connection, _record):
            dbapi_connection.isolation_level = None

        @event.listens_for(engine, "begin")
        def _begin_immediate(conn):
            conn.exec_driver_sql("BEGIN IMMEDIATE")

        return engine
    kwargs.setdefault("pool_size", 10)
    kwargs.setdefault("max_overflow", 20)
    kwargs.setdefault("pool_recycle", RECYCLE_S)
    checked = "pool_pre_ping" not in kwargs
    engine = create_engine(url, **kwargs)
    if checked:
        _check_on_checkout(engine)
    return engine


RECYCLE_S = 3600  # reconnect hourly: outlives no server-side or firewall idle limit
PING_AFTER_IDLE_S = 30.0  # a connection idle longer than this is pinged before use


def _check_on_checkout(engine: Engine) -> None:
    """Hand out only live connections, without a round trip per checkout (pool_pre_ping).

    A server that closed the connection (restart, pg_terminate_backend) leaves its socket
    readable, which one non-blocking poll sees; a connection idle for long (where the network
    may have dropped it silently) is pinged as well. Either failure makes the pool replace
    the connection before anyone uses it.
    """

    @event.listens_for(engine, "checkin")
    def _idle_from(dbapi_connection, record) -> None:
        record.info["idle_since"] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def _check(dbapi_connection, record, proxy) -> None:
        idle_since = record.info.pop("idle_since", None)
        if idle_since is None:
            return  # connected just now
        if _closed_by_server(dbapi_connection) or (
                time.monotonic() - idle_since > PING_AFTER_IDLE_S
                and not _ping(engine, dbapi_connection)):
            raise DisconnectionError("connection closed while idle in the pool")


def _closed_by_server(dbapi_connection) -> bool:
    """True when an idle connection's socket has anything to read: the server's goodbye."""
    if getattr(dbapi_connection, "closed", False) or getattr(dbapi_connection, "broken", False):
        return True
    try:
        fd = dbapi_connection.fileno()
    except Exception:
        return True
    poller = select.poll()
    poller.register(fd, select.POLLIN | select.POLLPRI)
    return bool(poller.poll(0))


def _ping(engine: Engine, dbapi_connection) -> bool:
    try:
        return bool(engine.dialect.do_ping(dbapi_connection))
    except Exception:
        return False


class Database:
    """An engine and its session factory; one per app or worker process."""

    def __init__(self, url: str, **engine_kwargs) -> None:
        self.url = url
        self.engine = make_engine(url, **engine_kwargs)
        self.sessions = sessionmaker(self.engine, expire_on_commit=False)

    @property
    def is_postgres(self) -> bool:
        return self.engine.dialect.name == "postgresql"

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A session whose transaction commits on success and rolls back on error."""
        session = self.sessions()
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise
        finally:
            session.close()

    def create_all(self) -> None:
        """Create every table (tests and first start; production uses Alembic)."""
        import_all_models()
        Base.metadata.create_all(self.engine)

    def dispose(self) -> None:
        self.engine.dispose()


def import_all_models() -> None:
    """Import every module that defines tables so Base.metadata is complete."""
    import importlib

    for name in MODEL_MODULES:
        try:
            importlib.import_module(name)
        except ModuleNotFoundError as exc:  # a package not yet built in this checkout
            if exc.name is None or not name.startswith(exc.name):
                raise


MODEL_MODULES = [
    "channel_core.identity.models",
    "channel_core.matters.models",
    "channel_core.notify.models",
    "channel_core.catalog.models",
    "channel_core.care.models",
    "channel_core.agent_queue.models",
    "payments.ledger.models",
    "payments.cards.models",
    "payments.bills.models",
    "payments.providers.models",
    "payments.settlement.models",
    "console.models",
]
