"""Celery takes over the in-process jobs at scale: `celery -A channel_core.jobs.celery_app worker -B`.

Each registered job becomes a task named `portal.<job>` on a beat schedule with the same
interval; the functions are the very ones the in-process runner calls.
"""

from __future__ import annotations

from celery import Celery

from channel_core.config import PortalConfig


def make_celery(config: PortalConfig | None = None) -> Celery:
    """A Celery app whose tasks and beat schedule mirror the portal's job registry."""
    from portal.server import create_server_app

    config = config or PortalConfig.from_env(jobs="celery")
    flask_app = create_server_app(config)
    registry = flask_app.extensions["portal"].jobs
    celery = Celery("portal", broker=config.celery_broker_url)
    celery.conf.update(task_acks_late=True, worker_prefetch_multiplier=1, timezone="UTC",
                       task_default_queue="portal-jobs")
    schedule = {}
    for job in registry.jobs.values():
        def run(job_name: str = job.name) -> object:
            with flask_app.app_context():
                return registry.run(job_name)

        task = celery.task(name=f"portal.{job.name}")(run)
        schedule[job.name] = {"task": task.name, "schedule": job.interval_s}
    celery.conf.beat_schedule = schedule
    celery.flask_app = flask_app  # type: ignore[attr-defined]
    return celery


def __getattr__(name: str):
    # `celery -A channel_core.jobs.celery_app` looks up `app`/`celery`: build it on demand.
    if name in ("app", "celery"):
        return make_celery()
    raise AttributeError(name)
