"""Periodic jobs (SLA clocks, outbox, settlement...) and the in-process runner."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Job:
    name: str
    fn: Callable[[], object]
    interval_s: float


class JobRegistry:
    """Named periodic jobs; the same functions run in-process or as Celery beat tasks."""

    def __init__(self) -> None:
        self.jobs: dict[str, Job] = {}

    def register(self, name: str, fn: Callable[[], object], interval_s: float) -> None:
        self.jobs[name] = Job(name, fn, interval_s)

    def run(self, name: str) -> object:
        return self.jobs[name].fn()

    def run_all(self) -> dict[str, object]:
        """Run every job once now (tests, `portal jobs run`)."""
        return {name: job.fn() for name, job in self.jobs.items()}


class InProcessRunner:
    """One daemon thread per job, each waking every interval until stopped."""

    def __init__(self, registry: JobRegistry) -> None:
        self.registry = registry
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []

    def start(self) -> None:
        for job in self.registry.jobs.values():
            t = threading.Thread(target=self._loop, args=(job,), name=f"job-{job.name}",
                                 daemon=True)
            t.start()
            self._threads.append(t)

    def _loop(self, job: Job) -> None:
        while not self._stop.wait(job.interval_s):
            try:
                job.fn()
            except Exception:  # keep the loop alive; the next run retries
                log.exception("job %s failed", job.name)

    def stop(self) -> None:
        self._stop.set()
        for t in self._threads:
            t.join(timeout=5)
