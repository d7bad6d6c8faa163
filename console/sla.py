"""SLA clock status of a matter, as a colour class and words for the queue and matter pages."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from console import i18n

DUE_SOON = timedelta(hours=2)


@dataclass(frozen=True)
class ClockStatus:
    css: str  # sla-closed | sla-escalated | sla-overdue | sla-soon | sla-ok | sla-none
    label: str
    remaining: str


def clock_status(is_open: bool, due_at: str | None, overdue: bool, escalated: bool,
                 now: datetime | None = None) -> ClockStatus:
    """Colour and words for one matter's clock (red overdue, amber within 2 h, green)."""
    now = now or datetime.now(UTC)
    if not is_open:
        return ClockStatus("sla-closed", i18n.tr("sla.closed"), "")
    due = i18n.parse_time(due_at)
    left = (due - now) if due else None
    remaining = ""
    if left is not None:
        remaining = (i18n.tr("sla.left", time=i18n.duration(left)) if left.total_seconds() >= 0
                     else i18n.tr("sla.late_by", time=i18n.duration(-left)))
    if escalated:
        return ClockStatus("sla-escalated", i18n.tr("sla.escalated"), remaining)
    if overdue or (left is not None and left.total_seconds() < 0):
        return ClockStatus("sla-overdue", i18n.tr("sla.overdue"), remaining)
    if left is None:
        return ClockStatus("sla-none", i18n.tr("sla.no_clock"), "")
    if left <= DUE_SOON:
        return ClockStatus("sla-soon", i18n.tr("sla.due_soon"), remaining)
    return ClockStatus("sla-ok", i18n.tr("sla.on_time"), remaining)
