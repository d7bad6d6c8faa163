"""The console's TV preview of a service is what the TV asks with the remote: the same steps
in the same order, each listing the options the TV shows, in the TV's own words (days as
"今天…", prices beside set meals)."""

from __future__ import annotations

from console import preview
from portal_client.i18n import pick
from tests.conftest import client_for
from tests.tv_app.conftest import OK
from tests.tv_app.test_orders import start_meal_order

SERVICE = "ordering.canteen-meal"


def test_the_tv_preview_is_what_the_tv_asks(tv, live_server):
    body = client_for(live_server.app, "tv").get(f"/api/v1/services/{SERVICE}")
    plan = preview.tv_plan(body, "zh_CN")
    assert plan.household and not plan.callback  # the delivery address comes from the box
    start_meal_order(tv)
    seen = []
    for _ in range(len(plan.steps) + 1):
        tv.wait(lambda: tv.screen.name == "review" or tv.screen.name.startswith("step_"))
        if tv.screen.name == "review":
            break
        screen = tv.screen
        seen.append((pick(screen.step.field.label, "zh_CN"), screen.step.part or screen.step.kind,
                     tuple(screen._texts[:preview.MAX_TV_OPTIONS]),
                     len(screen._texts) > preview.MAX_TV_OPTIONS))
        if screen.step.kind == "multi":
            tv.focus_to("done")
        tv.press(OK)
        tv.wait(lambda s=screen: tv.screen is not s)
    assert len(seen) >= 5
    assert seen == [(s.label, s.kind, s.options, s.more) for s in plan.steps]
