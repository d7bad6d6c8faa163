"""Notifications: a durable outbox delivered once, and the per-resident inbox."""

from channel_core.notify.outbox import Notice, SendError, deliver_due, enqueue

__all__ = ["Notice", "SendError", "deliver_due", "enqueue"]
