"""An overdue clock escalates and notifies within a minute, by the real in-process job runner."""

import time
from datetime import timedelta

from sqlalchemy import select, update

from channel_core.api import start_jobs
from channel_core.config import PortalConfig
from channel_core.db import utcnow
from channel_core.matters.models import Matter, MatterClock
from channel_core.notify.models import OutboxMessage
from tests.channel_core.samples import sample_fields
from tests.conftest import _seeded_app, client_for

DEADLINE_AHEAD_S = 3.0
PROMISE_S = 60.0  # "escalates and notifies within a minute of its deadline"


def test_default_job_interval_keeps_the_one_minute_promise(monkeypatch):
    # The clock job wakes every interval; a breach is seen at most one interval late.
    assert PortalConfig().job_interval_s < PROMISE_S
    monkeypatch.setenv("PORTAL_JOB_INTERVAL", "2")
    assert PortalConfig.from_env().job_interval_s == 2.0


def test_running_scheduler_escalates_an_expiring_clock_within_a_minute(db_url):
    # The server's own job registry and runner, as `portal serve` starts them.
    app = _seeded_app(db_url, jobs="inprocess", job_interval_s=2.0)
    state = app.extensions["portal"]
    runner = start_jobs(app)
    assert runner is not None
    try:
        c = client_for(app, "kiosk", "zh_CN")
        c.sign_in_card("A1B2C3D4", "135790")
        svc = c.service("property.repair")
        m = c.submit_matter(svc.id, sample_fields(svc), "kiosk")
        deadline = utcnow() + timedelta(seconds=DEADLINE_AHEAD_S)
        with state.db.session() as s:
            matter_id = s.scalar(select(Matter.id).where(Matter.number == m.number))
            # The accept clock (2 h for a repair) set to run out a few seconds from now.
            s.execute(update(MatterClock).where(MatterClock.matter_id == matter_id,
                                                MatterClock.stopped_at.is_(None))
                      .values(deadline=deadline))
            s.execute(update(Matter).where(Matter.id == matter_id).values(due_at=deadline))
            s.commit()

        def seen() -> tuple[bool, int]:
            with state.db.session() as s:
                row = s.get(Matter, matter_id)
                assert row is not None
                pages = s.scalar(select(OutboxMessage.id).where(
                    OutboxMessage.matter_number == m.number, OutboxMessage.medium == "staff"))
                return row.escalated and row.state == "escalated", int(pages is not None)

        escalated_at = None
        while True:
            now = utcnow()
            escalated, paged = seen()
            if escalated and paged:
                escalated_at = now
                break
            if now < deadline - timedelta(seconds=0.5):
                assert not escalated and not paged, "escalated before its deadline"
            if now > deadline + timedelta(seconds=PROMISE_S):
                break
            time.sleep(0.25)
        assert escalated_at is not None, "not escalated and paged within a minute of its deadline"
        assert escalated_at - deadline < timedelta(seconds=PROMISE_S)
        with state.db.session() as s:
            clock = s.scalar(select(MatterClock).where(MatterClock.matter_id == matter_id,
                                                      MatterClock.breached_at.is_not(None)))
            assert clock is not None and clock.breached_at >= deadline
        # The resident hears of it too, through the outbox the same runner delivers.
        for _ in range(40):
            if any(i.matter_number == m.number and "督办" in i.body for i in c.inbox()):
                break
            time.sleep(0.25)
        else:
            raise AssertionError("the resident's inbox never got the escalation")
    finally:
        runner.stop()
        app.extensions["portal"].db.dispose()
