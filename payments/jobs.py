"""Payments' periodic jobs: hold expiry, orders, late-payment refunds, bill reminders,
settlement."""

from __future__ import annotations

import logging
from datetime import date

from channel_core.db import utcnow
from channel_core.jobs.runner import JobRegistry
from payments.context import Payments

log = logging.getLogger(__name__)


def expire_holds(pctx: Payments) -> int:
    """Release holds past their expiry."""
    from payments.ledger import expire_holds as expire

    return expire(pctx.db.sessions)


def follow_orders(pctx: Payments) -> int:
    """Post or release order holds, and settle orders on household bills, as their orders
    are delivered or cancelled."""
    from payments.bills.orders import follow_billed_orders
    from payments.matters import follow_orders as follow

    return follow(pctx.db.sessions, pctx.catalog) + \
        follow_billed_orders(pctx.db.sessions, pctx.catalog)


def refund_late(pctx: Payments) -> int:
    """Refund money collected for intents that were already cancelled."""
    from payments.providers.service import refund_late_payments

    return refund_late_payments(pctx)


def remind_bills(pctx: Payments, today: date | None = None) -> int:
    """Weekly reminders for overdue bills through the core's outbox."""
    from payments.bills.service import remind_overdue
    from payments.settlement.service import business_day

    with pctx.db.session() as s:
        return remind_overdue(s, pctx.payees, today or business_day(utcnow()))


def settle(pctx: Payments) -> int:
    """After the 00:00 Asia/Shanghai cut-off, settle every closed day not yet settled."""
    from payments.settlement.service import last_closed_day, settle_through

    return sum(1 for r in settle_through(pctx, last_closed_day()) if r.newly_settled)


def register(registry: JobRegistry, pctx: Payments) -> None:
    """Add payments' jobs to the portal's job registry (in-process or Celery beat)."""
    registry.register("payments.expire_holds", lambda: expire_holds(pctx), 60.0)
    registry.register("payments.follow_orders", lambda: follow_orders(pctx), 30.0)
    registry.register("payments.refund_late", lambda: refund_late(pctx), 300.0)
    registry.register("payments.bill_reminders", lambda: remind_bills(pctx), 3600.0)
    registry.register("payments.settlement", lambda: settle(pctx), 300.0)
