"""Refunds, daily settlement at the Asia/Shanghai cut-off, payouts and reconciliation."""

from payments.settlement.service import (
    GRACE,
    business_day,
    last_closed_day,
    settle_day,
    settle_through,
    window,
)

__all__ = ["GRACE", "business_day", "last_closed_day", "settle_day", "settle_through", "window"]
