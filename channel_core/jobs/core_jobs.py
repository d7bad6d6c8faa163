"""The core's own periodic work: SLA clocks and the notification outbox."""

from __future__ import annotations

from datetime import datetime

from channel_core.catalog.catalog import Catalog
from channel_core.db import Database, utcnow
from channel_core.matters import service as matters
from channel_core.matters.models import MatterEvent
from channel_core.notify.outbox import Sender, deliver_due
from channel_core.workflows import engine


def check_clocks(db: Database, catalog: Catalog, now: datetime | None = None) -> int:
    """Escalate and notify every overdue clock; returns how many clocks fired."""
    now = now or utcnow()
    fired = 0
    with db.session() as session:
        ids = [c.id for c in engine.overdue_clocks(session, now)]
    for clock_id in ids:
        with db.session() as session:
            from channel_core.matters.models import MatterClock

            clock = session.get(MatterClock, clock_id, with_for_update=db.is_postgres)
            if clock is None or clock.stopped_at is not None:
                continue
            if clock not in engine.overdue_clocks(session, now):
                continue
            matter, event, first = engine.breach(session, clock, now)
            last = session.query(MatterEvent).filter_by(matter_id=matter.id).order_by(
                MatterEvent.id.desc()).first()
            assert last is not None  # breach() just recorded an event
            matters.page_department(session, catalog, matter, last,
                                    urgent=matter.workflow == "sos")
            if event is not None:
                matters.notify_resident(session, catalog, matter, event)
            fired += 1
    return fired


def deliver_outbox(db: Database, senders: dict[str, Sender]) -> int:
    return deliver_due(db.sessions, senders)
