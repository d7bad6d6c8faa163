"""The community's clock: the zone whose "today" a date bound, a check-in day, a dose time and
a settlement cut-off mean, on the core and in every channel alike."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

COMMUNITY_TZ = ZoneInfo("Asia/Shanghai")


def community_today() -> date:
    """Today's date in the community (not the machine's zone)."""
    return datetime.now(COMMUNITY_TZ).date()
