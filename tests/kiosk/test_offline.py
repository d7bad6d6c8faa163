"""Offline: cached catalog, durable queue across a kiosk restart, forwarded exactly once."""

from __future__ import annotations

import dataclasses

from PySide6.QtWidgets import QLabel, QLineEdit, QPushButton

from kiosk.outbox import REFERRED, RETURNED, SENT
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


def test_offline_the_kiosk_checks_what_the_core_would_refuse_later(kiosk, server, qtbot,
                                                                    portal_app):
    server.stop()
    kiosk.go("form", service_id="property.parcel-locker")
    screen = kiosk.screens["form"]
    ed = screen.form.editors
    tap(qtbot, ed["issue"].buttons["door_stuck"])
    ed["locker_no"].set_value("B3")  # the catalog's pattern: a letter and two digits
    ed["tracking_no"].set_value("SF12")  # 8 to 20 letters and digits
    ed["phone"].set_value("1380000000")  # one digit short
    tap(qtbot, find(kiosk, "form_next", QPushButton))
    settle(qtbot, kiosk)
    assert kiosk.current().name == "form"  # the resident is still here to correct it
    for key in ("locker_no", "tracking_no", "phone"):
        error = find(kiosk, f"error_{key}", QLabel)
        assert error.isVisible() and screen.form.rows[key].label.text().split()[0] in error.text()
    assert kiosk.ctx.backend.outbox.count() == 0
    ed["locker_no"].set_value("B03")
    ed["tracking_no"].set_value("SF1234567890")
    ed["phone"].set_value("13800000009")
    tap(qtbot, find(kiosk, "form_next", QPushButton))
    qtbot.waitUntil(lambda: kiosk.current().name == "review", timeout=15000)
    tap(qtbot, find(kiosk, "review_submit", QPushButton))
    qtbot.waitUntil(lambda: kiosk.current().name == "receipt", timeout=15000)
    assert kiosk.ctx.receipt.provisional
    server.start()
    kiosk.sync()
    settle(qtbot, kiosk)
    row = kiosk.ctx.backend.provisional(kiosk.ctx.receipt.provisional_code)
    assert row.state == SENT  # accepted as checked: not refused when forwarded
    assert len(staff(portal_app).queue(service_id="property.parcel-locker")["items"]) == 1


def _track_code(qtbot, win, code: str) -> str:
    win.go("track")
    find(win, "track_number", QLineEdit).setText(code)
    tap(qtbot, find(win, "track_look_up", QPushButton))
    return find(win, "track_state", QLabel).text()


def test_refused_when_forwarded_staff_get_a_call_back_and_the_track_screen_says_so(
        kiosk, server, qtbot, portal_app):
    # The kiosk's cached catalog is older than the server's: "description" became required
    # while it was offline, so what it checked and queued is refused when forwarded.
    cat = kiosk.ctx.backend.catalog
    svc = cat.services["property.repair"]
    cat.services["property.repair"] = dataclasses.replace(svc, fields=tuple(
        dataclasses.replace(f, required=False) if f.key == "description" else f
        for f in svc.fields))
    server.stop()
    kiosk.go("form", service_id="property.repair")
    ed = kiosk.screens["form"].form.editors
    tap(qtbot, ed["area"].buttons["in_flat"])
    tap(qtbot, ed["category"].buttons["plumbing"])
    ed["location"].set_value("3号楼2单元501厨房")
    ed["phone"].set_value("13800000009")
    tap(qtbot, find(kiosk, "form_next", QPushButton))
    qtbot.waitUntil(lambda: kiosk.current().name == "review", timeout=15000)
    tap(qtbot, find(kiosk, "review_submit", QPushButton))
    qtbot.waitUntil(lambda: kiosk.current().name == "receipt", timeout=15000)
    code = kiosk.ctx.receipt.provisional_code
    kiosk.home()  # the resident leaves

    server.start()
    kiosk.sync()
    settle(qtbot, kiosk)
    row = kiosk.ctx.backend.provisional(code)
    assert row.state == REFERRED and not staff(portal_app).queue(
        service_id="property.repair")["items"]
    calls = staff(portal_app).queue(service_id="gov.policy-enquiry")["items"]
    assert [m["number"] for m in calls] == [row.referral_number]
    detail = staff(portal_app).get(f"/api/v1/matters/{row.referral_number}")
    assert detail["contact_phone"] == "13800000009"
    assert "3号楼2单元501厨房" in detail["fields"]["question"]
    kiosk.sync()
    settle(qtbot, kiosk)
    assert len(staff(portal_app).queue(service_id="gov.policy-enquiry")["items"]) == 1

    # the resident comes back and types the provisional code: the truth, in their language
    tap(qtbot, find(kiosk, "lang_en", QPushButton))
    state = _track_code(qtbot, kiosk, code)
    assert row.referral_number in state and "contact you" in state
    assert "Describe the fault" in state  # why: the core's own message, in English
    tap(qtbot, find(kiosk, "lang_zh_CN", QPushButton))
    assert row.referral_number in find(kiosk, "track_state", QLabel).text()
    # the call-back request is a matter like any other
    state = _track_code(qtbot, kiosk, row.referral_number)
    settle(qtbot, kiosk)
    assert kiosk.screens["track"].matter is not None

    # one left with no phone number and nobody signed in: nobody is promised a call
    from kiosk.outbox import Submission

    b = kiosk.ctx.backend
    lost = b.outbox.add(Submission("property.repair", {"area": "in_flat"}, "zh_CN"))
    kiosk.sync()
    settle(qtbot, kiosk)
    assert b.outbox.get(lost.client_ref).state == RETURNED
    state = _track_code(qtbot, kiosk, lost.local_code)
    assert "重新填写" in state and "无法与您联系" in state
