"""The daily "I'm OK": one press; a missed one becomes a matter for elder-care staff."""

from __future__ import annotations

from datetime import datetime, time

from channel_core.care.checkin import local_today, raise_missed
from channel_render.clock import COMMUNITY_TZ
from tests.conftest import client_for, staff_client
from tests.tv_app.conftest import OK
from tests.tv_app.netproxy import Proxy


def missed_matters(app) -> list[dict]:
    staff = staff_client(app, "zhao.min")
    return staff.queue(service_id="gov.daily-checkin-missed", per_page=100)["items"]


def run_deadline(app) -> list[str]:
    """The core's 10:00 job, run at local noon today (what PORTAL_CHECKIN_DEADLINE does)."""
    state = app.extensions["portal"]
    noon = datetime.combine(local_today(), time(12, 0), COMMUNITY_TZ)
    return raise_missed(state.db, state.catalog, time(10, 0), now=noon)


def status(app, box: str = "STB-DEMO-0001") -> dict:
    c = client_for(app, "tv")
    c.sign_in_box(box)
    return c.check_in_status()


def test_one_press_checks_in_and_only_the_silent_household_gets_a_matter(tv, live_server):
    home = tv.app.home_screen
    tv.wait(lambda: "还没有报平安" in home.banner.text())
    assert tv.focused is home.checkin
    tv.press(OK)
    tv.wait(lambda: any("已报平安" in s.text for s in tv.app.narrator.history))
    assert "已报平安" in home.checkin.text() and "已报平安" in home.banner.text()
    assert status(live_server.app)["checked_in"]
    tv.press(OK)  # again: said once a day, nothing new
    assert "已经报过平安" in tv.app.window.hint.text()
    raised = run_deadline(live_server.app)
    items = missed_matters(live_server.app)
    assert len(raised) == 1 and [m["number"] for m in items] == raised
    assert items[0]["contact_name"] == "陳美玲"  # household 2 (STB-DEMO-0002) stayed silent


def test_no_press_by_the_deadline_raises_a_matter_for_this_household(tv, live_server):
    tv.wait(lambda: "还没有报平安" in tv.app.home_screen.banner.text())
    run_deadline(live_server.app)
    names = {m["contact_name"] for m in missed_matters(live_server.app)}
    assert names == {"王秀英", "陳美玲"}


def test_check_in_while_server_down_is_kept_and_sent(tv_factory, live_server, tmp_path):
    proxy = Proxy(live_server.server.server_port).up()
    tv = tv_factory(proxy.url, data_dir=tmp_path / "box")
    tv.wait(lambda: tv.app.household is not None)
    proxy.down()
    tv.press(OK)
    home = tv.app.home_screen
    tv.wait(lambda: any("已保存" in s.text for s in tv.app.narrator.history))
    assert "已保存" in home.banner.text() or "连不上" in home.banner.text()
    assert not status(live_server.app)["checked_in"]
    proxy.up()
    tv.wait(lambda: "已报平安" in home.checkin.text(), timeout=20000)
    assert status(live_server.app)["checked_in"]
    assert run_deadline(live_server.app) and all(
        m["contact_name"] != "王秀英" for m in missed_matters(live_server.app))
    proxy.down()
