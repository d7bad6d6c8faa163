"""A catalog field's date bounds as every medium reads them.

The catalog writes a date field's min/max as 'today', 'today+Nd', 'today-Nd' or an ISO date;
the TV's day lists, the kiosk's calendar and its offline checks all resolve them here, so they
cannot disagree about which days a field allows.
"""

from __future__ import annotations

import re
from datetime import date, timedelta

_DATE_BOUND = re.compile(r"^today([+-]\d+)d$|^today$")


def resolve_date_bound(value: object, today: date) -> date | None:
    """A catalog date bound ('today', 'today+30d', 'today-1d' or ISO) as a date; None when
    `value` is not a string or not a bound."""
    if not isinstance(value, str):
        return None
    m = _DATE_BOUND.match(value)
    if m:
        return today + timedelta(days=int(m.group(1) or 0))
    try:
        return date.fromisoformat(value)
    except ValueError:
        return None
