"""Offline: cached catalog, durable queue across a kiosk restart, forwarded exactly once."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QLineEdit, QPushButton

from tests.kiosk.conftest import settle, staff
from tests.kiosk.drive import find, tap, type_digits


def _repair_via_form(qtbot, win) -> None:
    win.go("form", service_id="property.repair")
    ed = win.screens["form"].form.editors
    tap(qtbot, ed["area"].buttons["in_flat"])
    tap(qtbot, ed["category"].buttons["plumbing"])
    ed["location"].set_value("3号楼2单元501厨房")
    ed["description"].set_value("水管接口漏水")
    ed["phone"].set_value("13800000009")
    tap(qtbot, find(win, "form_next", QPushButton))
    qtbot.waitUntil(lambda: win.current().name == "review", timeout=15000)
    tap(qtbot, find(win, "review_submit", QPushButton))
    qtbot.waitUntil(lambda: win.current().name == "receipt", timeout=15000)


def test_offline_submission_survives_a_restart_and_is_forwarded_once(
        make_kiosk, kiosk_config, server, portal_app, qtbot):
    win = make_kiosk(kiosk_config)
    services = set(win.ctx.backend.catalog.services)
    server.stop()
    _repair_via_form(qtbot, win)
    code = find(win, "matter_number", QLabel).text()
    assert len(code) == 8 and win.ctx.receipt.provisional
    assert win.screens["receipt"].qr.data == ""  # nothing to track online yet
    settle(qtbot, win)
    assert win.offline.isVisible() and "1" in find(win, "offline_text", QLabel).text()
    win.close()

    again = make_kiosk(kiosk_config)  # the kiosk restarts while the server is still down
    assert set(again.ctx.backend.catalog.services) == services
    again.go("services", family="property")
    assert "property.repair" in [s.id for s in again.screens["services"].services]
    assert again.ctx.backend.outbox.count() == 1

    server.start()
    again.sync()
    settle(qtbot, again)
    assert again.ctx.backend.outbox.count() == 0 and not again.offline.isVisible()
    again.sync()
    settle(qtbot, again)
    matters = staff(portal_app).queue(service_id="property.repair")["items"]
    assert len(matters) == 1

    again.go("track")
    find(again, "track_number", QLineEdit).setText(code)
    tap(qtbot, find(again, "track_look_up", QPushButton))
    assert matters[0]["number"] in find(again, "track_state", QLabel).text()


def test_server_gone_mid_submit_gives_a_provisional_receipt_not_an_error(
        kiosk, server, qtbot, portal_app):
    kiosk.go("form", service_id="property.repair")
    ed = kiosk.screens["form"].form.editors
    for key, value in {"area": "common", "category": "lift", "location": "5号楼",
                       "description": "不动", "phone": "13800000009"}.items():
        ed[key].set_value(value)
    tap(qtbot, find(kiosk, "form_next", QPushButton))
    qtbot.waitUntil(lambda: kiosk.current().name == "review", timeout=15000)
    server.stop()  # between review and submit
    tap(qtbot, find(kiosk, "review_submit", QPushButton))
    qtbot.waitUntil(lambda: kiosk.current().name == "receipt", timeout=15000)
    assert kiosk.ctx.receipt.provisional
    server.start()
    kiosk.sync()
    settle(qtbot, kiosk)
    assert len(staff(portal_app).queue(service_id="property.repair")["items"]) == 1


def test_sign_in_while_offline_says_so(kiosk, server, qtbot):
    server.stop()
    kiosk.go("signin")
    settle(qtbot, kiosk)
    find(kiosk, "card_uid", QLineEdit).setText("A1B2C3D4")
    type_digits(qtbot, kiosk.screens["signin"].keypad, "135790")
    tap(qtbot, find(kiosk, "signin_submit", QPushButton))
    settle(qtbot, kiosk)
    screen = kiosk.screens["signin"]
    assert screen.status.text() == kiosk.ctx.tr("error.offline_sign_in")
    assert kiosk.ctx.backend.resident is None
