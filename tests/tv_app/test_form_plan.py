"""How catalog fields become remote steps (lists, digits, the household's address, call-back)."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import pytest
import yaml

from channel_render import remote_plan
from channel_render.clock import COMMUNITY_TZ
from channel_render.remote_plan import CHOICE, DAY, DIGITS, MULTI, SLOT, plan_for
from portal_client.types import Field, Service

CONTENT = Path(__file__).resolve().parents[2] / "content" / "services"
NOW = datetime(2026, 11, 24, 9, 30, tzinfo=COMMUNITY_TZ)
ADDRESS = "阳光花园 3 号楼 2 单元 501"


def service(sid: str) -> Service:
    d = yaml.safe_load((CONTENT / f"{sid}.yaml").read_text(encoding="utf-8"))
    return Service.from_json(d)


def field(**kw) -> Field:
    base = {"key": "x", "type": "text", "required": True, "label": {"en": "X"}}
    return Field.from_json({**base, **kw})


def test_canteen_meal_is_all_lists_with_the_household_address():
    p = plan_for(service("ordering.canteen-meal"), ADDRESS, NOW)
    assert [(s.key, s.kind) for s in p.steps] == [
        ("meal_date", DAY), ("meal", CHOICE), ("set_meal", CHOICE), ("quantity", CHOICE),
        ("dietary", MULTI), ("delivery", CHOICE)]
    assert p.fixed == {"address": ADDRESS} and not p.needs_callback
    assert [o.value for o in p.steps[0].options][:2] == ["2026-11-24", "2026-11-25"]
    assert len(p.steps[0].options) == 7  # today … today+6d
    assert [o.value for o in p.steps[3].options] == [1, 2, 3, 4, 5]
    answers = {("meal_date", None): "2026-11-24", ("meal", None): "lunch",
               ("set_meal", None): "a", ("quantity", None): 3, ("dietary", None): [],
               ("delivery", None): "deliver"}
    values = remote_plan.values(p, answers)
    assert values == {"address": ADDRESS, "meal_date": "2026-11-24", "meal": "lunch",
                      "set_meal": "a", "quantity": 3, "delivery": "deliver"}
    assert remote_plan.total_minor(p.service, values) == 4500


def test_datetime_is_a_day_then_an_hour_slot_and_phone_is_digits():
    p = plan_for(service("housekeeping.cleaning"), ADDRESS, NOW)
    kinds = [(s.key, s.kind, s.part) for s in p.steps]
    assert ("service_time", DAY, "day") in kinds and ("service_time", SLOT, "slot") in kinds
    assert ("phone", DIGITS, None) in kinds
    slots = remote_plan.slot_times(p.steps[1].field, NOW.date(), NOW)
    assert [o.value for o in slots][0] == "11:00"  # not within the hour, never in the past
    answers = {("service_time", "day"): "2026-11-25", ("service_time", "slot"): "14:00"}
    assert remote_plan.values(p, answers)["service_time"] == "2026-11-25T14:00"


def test_required_free_text_or_id_number_needs_a_call_back():
    p = plan_for(service("housekeeping.elder-visit"), ADDRESS, NOW)
    assert p.needs_callback and [f.key for f in p.blockers] == ["elder_name"]
    p = plan_for(service("themed.hospital-registration"), ADDRESS, NOW)
    assert {f.key for f in p.blockers} == {"patient_name", "id_number"}
    p = plan_for(service("ordering.community-shop"), ADDRESS, NOW)
    assert not p.needs_callback and "note" in p.skipped


@pytest.mark.parametrize("f,expect", [
    (field(type="text", pattern=r"^\d{8,12}$"), (8, 12)),
    (field(type="text", pattern=r"^[0-9]{6}$"), (6, 6)),
    (field(type="text", pattern=r"^\d+$"), (1, 30)),
    (field(type="phone"), (7, 12)),
    (field(type="text", pattern=r"^[A-Z]\d+$"), None),
    (field(type="text"), None),
])
def test_digit_only_fields(f, expect):
    assert remote_plan.digit_bounds(f) == expect


def test_day_lists_stay_short_and_sensible():
    today = date(2026, 11, 24)
    long_ahead = remote_plan.day_options(field(type="date", min="today+1d", max="today+180d"), today)
    assert len(long_ahead) == 14 and long_ahead[0].value == "2026-11-25"
    past = remote_plan.day_options(field(type="date", min="today-30d", max="today"), today)
    assert past[0].value == "2026-11-24" and len(past) == 14  # latest first
    assert remote_plan.day_options(field(type="date", min="today+3d", max="today+1d"), today) == ()


def test_numbers_money_and_skipped_optional_fields():
    small = field(type="number", min=1, max=5)
    big = field(type="number", min=1, max=500)
    money = field(type="money")
    svc = Service.from_json({"id": "t.t", "family": "gov", "title": {}, "summary": {},
                             "workflow": "order", "handler": "x",
                             "fields": [small.__dict__ | {"key": "a", "choices": []},
                                        big.__dict__ | {"key": "b", "choices": []},
                                        money.__dict__ | {"key": "c", "choices": []},
                                        {"key": "d", "type": "photo", "required": False,
                                         "label": {}}]})
    p = plan_for(svc, None, NOW)
    assert [(s.key, s.kind) for s in p.steps] == [("a", CHOICE), ("b", DIGITS), ("c", DIGITS)]
    assert p.skipped == ("d",)
    assert remote_plan.api_value(p.steps[1], "42") == 42
    assert remote_plan.api_value(p.steps[2], "120") == "120.00"
