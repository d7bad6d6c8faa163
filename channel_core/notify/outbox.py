"""Enqueue notices in the caller's transaction; deliver them later exactly once."""

from __future__ import annotations

import importlib
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session, sessionmaker

from channel_core.db import utcnow
from channel_core.notify.models import InboxMessage, OutboxMessage

log = logging.getLogger(__name__)
MAX_ATTEMPTS = 6
STALE_CLAIM = timedelta(minutes=5)


@dataclass(frozen=True)
class Notice:
    """One message to one address on one medium."""

    medium: str  # sms|inbox|staff|wechat|chat
    kind: str
    title: str
    body: str
    lang: str
    dedupe_key: str
    address: str | None = None
    resident_id: int | None = None
    household_id: int | None = None
    matter_number: str | None = None


class SendError(Exception):
    """A sender failed; `permanent` ones are not retried."""

    def __init__(self, message: str, permanent: bool = False) -> None:
        super().__init__(message)
        self.permanent = permanent


# A sender takes a claimed outbox row and returns the provider's reference.
Sender = Callable[[OutboxMessage], str | None]


def enqueue(session: Session, notice: Notice) -> bool:
    """Add a notice to the outbox in the current transaction; False if already queued."""
    row = dict(
        dedupe_key=notice.dedupe_key, medium=notice.medium, address=notice.address,
        resident_id=notice.resident_id, household_id=notice.household_id,
        matter_number=notice.matter_number, kind=notice.kind, title=notice.title[:200],
        body=notice.body, lang=notice.lang,
    )
    # One round trip: a dedupe_key already queued inserts nothing and returns no row.
    session.flush()  # as Session.execute would: rows the notice refers to go first
    conn = session.connection()
    inserted = conn.execute(_enqueue_statement(conn.dialect.name), row).scalar()
    return inserted is not None


@cache
def _enqueue_statement(dialect: str) -> Any:
    """Built once per dialect: a statement object reused with new parameters skips
    SQLAlchemy's per-call cache-key and coercion work (values come from the parameters;
    column defaults still apply)."""
    # Imported here: a server on SQLite never loads the PostgreSQL dialect, nor the reverse.
    dml = importlib.import_module(f"sqlalchemy.dialects.{dialect}")
    table = OutboxMessage.__table__
    return (dml.insert(table).on_conflict_do_nothing(index_elements=["dedupe_key"])
            .returning(table.c.id))


def _deliver_inbox(session: Session, row: OutboxMessage) -> str:
    msg = InboxMessage(
        resident_id=row.resident_id, household_id=row.household_id,
        department=row.address if row.medium == "staff" else None,
        address=row.address if row.medium in ("chat", "wechat") else None,
        kind=row.kind, title=row.title, body=row.body, matter_number=row.matter_number,
    )
    session.add(msg)
    session.flush()
    return f"inbox:{msg.id}"


LOCAL_MEDIA = ("inbox", "staff", "chat")


def deliver_due(sessions: sessionmaker, senders: dict[str, Sender], *, limit: int = 100,
                now: datetime | None = None) -> int:
    """Deliver due outbox rows; returns how many were delivered.

    Local media (inbox, staff alerts, chat replies) are written in the same transaction that
    marks the row sent, so they happen exactly once. Remote media (SMS, WeChat) are claimed
    first (pending → sending) in their own transaction, so two workers never both send a row;
    a claim that never completed (a crash mid-send) is marked `unknown` for staff instead of
    being sent again.
    """
    now = now or utcnow()
    delivered = 0
    with sessions() as session, session.begin():
        session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.status == "sending", OutboxMessage.claimed_at < now - STALE_CLAIM)
            .values(status="unknown", error="claimed but never confirmed; not resent"))
        ids = session.scalars(
            select(OutboxMessage.id)
            .where(OutboxMessage.status == "pending", OutboxMessage.next_attempt_at <= now)
            .order_by(OutboxMessage.id).limit(limit)).all()
    for row_id in ids:
        with sessions() as session, session.begin():
            claimed = session.execute(
                update(OutboxMessage)
                .where(OutboxMessage.id == row_id, OutboxMessage.status == "pending")
                .values(status="sending", claimed_at=now, attempts=OutboxMessage.attempts + 1))
            if claimed.rowcount != 1:
                continue  # another worker has it
            row = session.get(OutboxMessage, row_id)
            assert row is not None
            if row.medium in LOCAL_MEDIA:
                row.provider_ref = _deliver_inbox(session, row)
                row.status, row.sent_at = "sent", now
                delivered += 1
                continue
        # Remote send happens outside any open transaction.
        sender = senders.get(row.medium)
        status, ref, error = "sent", None, None
        if sender is None:
            status, error = "failed", f"no sender for medium {row.medium!r}"
        else:
            try:
                ref = sender(row)
            except SendError as exc:
                error = str(exc)
                status = "failed" if exc.permanent or row.attempts >= MAX_ATTEMPTS else "pending"
            except Exception as exc:  # a bug in an adapter must not stop the outbox
                log.exception("sender %s failed", row.medium)
                error = repr(exc)
                status = "failed" if row.attempts >= MAX_ATTEMPTS else "pending"
        with sessions() as session, session.begin():
            values: dict = {"status": status, "error": error}
            if status == "sent":
                values.update(sent_at=utcnow(), provider_ref=ref)
                delivered += 1
            elif status == "pending":
                values["next_attempt_at"] = utcnow() + timedelta(seconds=30 * 2 ** row.attempts)
            session.execute(update(OutboxMessage).where(OutboxMessage.id == row_id).values(**values))
    return delivered
