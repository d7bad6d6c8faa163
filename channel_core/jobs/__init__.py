"""Background work behind one interface: in-process threads by default, Celery at scale."""

from channel_core.jobs.runner import InProcessRunner, Job, JobRegistry

__all__ = ["InProcessRunner", "Job", "JobRegistry"]
