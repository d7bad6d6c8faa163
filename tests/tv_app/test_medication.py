"""Medicine reminders on the TV: a due dose alerts (and is said) once; on Messages › Reminders
OK marks a dose taken at the core. Only remote keys, against a real portal over HTTP."""

from __future__ import annotations

import time
from datetime import datetime, timedelta

import pytest

from channel_core.care import medication
from channel_core.care.medication import remind_due
from channel_core.jobs import core_jobs
from channel_render.clock import COMMUNITY_TZ
from portal_client.types import PortalUnavailable
from tests.conftest import client_for, staff_client
from tests.tv_app.checks import screen_ok
from tests.tv_app.conftest import BACK, OK
from tests.tv_app.netproxy import Proxy

H1 = "阳光花园 3 号楼 2 单元 501"  # STB-DEMO-0001


def set_up(app, medicine: str, dose: str, hhmm: str) -> None:
    staff = staff_client(app, "zhao.min")
    hid = next(h["id"] for h in staff.get("/api/v1/care/households")["items"]
               if h["address"] == H1)
    staff.post(f"/api/v1/care/households/{hid}/medication",
               {"medicine": medicine, "dose": dose, "times": [hhmm]})


def run_core_jobs(app) -> None:
    state = app.extensions["portal"]
    remind_due(state.db, 60)
    core_jobs.deliver_outbox(state.db, state.senders)


def said(tv, text: str) -> int:
    return sum(text in s.text for s in tv.app.narrator.history)


def test_due_dose_alerts_once_and_ok_marks_it_taken(tv_factory, live_server):
    app = live_server.app
    now = datetime.now(COMMUNITY_TZ)
    if now.hour == 23 and now.minute >= 55:  # "later today" (23:59) must not be due yet,
        time.sleep((60 - now.minute) * 60 - now.second + 2)  # nor today end mid-test
        now = datetime.now(COMMUNITY_TZ)
    due = max(now - timedelta(minutes=1), now.replace(hour=0, minute=0)).strftime("%H:%M")
    set_up(app, "氨氯地平", "1 片", due)
    set_up(app, "二甲双胍", "0.5 克", "23:59")  # later today: listed, not due
    tv = tv_factory(live_server.url, refresh_s=0.3)
    tv.wait(lambda: tv.app.household is not None)
    tv.qtbot.wait(800)
    assert not tv.app.window.alert.isVisible()  # not reminded by the core yet
    run_core_jobs(app)

    alert = tv.app.window.alert
    tv.wait(alert.isVisible)
    assert alert.heading.text() == "吃药时间到了"
    assert f"{due} 氨氯地平，1 片" in alert.text.text() and "二甲双胍" not in alert.text.text()
    assert tv.focused is alert.ok
    screen_ok(tv)
    tv.wait(lambda: said(tv, "吃药时间到了") == 1)
    tv.press(OK)
    assert not alert.isVisible()
    tv.qtbot.wait(1200)  # several more refreshes: the same dose never alerts again
    assert not alert.isVisible() and said(tv, "吃药时间到了") == 1

    tv.focus_to("tile_messages")
    tv.press(OK)
    tv.wait_screen("messages")
    tv.focus_to("tile_reminders")
    tv.press(OK)
    tv.wait_screen("list_reminders")
    rows = tv.screen.rows.rows
    tv.wait(lambda: "氨氯地平" in rows[0].text())
    assert rows[0].text() == f"{due} 氨氯地平 1 片 · 未服"
    assert rows[1].text() == "23:59 二甲双胍 0.5 克 · 未服"
    assert tv.focused is rows[0]
    assert "按确认键记下已服" in rows[0].property("speech")
    screen_ok(tv)
    tv.press(OK)
    tv.wait(lambda: "已服" in rows[0].text() and "未服" not in rows[0].text())
    assert rows[0].text() == f"✓ {due} 氨氯地平 1 片 · 已服"
    assert "已记下：氨氯地平 已服" in tv.app.window.hint.text()
    box = client_for(app, "tv")
    box.sign_in_box("STB-DEMO-0001")
    assert [(d.medicine, d.taken) for d in box.medication_today()] == [
        ("氨氯地平", True), ("二甲双胍", False)]
    tv.press(OK)  # again: nothing changes, and it says so
    assert "已经记下已服" in tv.app.window.hint.text()
    tv.press(BACK)
    tv.wait_screen("messages")


def test_home_keeps_check_in_and_unread_when_only_medication_fails(tv, live_server, monkeypatch):
    def broken(*_a, **_kw):
        raise RuntimeError("medication store broken")

    monkeypatch.setattr(medication, "today_doses", broken)  # the core answers 500 there only
    box = client_for(live_server.app, "tv")
    box.sign_in_box("STB-DEMO-0001")
    box.check_in()
    box.submit_matter("gov.policy-enquiry", {"topic": "medical", "question": "医保报销"}, "tv")
    run_core_jobs(live_server.app)  # its status notice reaches the household's inbox
    unread = len(box.inbox(unread=True))
    assert unread > 0
    home = tv.app.home_screen
    home.refresh()
    tv.wait(lambda: home.status is not None and home.status.checked_in)
    assert home.status.unread == unread and home.status.due_doses == ()
    assert "今天已报平安" in home.checkin.text() and f"{unread}条未读" in home.messages.text()
    assert tv.app.care.reachable is not False and home.banner.property("level") == "ok"


def test_home_status_still_fails_when_the_server_drops_the_medication_answer(
        tv_factory, live_server):
    proxy = Proxy(live_server.server.server_port).up()
    tv = tv_factory(proxy.url)
    tv.wait(lambda: tv.app.home_screen.status is not None)  # the start's own refresh is done
    proxy.swallow(b"/medication/today")
    with pytest.raises(PortalUnavailable):
        tv.app.backend.home_status()
    assert proxy.swallowed == 1
    proxy.down()
