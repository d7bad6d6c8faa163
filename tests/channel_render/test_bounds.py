"""A catalog date bound means the same day on the TV, the kiosk's calendar and its offline checks."""

from datetime import date, datetime

import pytest

import channel_render
from channel_render import remote_plan, resolve_date_bound
from portal_client.types import Field
from qt_common import checks
from qt_common.fields import when

TODAY = date(2026, 2, 27)


@pytest.mark.parametrize(("bound", "day"), [
    ("today", date(2026, 2, 27)),
    ("today+2d", date(2026, 3, 1)),
    ("today-30d", date(2026, 1, 28)),
    ("today+0d", date(2026, 2, 27)),
    ("2026-05-04", date(2026, 5, 4)),
])
def test_bounds_resolve_to_days(bound, day):
    assert resolve_date_bound(bound, TODAY) == day


@pytest.mark.parametrize("bound", [None, 7, 1.5, "", "today+2", "today+2h", "tomorrow",
                                   "now+1d", "2026-02-30"])
def test_anything_else_is_no_bound(bound):
    assert resolve_date_bound(bound, TODAY) is None


def test_every_channel_reads_bounds_with_the_one_parser():
    assert channel_render.resolve_date_bound is resolve_date_bound
    for module in (remote_plan, when, checks):
        assert module.resolve_date_bound is resolve_date_bound, module.__name__


def test_tv_days_and_kiosk_checks_agree_on_a_bounded_field():
    f = Field(key="visit", type="date", required=True, label={"en": "Day"},
              min="today+1d", max="today+3d")
    days = [o.value for o in remote_plan.day_options(f, TODAY)]
    assert days == ["2026-02-28", "2026-03-01", "2026-03-02"]
    assert checks.refusal(f, "2026-02-27", today=TODAY).key == "check.date_min"
    assert checks.refusal(f, "2026-03-02", today=TODAY) is None
    assert checks.refusal(f, "2026-03-03", today=TODAY).key == "check.date_max"


def test_datetime_bound_of_a_day_is_its_midnight():
    now = datetime(2026, 2, 27, 9, 30, tzinfo=remote_plan.COMMUNITY_TZ)
    f = Field(key="at", type="datetime", required=True, label={"en": "When"}, min="today+1d")
    days = [o.value for o in remote_plan.datetime_days(f, now)]
    assert days[0] == "2026-02-28"
    f_bad = Field(key="at", type="datetime", required=True, label={"en": "When"}, min="today+1h")
    assert [o.value for o in remote_plan.datetime_days(f_bad, now)][0] == "2026-02-27"
