"""The kiosk offscreen (pytest-qt) against a real portal over HTTP: what residents do."""

from __future__ import annotations

import io
from datetime import date, timedelta
from urllib.parse import urlsplit

import requests
from PySide6.QtWidgets import QLabel, QLineEdit, QPushButton

from portal_client import PortalClient
from portal_client.i18n import pick
from tests.channel_core.samples import sample_value
from tests.kiosk.conftest import EVERY_FIELD, TOKEN, settle, staff
from tests.kiosk.drive import find, focus_and_type, tap, type_digits


def _screen(qtbot, win, name: str) -> None:
    qtbot.waitUntil(lambda: win.current().name == name, timeout=10000)


def png_bytes(color: str = "red") -> bytes:
    """A small real PNG, as a phone's camera would send (any real image will do)."""
    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", (48, 32), color).save(buf, "PNG")
    return buf.getvalue()


def phone_posts(server_url: str, qr_url: str, data: bytes, name: str = "photo.png") -> int:
    """The resident's phone after scanning: open the upload page, send the file."""
    path = urlsplit(qr_url).path
    assert requests.get(server_url + path, timeout=10).status_code == 200
    r = requests.post(server_url + path, files={"photo": (name, data, "image/png")}, timeout=10)
    return r.status_code


def send_photo_from_phone(qtbot, win, editor, data: bytes | None = None) -> str:
    """Tap "send a photo from my phone", let the phone send one, wait for the confirmation."""
    tap(qtbot, find(editor, f"photo_start_{editor.field.key}", QPushButton))
    qtbot.waitUntil(lambda: bool(editor.qr.data), timeout=10000)
    assert "/upload/" in editor.qr.data and editor.instructions.text()
    server_url = win.ctx.config.server_url
    assert phone_posts(server_url, editor.qr.data, data or png_bytes()) == 200
    qtbot.waitUntil(lambda: editor.value() is not None, timeout=10000)
    assert editor.confirmation.isVisible() and not editor.qr.isVisible()
    value = editor.value()
    assert isinstance(value, str) and value.startswith("upload:")
    return value


def _fill_every_field(qtbot, win) -> dict:
    """Fill the every-field service's form by tapping, as a resident would; the expected values."""
    form = win.screens["form"].form
    ed = form.editors
    focus_and_type(qtbot, win, ed["f_text"].edit, "门前的路灯不亮")
    focus_and_type(qtbot, win, ed["f_longtext"].edit, "晚上七点以后\n一直不亮")
    focus_and_type(qtbot, win, ed["f_number"].edit, "12")
    assert win.panel.currentWidget() is win.panel.keypad  # numbers get the keypad
    focus_and_type(qtbot, win, ed["f_money"].edit, "35.5")
    tap(qtbot, ed["f_date"].today_btn)
    tap(qtbot, ed["f_time"].hour.plus)  # first tap picks 09:00
    tap(qtbot, ed["f_time"].minute.plus)
    tap(qtbot, ed["f_datetime"].date.tomorrow_btn)
    tap(qtbot, ed["f_datetime"].time.hour.plus)
    tap(qtbot, ed["f_choice"].buttons["blue"])
    tap(qtbot, ed["f_multi"].buttons["am"])
    tap(qtbot, ed["f_multi"].buttons["eve"])
    tap(qtbot, ed["f_yesno"].no)
    focus_and_type(qtbot, win, ed["f_phone"].edit, "13800000009")
    focus_and_type(qtbot, win, ed["f_idcard"].edit, "11010519491231002X")
    focus_and_type(qtbot, win, ed["f_address"].edit, "阳光花园3号楼2单元501")
    photo = send_photo_from_phone(qtbot, win, ed["f_photo"])
    today = date.today()
    return {
        "f_photo": photo,
        "f_text": "门前的路灯不亮", "f_longtext": "晚上七点以后\n一直不亮", "f_number": 12,
        "f_money": "35.50", "f_date": today.isoformat(), "f_time": "09:15",
        "f_datetime": f"{today + timedelta(days=1)}T09:00", "f_choice": "blue",
        "f_multi": ["am", "eve"], "f_yesno": False, "f_phone": "13800000009",
        "f_idcard": "11010519491231002X", "f_address": "阳光花园3号楼2单元501",
    }


def test_home_shows_families_themes_notices_and_air_quality(kiosk, qtbot):
    cat = kiosk.ctx.backend.catalog
    assert [f.id for f in cat.families] == ["gov", "property", "payment", "ordering",
                                            "housekeeping", "themed"]
    for fam in cat.families:
        assert find(kiosk, f"family_{fam.id}", QPushButton).text() == pick(fam.label, "zh_CN")
    for theme in cat.themes:
        assert find(kiosk, f"theme_{theme.id}", QPushButton).isVisible()
    aq = cat.air_quality()
    assert aq is not None
    assert str(aq.aqi) in find(kiosk, "air_figures", QLabel).text()
    assert pick({"zh_CN": "良"}, "zh_CN") in find(kiosk, "air_title", QLabel).text()
    shown = [find(kiosk, f"notice_{i}", QPushButton).text() for i in range(4)]
    assert shown == [pick(n.title, "zh_CN") for n in cat.news()[:4]]
    tap(qtbot, find(kiosk, "notice_0", QPushButton))
    _screen(qtbot, kiosk, "notice")
    assert find(kiosk, "notice_body", QLabel).text() == pick(cat.news()[0].body, "zh_CN")


def test_every_family_and_theme_is_browsable(kiosk, qtbot):
    cat = kiosk.ctx.backend.catalog
    for fam in cat.families:
        tap(qtbot, find(kiosk, "nav_home", QPushButton))
        tap(qtbot, find(kiosk, f"family_{fam.id}", QPushButton))
        _screen(qtbot, kiosk, "services")
        listed = [s.id for s in kiosk.screens["services"].services]
        expected = ([s.id for t in cat.themes for s in cat.in_theme(t.id)] if fam.id == "themed"
                    else [s.id for s in cat.in_family(fam.id)])
        assert listed == expected and listed, fam.id
        for sid in listed:
            tap(qtbot, find(kiosk, f"service_{sid}", QPushButton))
            _screen(qtbot, kiosk, "form")
            assert kiosk.screens["form"].title.text() == pick(cat.services[sid].title, "zh_CN")
            tap(qtbot, find(kiosk, "nav_back", QPushButton))
            _screen(qtbot, kiosk, "services")
    for theme in cat.themes:
        tap(qtbot, find(kiosk, "nav_home", QPushButton))
        tap(qtbot, find(kiosk, f"theme_{theme.id}", QPushButton))
        _screen(qtbot, kiosk, "services")
        assert [s.id for s in kiosk.screens["services"].services] == \
            [s.id for s in cat.in_theme(theme.id)]


def test_a_form_with_every_field_type_becomes_a_real_matter(kiosk, qtbot, portal_app):
    focus_and_type(qtbot, kiosk, find(kiosk, "search_box", QLineEdit), "everyfield")
    tap(qtbot, find(kiosk, "search_button", QPushButton))
    qtbot.waitUntil(lambda: bool(kiosk.screens["services"].services), timeout=10000)
    tap(qtbot, find(kiosk, f"service_{EVERY_FIELD}", QPushButton))
    _screen(qtbot, kiosk, "form")
    expected = _fill_every_field(qtbot, kiosk)
    tap(qtbot, find(kiosk, "form_next", QPushButton))
    _screen(qtbot, kiosk, "review")
    review_text = "\n".join(w.text() for w in kiosk.screens["review"].findChildren(QLabel))
    for shown in ("门前的路灯不亮", "13800000009", "11010519491231002X", "蓝", "上午", "晚上", "否",
                  "已附照片"):
        assert shown in review_text
    tap(qtbot, find(kiosk, "review_submit", QPushButton))
    _screen(qtbot, kiosk, "receipt")
    number = find(kiosk, "matter_number", QLabel).text()
    assert len(number) == 9 and number.isdigit()
    assert kiosk.screens["receipt"].qr.data.endswith(number)
    matter = staff(portal_app).matter(number)
    assert matter.fields == expected
    assert matter.raw["channel"] == "kiosk"
    # Staff see the very photo the phone sent.
    ident = expected["f_photo"].split(":", 1)[1]
    assert staff(portal_app).request("GET", f"/api/v1/uploads/{ident}") == png_bytes()


def test_core_errors_show_beside_fields_and_follow_the_language(kiosk, qtbot, server):
    kiosk.go("form", service_id="property.repair")
    form = kiosk.screens["form"].form
    form.editors["area"].set_value("common")
    form.editors["phone"].set_value("12345")
    tap(qtbot, find(kiosk, "form_next", QPushButton))
    qtbot.waitUntil(lambda: bool(form.errors()), timeout=10000)
    settle(qtbot, kiosk)
    core = PortalClient(server.url, channel_token=TOKEN)
    fields = {"area": "common", "phone": "12345"}
    zh = core.validate("property.repair", fields, partial=False, lang="zh_CN")
    assert form.errors() == {k: v for k, v in zh.items() if k in form.rows}
    assert form.rows["phone"].error.isVisible()
    assert kiosk.current().name == "form"
    tap(qtbot, find(kiosk, "lang_en", QPushButton))
    en = core.validate("property.repair", fields, partial=False, lang="en")
    qtbot.waitUntil(lambda: form.errors() == {k: v for k, v in en.items() if k in form.rows},
                    timeout=10000)


def test_identity_required_service_signs_in_by_card_then_submits(kiosk, qtbot, portal_app):
    cat = kiosk.ctx.backend.catalog
    svc = next(s for s in cat.services.values() if s.requires_identity
               and all(f.type != "photo" or not f.required for f in s.fields))
    kiosk.go("form", service_id=svc.id)
    assert find(kiosk, "identity_note", QLabel).isVisible()
    form = kiosk.screens["form"].form
    for key, ed in form.editors.items():
        f = form.rows[key].field
        if f.type != "photo":
            ed.set_value(sample_value(f))
    tap(qtbot, find(kiosk, "form_next", QPushButton))
    _screen(qtbot, kiosk, "review")
    tap(qtbot, find(kiosk, "review_submit", QPushButton))
    _screen(qtbot, kiosk, "signin")
    focus_and_type(qtbot, kiosk, find(kiosk, "card_uid", QLineEdit), "A1B2C3D4")
    keypad = kiosk.screens["signin"].keypad
    type_digits(qtbot, keypad, "135790")
    tap(qtbot, find(kiosk, "signin_submit", QPushButton))
    _screen(qtbot, kiosk, "review")
    assert "王秀英" in find(kiosk, "review_who", QLabel).text()
    assert "王秀英" in find(kiosk, "account", QPushButton).text()
    tap(qtbot, find(kiosk, "review_submit", QPushButton))
    _screen(qtbot, kiosk, "receipt")
    number = find(kiosk, "matter_number", QLabel).text()
    matter = staff(portal_app).matter(number)
    assert matter.raw["resident_id"] == kiosk.ctx.backend.resident.id


def test_bad_cards_and_pins_get_clear_messages_and_a_fresh_keypad(kiosk, qtbot):
    kiosk.go("signin")
    screen = kiosk.screens["signin"]

    def attempt(uid: str, pin: str) -> str:
        find(kiosk, "card_uid", QLineEdit).setText(uid)
        before = screen.keypad.digit_order()
        type_digits(qtbot, screen.keypad, pin)
        tap(qtbot, find(kiosk, "signin_submit", QPushButton))
        qtbot.waitUntil(lambda: screen.go_button.isEnabled(), timeout=10000)
        assert sorted(screen.keypad.digit_order()) == sorted(before)
        assert find(kiosk, "card_pin", QLineEdit).text() == ""
        return screen.status.text()

    unknown = attempt("FFFF0001", "123456")
    wrong = attempt("B2C3D4E5", "111111")
    assert unknown and wrong and unknown != wrong
    assert screen.status.property("level") == "error" and screen.status.isVisible()
    for _ in range(5):
        locked = attempt("B2C3D4E5", "111111")
    assert locked != wrong  # the core's lock-out message, in Chinese
    assert any("\u4e00" <= c <= "\u9fff" for c in locked)
    assert kiosk.ctx.backend.resident is None


def test_sign_in_with_a_phone_qr(kiosk, qtbot, portal_app):
    from tests.conftest import client_for

    tap(qtbot, find(kiosk, "account", QPushButton))
    _screen(qtbot, kiosk, "signin")
    screen = kiosk.screens["signin"]
    qtbot.waitUntil(lambda: screen.qr_session is not None, timeout=10000)
    assert screen.qr.data == screen.qr_session.url
    phone = client_for(portal_app, "chatbot")
    phone.sign_in_card("D4E5F6A7", "445566")
    phone.approve_qr_sign_in(screen.qr_session.id)
    _screen(qtbot, kiosk, "home")
    assert kiosk.ctx.backend.resident.name == "Emma Clarke"
    assert "Emma Clarke" in find(kiosk, "account", QPushButton).text()


def test_track_a_matter_by_number_on_the_keypad(kiosk, qtbot):
    b = kiosk.ctx.backend
    receipt = b.submit(b.service("property.repair"), {
        "area": "common", "category": "lift", "location": "5号楼", "description": "不动",
        "phone": "13800000009"}, "zh_CN")
    tap(qtbot, find(kiosk, "track_button", QPushButton))
    _screen(qtbot, kiosk, "track")
    assert kiosk.panel.isVisible() and kiosk.panel.currentWidget() is kiosk.panel.keypad
    type_digits(qtbot, kiosk.panel.keypad, receipt.number)
    tap(qtbot, find(kiosk, "track_look_up", QPushButton))
    qtbot.waitUntil(lambda: kiosk.screens["track"].matter is not None, timeout=10000)
    assert receipt.number in find(kiosk, "track_service", QLabel).text()
    assert pick(receipt.state_label, "zh_CN") in find(kiosk, "track_state", QLabel).text()
    assert kiosk.screens["track"].findChildren(QLabel, "history_item")
    find(kiosk, "track_number", QLineEdit).setText("123456789")
    tap(qtbot, find(kiosk, "track_look_up", QPushButton))
    qtbot.waitUntil(lambda: kiosk.screens["track"].status.property("level") == "error",
                    timeout=10000)
