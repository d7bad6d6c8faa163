"""Background jobs: the in-process runner, and Celery running the same jobs over RabbitMQ."""

import threading
import time
from datetime import timedelta

from sqlalchemy import select

from channel_core.db import utcnow
from channel_core.jobs.runner import InProcessRunner, JobRegistry
from channel_core.matters.models import Matter, MatterClock
from tests.channel_core.samples import sample_fields
from tests.conftest import client_for, make_config


def test_in_process_runner_runs_each_job_repeatedly():
    reg = JobRegistry()
    hits = []
    reg.register("tick", lambda: hits.append(1), 0.05)
    runner = InProcessRunner(reg)
    runner.start()
    time.sleep(0.4)
    runner.stop()
    assert len(hits) >= 3


def test_celery_worker_escalates_overdue_matter(sqlite_url):
    from channel_core.jobs.celery_app import make_celery

    cfg = make_config(sqlite_url, jobs="celery",
                      celery_broker_url="amqp://guest:guest@127.0.0.1:5672//")
    celery = make_celery(cfg)
    app = celery.flask_app
    c = client_for(app, "kiosk")
    svc = c.service("property.repair")
    m = c.submit_matter(svc.id, sample_fields(svc), "kiosk")
    db = app.extensions["portal"].db
    with db.session() as s:
        for clock in s.scalars(select(MatterClock)):
            clock.deadline = utcnow() - timedelta(seconds=1)
    assert {"sla_clocks", "outbox", "checkin_missed"} <= set(celery.conf.beat_schedule)
    worker = celery.Worker(pool="solo", concurrency=1, loglevel="WARNING", quiet=True,
                           queues=["portal-jobs"], without_heartbeat=True, without_mingle=True,
                           without_gossip=True)
    t = threading.Thread(target=worker.start, daemon=True)
    t.start()
    try:
        result = celery.send_task("portal.sla_clocks", queue="portal-jobs")
        assert result.id
        deadline = time.monotonic() + 30
        state = None
        while time.monotonic() < deadline:
            with db.session() as s:
                state = s.scalar(select(Matter.state).where(Matter.number == m.number))
            if state == "escalated":
                break
            time.sleep(0.2)
        assert state == "escalated"
    finally:
        # The broadcast stops the worker in its own thread; stopping it from this thread as
        # well races the broadcast (this thread's pidbox may receive it: WorkerShutdown here).
        celery.control.shutdown()
        t.join(timeout=15)
        if t.is_alive():
            worker.stop()
            t.join(timeout=10)
        assert not t.is_alive()
