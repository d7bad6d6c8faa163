"""A catalog field's 'today…' and 'now…' bounds are checked on the community's clock
(Asia/Shanghai), whatever zone the machine loading the content runs in."""

import os
import time
from datetime import UTC, date, datetime, timedelta

import pytest

from channel_core.catalog import schema
from channel_core.matters import validate

INSTANT = datetime(2026, 3, 1, 20, 0, tzinfo=UTC)  # 2 March, 04:00 in Shanghai


class _FixedClock(datetime):
    """`datetime` whose now() is INSTANT (naive: in the machine's zone, as the real one)."""

    @classmethod
    def now(cls, tz=None):
        return INSTANT.astimezone(tz) if tz else INSTANT.astimezone().replace(tzinfo=None)


@pytest.fixture
def utc_machine():
    """The machine's zone is UTC for the test (tests otherwise run in Asia/Shanghai)."""
    before = os.environ.get("TZ")
    os.environ["TZ"] = "UTC"
    time.tzset()
    try:
        yield
    finally:
        if before is None:
            del os.environ["TZ"]
        else:
            os.environ["TZ"] = before
        time.tzset()


def test_bounds_are_checked_on_the_community_clock_not_the_machines(utc_machine, monkeypatch):
    seen: dict = {}
    date_bound, datetime_bound = schema.resolve_date_bound, schema.resolve_datetime_bound

    def spy_date(value, today):
        seen["today"] = today
        return date_bound(value, today)

    def spy_datetime(value, now):
        seen["now"] = now
        return datetime_bound(value, now)

    monkeypatch.setattr(schema, "datetime", _FixedClock)
    monkeypatch.setattr(schema, "resolve_date_bound", spy_date)
    monkeypatch.setattr(schema, "resolve_datetime_bound", spy_datetime)
    label = {"zh_CN": "时间", "zh_TW": "時間", "en": "When"}
    schema.FieldDef(key="day", type="date", label=label, min="today+1d")
    schema.FieldDef(key="at", type="datetime", label=label, min="now+2h")
    assert seen["today"] == date(2026, 3, 2)  # already 2 March in the community
    assert seen["now"] == INSTANT and seen["now"].utcoffset() == timedelta(hours=8)


def test_the_core_has_one_community_zone():
    assert validate.COMMUNITY_TZ is schema.COMMUNITY_TZ
    assert str(schema.COMMUNITY_TZ) == "Asia/Shanghai"
