"""Idle reset and sign-out leave nothing personal; the language switch relabels everything."""

from __future__ import annotations

import re

import requests
from PySide6.QtWidgets import QApplication, QLabel, QLineEdit, QPushButton

from portal_client import i18n
from tests.kiosk.conftest import EVERY_FIELD, settle
from tests.kiosk.drive import all_texts, find, focus_and_type, tap, type_digits, visible_texts

_HAN = re.compile(r"[\u4e00-\u9fff]")
PERSONAL = ("门前的路灯不亮", "13912345678", "11010519491231002X", "王秀英", "阳光花园 3 号楼",
            "1100351024", "水费 · 市自来水集团")


def _sign_in(qtbot, win, uid="A1B2C3D4", pin="135790"):
    win.go("signin")
    find(win, "card_uid", QLineEdit).setText(uid)
    type_digits(qtbot, win.screens["signin"].keypad, pin)
    tap(qtbot, find(win, "signin_submit", QPushButton))
    qtbot.waitUntil(lambda: win.ctx.backend.resident is not None, timeout=10000)


def _fill_personal(qtbot, win):
    win.go("pay")  # a bill looked up, its details on screen
    pay = win.screens["pay"]
    pay.account.setText("1100351024")
    pay.find_by_account()
    qtbot.waitUntil(lambda: pay.step == "bills", timeout=10000)
    pay.choose_bill(pay.bills[0])
    win.go("form", service_id=EVERY_FIELD)
    ed = win.screens["form"].form.editors
    focus_and_type(qtbot, win, ed["f_text"].edit, "门前的路灯不亮")
    focus_and_type(qtbot, win, ed["f_phone"].edit, "13912345678")
    focus_and_type(qtbot, win, ed["f_idcard"].edit, "11010519491231002X")
    tap(qtbot, ed["f_address"].use_household)  # the signed-in household's address
    assert ed["f_address"].value().startswith("阳光花园")
    win.panel.keyboard.press("q")  # something still being composed on the keyboard
    QApplication.clipboard().setText("13912345678")


def test_idle_reset_warns_then_wipes_every_widget_and_memory(make_kiosk, kiosk_config, qtbot,
                                                             server):
    win = make_kiosk(kiosk_config.with_(idle_s=4.0, elder_idle_s=8.0, warn_s=2.5))
    _sign_in(qtbot, win)
    token = win.ctx.backend.client.token
    _fill_personal(qtbot, win)
    tap(qtbot, find(win, "read_aloud", QPushButton))
    qtbot.waitUntil(lambda: win.ctx.speaker.last is not None, timeout=20000)
    text = all_texts(win)
    assert all(p in text for p in PERSONAL)
    qtbot.waitUntil(lambda: win.idle_banner.isVisible(), timeout=6000)
    assert re.search(r"\d+", find(win, "idle_text", QLabel).text())
    assert win.current().name == "form"  # a warning first, in the window, not a pop-up
    qtbot.waitUntil(lambda: win.resets == 1, timeout=6000)
    settle(qtbot, win)
    assert win.current().name == "home" and not win.idle_banner.isVisible()
    text = all_texts(win)
    leaked = [p for p in PERSONAL if p in text]
    assert not leaked, leaked
    ctx = win.ctx
    assert ctx.backend.resident is None and ctx.backend.client.token is None
    assert ctx.draft is None and ctx.receipt is None and ctx.speaker.last is None
    assert win.screens["form"].form is None and win.panel.keyboard.letters == ""
    assert QApplication.clipboard().text() == ""
    assert not list(ctx.speaker._dir.iterdir())
    me = requests.get(f"{server.url}/api/v1/me", headers={"Authorization": f"Bearer {token}"},
                      timeout=5)
    assert me.status_code == 401  # the session was revoked at the core too


def test_touching_during_the_countdown_keeps_the_session(make_kiosk, kiosk_config, qtbot):
    win = make_kiosk(kiosk_config.with_(idle_s=3.0, elder_idle_s=6.0, warn_s=2.0))
    win.go("form", service_id=EVERY_FIELD)
    win.idle.poke()
    qtbot.waitUntil(lambda: win.idle_banner.isVisible(), timeout=5000)
    tap(qtbot, find(win, "idle_continue", QPushButton))
    assert not win.idle_banner.isVisible() and win.current().name == "form"
    assert win.resets == 0


def test_elder_mode_waits_longer(make_kiosk, kiosk_config, qtbot):
    win = make_kiosk(kiosk_config)
    tap(qtbot, find(win, "elder_mode", QPushButton))
    assert win.ctx.elder and win.idle.timeout_s == 120 and win.ctx.speaker.slow
    tap(qtbot, find(win, "elder_mode", QPushButton))
    assert win.idle.timeout_s == 60


def test_sign_out_wipes_like_an_idle_reset(kiosk, qtbot):
    _sign_in(qtbot, kiosk)
    _fill_personal(qtbot, kiosk)
    tap(qtbot, find(kiosk, "account", QPushButton))
    assert kiosk.current().name == "home" and kiosk.ctx.backend.resident is None
    leaked = [p for p in PERSONAL if p in all_texts(kiosk)]
    assert not leaked, leaked


def _zh_cn_only_texts() -> set[str]:
    """Translations whose zh_CN text differs from zh_TW (must vanish after switching)."""
    out = set()
    for domain in ("kiosk", "qt"):
        for key in i18n.keys(domain, "zh_CN"):
            cn, tw = i18n.gettext(domain, key, "zh_CN"), i18n.gettext(domain, key, "zh_TW")
            if cn != tw and "{" not in cn:
                out.add(cn)
    return out


def _check_language(win, lang: str, typed: set[str]) -> None:
    for w, text in visible_texts(win):
        if w.property("lang_neutral") or text in typed:
            continue
        if lang == "en":
            assert not _HAN.search(text), f"{w.objectName()}: {text!r} not in English"
        else:
            assert text not in _zh_cn_only_texts(), f"{w.objectName()}: {text!r} still zh_CN"


def test_language_switch_changes_every_visible_label(kiosk, qtbot):
    typed = {"门前的路灯不亮"}
    screens = [
        lambda: kiosk.home(),
        lambda: kiosk.go("services", family="gov"),
        lambda: kiosk.go("form", service_id=EVERY_FIELD),
        lambda: kiosk.go("signin"),
        lambda: kiosk.go("track"),
        lambda: kiosk.go("pay"),
        lambda: kiosk.go("topup"),
    ]
    for show in screens:
        tap(qtbot, find(kiosk, "lang_zh_CN", QPushButton))
        show()
        if kiosk.current().name == "form":
            focus_and_type(qtbot, kiosk, kiosk.screens["form"].form.editors["f_text"].edit,
                           "门前的路灯不亮")
            kiosk.screens["form"].form.rows["f_phone"].set_error(None)
        qtbot.wait(50)
        before = {id(w): t for w, t in visible_texts(kiosk)}
        tap(qtbot, find(kiosk, "lang_en", QPushButton))
        qtbot.wait(50)
        _check_language(kiosk, "en", typed)
        after = {id(w): t for w, t in visible_texts(kiosk)}
        assert sum(before.get(k) != v for k, v in after.items()) > 5
        tap(qtbot, find(kiosk, "lang_zh_TW", QPushButton))
        qtbot.wait(50)
        _check_language(kiosk, "zh_TW", typed)
        assert kiosk.current().name in ("home", "services", "form", "signin", "track", "pay",
                                        "topup")
