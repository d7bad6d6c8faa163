"""SOS: at most two presses, exactly one matter, acknowledgement shown, durable when offline."""

from __future__ import annotations

import pytest

from tests.conftest import staff_client
from tests.tv_app.checks import screen_ok
from tests.tv_app.conftest import HOME, LEFT, OK, RED, SOS
from tests.tv_app.netproxy import Proxy
from tv_app.pending import ACKNOWLEDGED, QUEUED, RAISED

HOTLINE = "010-84623600"  # the elder-care centre in content/departments.yaml


def sos_matters(app) -> list[dict]:
    staff = staff_client(app, "zhao.min")
    return staff.queue(service_id="gov.sos", per_page=100)["items"]


def test_red_key_raises_one_sos_and_shows_acknowledgement(tv, live_server):
    tv.press(RED)  # one press, from anywhere
    tv.wait_screen("sos")
    sos = tv.screen
    tv.wait(lambda: "救援马上就到" in sos.status.text())
    number = tv.app.pending.active_sos().matter_number
    assert tv.app.pending.active_sos().state == RAISED
    screen_ok(tv)
    assert number and " ".join([number[:3], number[3:6], number[6:]]) in sos.number.text()
    assert "救援马上就到" in sos.status.text()
    said = [s.text for s in tv.app.narrator.history]
    assert any("救援马上就到" in t for t in said)  # shown and spoken
    # a panicking second press and a held red key: still one matter
    tv.press(RED, gap=0.05)
    tv.press(SOS)
    tv.press(RED, held=True)
    assert [m["number"] for m in sos_matters(live_server.app)] == [number]
    m = sos_matters(live_server.app)[0]
    assert m["channel"] == "tv" and m["department"] == "elder-care"
    staff_client(live_server.app, "zhao.min").transition(number, "acknowledge")
    tv.wait(lambda: "工作人员已响应" in sos.status.text())
    assert tv.app.pending.active_sos().state == ACKNOWLEDGED
    assert "✓" in sos.step_ack.text()
    assert sos.state_line.text() == "当前状态：工作人员已响应"  # the workflow's own label
    assert any("工作人员已响应" in s.text for s in tv.app.narrator.history)


def test_sos_tile_is_two_presses_from_home_and_ack_alerts_elsewhere(tv, live_server):
    assert tv.screen.name == "home" and tv.focused.objectName() == "tile_checkin"
    tv.press(LEFT)
    assert tv.focused.objectName() == "tile_sos"
    tv.press(OK)  # the second press
    tv.wait_screen("sos")
    tv.wait(lambda: "救援马上就到" in tv.screen.status.text())
    number = tv.app.pending.active_sos().matter_number

    tv.press(HOME)
    assert tv.screen.name == "home"
    staff_client(live_server.app, "zhao.min").transition(number, "acknowledge")
    # away from the SOS screen the acknowledgement is an alert (the only kind of pop-up)
    tv.wait(lambda: tv.app.window.alert.isVisible())
    assert tv.focused is tv.app.window.alert.ok
    assert "工作人员已响应" in tv.app.window.alert.heading.text()
    screen_ok(tv)  # the alert: one focus, 10-foot text, inside the safe area
    tv.press(OK)
    assert not tv.app.window.alert.isVisible()
    assert tv.screen.name == "home" and tv.focused.isVisible()
    assert len(sos_matters(live_server.app)) == 1


def test_sos_while_server_down_is_kept_retried_and_sent_once(tv_factory, live_server, tmp_path):
    proxy = Proxy(live_server.server.server_port).up()
    data = tmp_path / "box"
    tv = tv_factory(proxy.url, data_dir=data)
    tv.wait(lambda: tv.app.backend.hotline() == HOTLINE)  # cached from the catalog
    proxy.down()
    tv.press(RED)
    tv.wait_screen("sos")
    sos = tv.screen
    tv.wait(lambda: HOTLINE in sos.status.text())
    assert HOTLINE in sos.status.text() and "已保存" in sos.status.text()
    assert any(HOTLINE in s.text for s in tv.app.narrator.history), tv.app.narrator.history
    tv.press(RED)
    assert len(tv.app.pending.queued()) == 1
    # the box restarts while the server is still down: the SOS is still there
    tv.app.close()
    tv2 = tv_factory(proxy.url, data_dir=data)
    tv2.wait_screen("sos")
    assert tv2.app.pending.active_sos().state == QUEUED
    assert HOTLINE in tv2.screen.status.text()
    assert sos_matters(live_server.app) == []
    # the line comes back but the first answer is lost after the core acted on it
    proxy.swallow(b"POST /api/v1/matters ")
    proxy.up()
    tv2.wait(lambda: "救援马上就到" in tv2.screen.status.text(), timeout=20000)
    assert tv2.app.pending.active_sos().state == RAISED
    assert proxy.swallowed == 1
    numbers = [m["number"] for m in sos_matters(live_server.app)]
    assert numbers == [tv2.app.pending.active_sos().matter_number]
    assert "救援马上就到" in tv2.screen.status.text()
    proxy.down()


@pytest.mark.parametrize("lang,word", [("zh_TW", "救援馬上就到"), ("en", "help is coming")])
def test_sos_speaks_the_household_language(tv_factory, live_server, lang, word):
    tv = tv_factory(live_server.url, lang=lang)
    tv.wait(lambda: tv.app.household is not None)
    tv.press(RED)
    tv.wait(lambda: word in tv.screen.status.text())
    assert any(word in s.text and s.lang == lang for s in tv.app.narrator.history)


def test_sos_from_a_box_no_household_claims_still_calls_for_help(tv_factory, live_server):
    tv = tv_factory(live_server.url, box="STB-NOT-BOUND")
    tv.wait(lambda: tv.app.window.hint.text() and "键" not in tv.app.window.hint.text())
    tv.press(RED)
    tv.wait(lambda: tv.screen.name == "sos" and "救援马上就到" in tv.screen.status.text())
    (m,) = sos_matters(live_server.app)
    full = staff_client(live_server.app, "zhao.min").matter(m["number"])
    assert "STB-NOT-BOUND" in full.fields["note"]  # staff can tell which box called
