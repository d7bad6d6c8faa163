"""Valid sample answers for any catalog field, as a resident would give them."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal

from channel_render.clock import COMMUNITY_TZ
from portal_client.types import Field, Service

VALID_ID = "11010519491231002X"


def sample_value(f: Field) -> object:
    t = f.type
    if t == "choice":
        return f.choices[0].value
    if t == "multichoice":
        return [f.choices[0].value]
    if t == "yesno":
        return True
    if t == "phone":
        return "13800000009"
    if t == "idcard":
        return VALID_ID
    if t == "photo":
        return "https://example.org/photo.jpg"
    if t == "date":
        from channel_core.catalog.schema import resolve_date_bound

        today = datetime.now(COMMUNITY_TZ).date()  # the community's date, as the core checks
        lo = resolve_date_bound(f.min, today) if isinstance(f.min, str) else None
        hi = resolve_date_bound(f.max, today) if isinstance(f.max, str) else None
        d = today + timedelta(days=1)
        if hi is not None and d > hi:
            d = hi
        if lo is not None and d < lo:
            d = lo
        return d.isoformat()
    if t == "time":
        return "10:30"
    if t == "datetime":
        return (datetime.now(COMMUNITY_TZ) + timedelta(days=2)).replace(hour=10, minute=0).strftime(
            "%Y-%m-%dT%H:%M")
    if t in ("number", "money"):
        lo = Decimal(str(f.min)) if f.min is not None else Decimal("1")
        hi = Decimal(str(f.max)) if f.max is not None else lo + 100
        v = max(lo, min(hi, Decimal("1") if lo <= 1 else lo))
        if t == "money":
            return str(v.quantize(Decimal("0.01")))
        return int(v) if v == v.to_integral_value() else str(v)
    if f.pattern:
        return pattern_sample(f.pattern)
    return "3号楼2单元501" if t == "address" else "测试内容 sample"


def pattern_sample(pattern: str) -> str:
    """A string matching the simple patterns content authors use (digits, letters)."""
    import re
    import warnings

    import hypothesis.strategies as st

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return st.from_regex(re.compile(pattern), fullmatch=True).example()


def sample_fields(svc: Service) -> dict:
    return {f.key: sample_value(f) for f in svc.fields}
