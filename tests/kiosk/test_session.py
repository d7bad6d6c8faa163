"""Idle reset and sign-out leave nothing personal; the language switch relabels everything."""

from __future__ import annotations

import re
import types
from collections import deque

import requests
from PySide6.QtWidgets import QApplication, QLabel, QLineEdit, QPushButton

from portal_client import i18n
from qt_common.i18n import reword
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


def _python_strings(roots, depth: int = 8) -> list[str]:
    """Every str reachable from `roots` through Python attributes and containers (what the
    kiosk's own objects still hold in memory, beside what its widgets show)."""
    out: list[str] = []
    seen: set[int] = set()
    todo = deque((r, 0) for r in roots)
    while todo:
        obj, level = todo.popleft()
        if id(obj) in seen or level > depth:
            continue
        seen.add(id(obj))
        if isinstance(obj, str):
            out.append(obj)
        elif isinstance(obj, dict):
            todo.extend((x, level + 1) for kv in obj.items() for x in kv)
        elif isinstance(obj, list | tuple | set | frozenset):
            todo.extend((x, level + 1) for x in obj)
        elif hasattr(obj, "__dict__") and not isinstance(obj, type | types.ModuleType
                                                            | types.FunctionType):
            todo.extend((x, level + 1) for x in vars(obj).values())
    return out


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
    roots = [win.ctx, win.panel, *win.screens.values()]
    assert "1100351024" in "\n".join(_python_strings(roots))  # the account looked up
    qtbot.waitUntil(lambda: win.idle_banner.isVisible(), timeout=6000)
    assert re.search(r"\d+", find(win, "idle_text", QLabel).text())
    assert win.current().name == "form"  # a warning first, in the window, not a pop-up
    qtbot.waitUntil(lambda: win.resets == 1, timeout=6000)
    settle(qtbot, win)
    assert win.current().name == "home" and not win.idle_banner.isVisible()
    text = all_texts(win)
    leaked = [p for p in PERSONAL if p in text]
    assert not leaked, leaked
    held = "\n".join(_python_strings([win.ctx, win.panel, *win.screens.values()]))
    kept = [p for p in PERSONAL if p in held]  # nothing personal left in the kiosk's memory
    assert not kept, kept
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
            # a kiosk message with values in it, still worded from the zh_CN catalog
            tw = reword(text, "zh_CN", "zh_TW", ("kiosk", "qt"))
            assert tw is None or tw == text, f"{w.objectName()}: {text!r} still zh_CN"


REPAIR = {"area": "in_flat", "category": "plumbing", "location": "3号楼2单元501厨房",
          "description": "水槽下水管接口漏水", "phone": "13800000001"}


def _to_review(win, qtbot) -> None:
    win.go("form", service_id="property.repair")
    form = win.screens["form"].form
    for key, value in REPAIR.items():
        form.editors[key].set_value(value)
    tap(qtbot, find(win, "form_next", QPushButton))
    qtbot.waitUntil(lambda: win.current().name == "review", timeout=10000)


def _to_receipt(win, qtbot) -> None:
    _to_review(win, qtbot)
    tap(qtbot, find(win, "review_submit", QPushButton))
    qtbot.waitUntil(lambda: win.current().name == "receipt", timeout=10000)


def _to_notice(win, qtbot) -> None:
    win.home()
    tap(qtbot, find(win, "notice_0", QPushButton))
    assert win.current().name == "notice"


def _pay_without_account(win, qtbot) -> None:
    win.go("pay")
    tap(qtbot, find(win, "find_bills", QPushButton))  # a message on the screen, in zh_CN
    assert win.screens["pay"].status.isVisible()


def _to_pay_result(win, qtbot) -> None:
    win.go("pay")
    pay = win.screens["pay"]
    focus_and_type(qtbot, win, find(win, "account_no", QLineEdit), "1100351024")
    tap(qtbot, find(win, "find_bills", QPushButton))
    qtbot.waitUntil(lambda: pay.step == "bills", timeout=10000)
    tap(qtbot, find(win, f"bill_{pay.bills[0].number}", QPushButton))
    find(win, "pay_amount", QLineEdit).setText("1.00")
    tap(qtbot, find(win, "pay_by_card", QPushButton))
    find(win, "pay_card_uid", QLineEdit).setText("A1B2C3D4")
    type_digits(qtbot, pay.card.keypad, "135790")
    tap(qtbot, find(win, "pay_card_confirm", QPushButton))
    qtbot.waitUntil(lambda: pay.step == "result" and pay.result.receipt is not None,
                    timeout=10000)


def _to_topup_result(win, qtbot) -> None:
    win.go("topup")
    topup = win.screens["topup"]
    find(win, "topup_uid", QLineEdit).setText("A1B2C3D4")
    tap(qtbot, find(win, "topup_50", QPushButton))
    tap(qtbot, find(win, "topup_pay", QPushButton))
    qtbot.waitUntil(lambda: topup.wait.intent is not None, timeout=10000)
    server = win.ctx.config.server_url
    requests.post(f"{server}/pay/{topup.wait.intent.id}", data={"outcome": "pay"}, timeout=10)
    qtbot.waitUntil(lambda: topup.result.receipt is not None, timeout=15000)


def test_language_switch_changes_every_visible_label(kiosk, qtbot):
    typed = {"门前的路灯不亮", REPAIR["location"], REPAIR["description"]}
    screens = [
        ("home", lambda: kiosk.home()),
        ("services", lambda: kiosk.go("services", family="gov")),
        ("form", lambda: kiosk.go("form", service_id=EVERY_FIELD)),
        ("signin", lambda: kiosk.go("signin")),
        ("track", lambda: kiosk.go("track")),
        ("pay", lambda: _pay_without_account(kiosk, qtbot)),
        ("topup", lambda: kiosk.go("topup")),
        ("review", lambda: _to_review(kiosk, qtbot)),
        ("receipt", lambda: _to_receipt(kiosk, qtbot)),
        ("notice", lambda: _to_notice(kiosk, qtbot)),
        ("pay", lambda: _to_pay_result(kiosk, qtbot)),
        ("topup", lambda: _to_topup_result(kiosk, qtbot)),
    ]
    for name, show in screens:
        tap(qtbot, find(kiosk, "lang_zh_CN", QPushButton))
        show()
        settle(qtbot, kiosk)
        if kiosk.current().name == "form":
            focus_and_type(qtbot, kiosk, kiosk.screens["form"].form.editors["f_text"].edit,
                           "门前的路灯不亮")
            kiosk.screens["form"].form.rows["f_phone"].set_error(None)
        qtbot.wait(50)
        before = {id(w): t for w, t in visible_texts(kiosk)}
        tap(qtbot, find(kiosk, "lang_en", QPushButton))
        settle(qtbot, kiosk)  # what the core words (a payee's name) is asked for again
        qtbot.wait(50)
        _check_language(kiosk, "en", typed)
        after = {id(w): t for w, t in visible_texts(kiosk)}
        assert sum(before.get(k) != v for k, v in after.items()) > 5
        tap(qtbot, find(kiosk, "lang_zh_TW", QPushButton))
        settle(qtbot, kiosk)
        qtbot.wait(50)
        _check_language(kiosk, "zh_TW", typed)
        assert kiosk.current().name == name
