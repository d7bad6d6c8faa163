"""Paying bills and topping up at the kiosk against the real payments API (offline gateway)."""

from __future__ import annotations

import requests
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QLabel, QLineEdit, QPushButton

from portal_client import PortalClient
from tests.kiosk.conftest import TOKEN, settle
from tests.kiosk.drive import find, focus_and_type, tap, type_digits

ACCOUNT = "1100351024"  # household h1's water account (content/bills)
UID, PIN = "A1B2C3D4", "135790"


def _core(server) -> PortalClient:
    return PortalClient(server.url, channel_token=TOKEN, channel="kiosk")


def _balance(server) -> int:
    return _core(server).card_balance(UID, PIN).balance_minor


def _open_bill(qtbot, win) -> str:
    tap(qtbot, find(win, "pay_button", QPushButton))
    focus_and_type(qtbot, win, find(win, "account_no", QLineEdit), ACCOUNT)
    tap(qtbot, find(win, "find_bills", QPushButton))
    screen = win.screens["pay"]
    qtbot.waitUntil(lambda: screen.step == "bills", timeout=10000)
    bill = screen.bills[0]
    tap(qtbot, find(win, f"bill_{bill.number}", QPushButton))
    assert screen.step == "pay" and find(win, "pay_amount", QLineEdit).text() == \
        f"{bill.outstanding_minor / 100:.2f}"
    return bill.number


def _card_and_pin(qtbot, win, pin: str = PIN) -> None:
    screen = win.screens["pay"]
    tap(qtbot, find(win, "pay_by_card", QPushButton))
    find(win, "pay_card_uid", QLineEdit).setText(UID)
    type_digits(qtbot, screen.card.keypad, pin)
    tap(qtbot, find(win, "pay_card_confirm", QPushButton))


def _card_reader(win, uid: str) -> None:
    """A card tapped on the reader: to the kiosk, keys typed on a keyboard, then Enter,
    delivered to the window (wherever its focus is), not to any particular field."""
    window = win.windowHandle()
    for ch in uid:
        QTest.keyClick(window, ch)
    QTest.keyClick(window, Qt.Key.Key_Return)


def test_a_card_tapped_at_pay_is_read_without_touching_the_field(kiosk, qtbot, server):
    before = _balance(server)
    _open_bill(qtbot, kiosk)
    screen = kiosk.screens["pay"]
    tap(qtbot, find(kiosk, "pay_by_card", QPushButton))
    assert not kiosk.panel.isVisible()  # no keyboard over the keypad until a field is tapped
    _card_reader(kiosk, UID)
    assert find(kiosk, "pay_card_uid", QLineEdit).text() == UID
    type_digits(qtbot, screen.card.keypad, PIN)
    tap(qtbot, find(kiosk, "pay_card_confirm", QPushButton))
    qtbot.waitUntil(lambda: screen.step == "result", timeout=10000)
    assert screen.result.receipt is not None
    assert _balance(server) == before - screen.result.receipt.amount_minor
    # a second card tapped after going back replaces the first, not appended to it
    tap(qtbot, find(kiosk, "pay_back", QPushButton))
    _open_bill(qtbot, kiosk)
    tap(qtbot, find(kiosk, "pay_by_card", QPushButton))
    _card_reader(kiosk, "B2C3D4E5")
    assert find(kiosk, "pay_card_uid", QLineEdit).text() == "B2C3D4E5"


def test_a_card_tapped_at_top_up_is_read_without_touching_the_field(kiosk, qtbot, server):
    tap(qtbot, find(kiosk, "topup_button", QPushButton))
    assert not kiosk.panel.isVisible()
    _card_reader(kiosk, UID)
    assert find(kiosk, "topup_uid", QLineEdit).text() == UID
    tap(qtbot, find(kiosk, "topup_50", QPushButton))
    tap(qtbot, find(kiosk, "topup_pay", QPushButton))
    screen = kiosk.screens["topup"]
    qtbot.waitUntil(lambda: screen.wait.intent is not None, timeout=10000)
    before = _balance(server)
    assert _phone(server, screen.wait.intent.id) == 200
    qtbot.waitUntil(lambda: screen.result.receipt is not None, timeout=15000)
    assert _balance(server) == before + 5000  # the card read is the card topped up


def test_card_and_pin_pays_part_of_a_bill_and_moves_money_once(kiosk, qtbot, server):
    before = _balance(server)
    number = _open_bill(qtbot, kiosk)
    owed = _core(server).bill(number).outstanding_minor
    find(kiosk, "pay_amount", QLineEdit).setText("10.00")
    server.stop()  # the network drops as the resident pays
    _card_and_pin(qtbot, kiosk)
    settle(qtbot, kiosk)
    screen = kiosk.screens["pay"]
    assert screen.status.text() == kiosk.ctx.tr("pay.retry_safe") and screen.step == "pay"
    key = screen.key
    server.start()
    type_digits(qtbot, screen.card.keypad, PIN)
    tap(qtbot, find(kiosk, "pay_card_confirm", QPushButton))
    qtbot.waitUntil(lambda: screen.step == "result", timeout=10000)
    assert screen.result.receipt is not None and screen.result.receipt.amount_minor == 1000
    assert find(kiosk, "pay_result", QLabel).text() == kiosk.ctx.tr("pay.paid")
    assert _balance(server) == before - 1000
    assert _core(server).bill(number).outstanding_minor == owed - 1000
    # the same attempt sent again (a lost answer) is the same payment, not a second one
    again = kiosk.ctx.backend.pay_bill_by_card(_core(server).bill(number), UID, PIN, "10.00", key)
    assert again.replayed and again.number == screen.result.receipt.number
    assert _balance(server) == before - 1000


def test_wrong_pin_is_refused_in_the_users_language_and_moves_nothing(kiosk, qtbot, server):
    before = _balance(server)
    tap(qtbot, find(kiosk, "lang_en", QPushButton))
    _open_bill(qtbot, kiosk)
    _card_and_pin(qtbot, kiosk, pin="000000")
    settle(qtbot, kiosk)
    screen = kiosk.screens["pay"]
    assert screen.step == "pay" and screen.status.property("level") == "error"
    assert "PIN" in screen.status.text() and find(kiosk, "pay_card_pin", QLineEdit).text() == ""
    assert _balance(server) == before


def test_phone_qr_payment_with_progress_until_paid(kiosk, qtbot, server):
    number = _open_bill(qtbot, kiosk)
    screen = kiosk.screens["pay"]
    tap(qtbot, find(kiosk, "pay_by_qr", QPushButton))
    qtbot.waitUntil(lambda: screen.wait.intent is not None, timeout=10000)
    intent = screen.wait.intent
    assert screen.wait.qr.data == intent.qr_payload and screen.wait.progress.value() > 0
    assert intent.amount_text in find(kiosk, "qr_amount", QLabel).text()
    phone = requests.post(f"{server.url}/pay/{intent.id}", data={"outcome": "pay"}, timeout=10)
    assert phone.status_code == 200
    qtbot.waitUntil(lambda: screen.step == "result", timeout=15000)
    assert screen.result.receipt is not None
    assert _core(server).bill(number).status == "paid"


def _phone(server, intent_id: str, outcome: str = "pay") -> int:
    """The resident's phone on the QR's page: pay (or decline); the HTTP status."""
    return requests.post(f"{server.url}/pay/{intent_id}", data={"outcome": outcome},
                         timeout=10).status_code


def test_cancel_and_timeout_cancel_the_payment_at_the_core(make_kiosk, kiosk_config, qtbot,
                                                           server):
    win = make_kiosk(kiosk_config.with_(payment_wait_s=2.0))
    number = _open_bill(qtbot, win)
    screen = win.screens["pay"]
    tap(qtbot, find(win, "pay_by_qr", QPushButton))
    qtbot.waitUntil(lambda: screen.wait.intent is not None, timeout=10000)
    first = screen.wait.intent
    tap(qtbot, find(win, "qr_cancel", QPushButton))
    assert screen.wait.qr.data == ""  # the code leaves the screen at once
    qtbot.waitUntil(lambda: screen.step == "result", timeout=10000)
    assert find(win, "pay_details", QLabel).text() == win.ctx.tr("pay.qr_stopped")
    assert _core(server).payment_status(first.id).status == "canceled"
    assert _phone(server, first.id) == 409  # a phone still showing the page can't pay it
    tap(qtbot, find(win, "pay_back", QPushButton))  # back home, then a second try that times out
    _open_bill(qtbot, win)
    tap(qtbot, find(win, "pay_by_qr", QPushButton))
    qtbot.waitUntil(lambda: screen.wait.intent is not None, timeout=10000)
    second = screen.wait.intent
    assert second.id != first.id
    qtbot.waitUntil(lambda: screen.step == "result", timeout=10000)
    assert find(win, "pay_details", QLabel).text() == win.ctx.tr("pay.qr_timeout")
    assert _core(server).payment_status(second.id).status == "canceled"
    assert _phone(server, second.id) == 409
    assert _core(server).bill(number).status != "paid"


def test_paid_on_the_phone_just_before_cancel_shows_paid(make_kiosk, kiosk_config, qtbot,
                                                         server):
    win = make_kiosk(kiosk_config.with_(qr_poll_s=600.0))  # no poll sees it first
    number = _open_bill(qtbot, win)
    screen = win.screens["pay"]
    tap(qtbot, find(win, "pay_by_qr", QPushButton))
    qtbot.waitUntil(lambda: screen.wait.intent is not None, timeout=10000)
    assert _phone(server, screen.wait.intent.id) == 200
    tap(qtbot, find(win, "qr_cancel", QPushButton))
    qtbot.waitUntil(lambda: screen.step == "result", timeout=10000)
    assert find(win, "pay_result", QLabel).text() == win.ctx.tr("pay.paid")
    assert screen.result.receipt is not None
    assert _core(server).bill(number).status == "paid"


def test_cancel_while_the_server_is_down_says_so(kiosk, qtbot, server):
    _open_bill(qtbot, kiosk)
    screen = kiosk.screens["pay"]
    tap(qtbot, find(kiosk, "pay_by_qr", QPushButton))
    qtbot.waitUntil(lambda: screen.wait.intent is not None, timeout=10000)
    intent = screen.wait.intent
    server.stop()
    tap(qtbot, find(kiosk, "qr_cancel", QPushButton))
    qtbot.waitUntil(lambda: screen.step == "result", timeout=15000)
    assert find(kiosk, "pay_details", QLabel).text() == kiosk.ctx.tr("pay.qr_unconfirmed")
    server.start()
    assert _core(server).payment_status(intent.id).status == "requires_payment"


def test_idle_reset_cancels_an_open_qr_payment(kiosk, qtbot, server):
    _open_bill(qtbot, kiosk)
    screen = kiosk.screens["pay"]
    tap(qtbot, find(kiosk, "pay_by_qr", QPushButton))
    qtbot.waitUntil(lambda: screen.wait.intent is not None, timeout=10000)
    intent = screen.wait.intent
    kiosk.reset_session()
    qtbot.waitUntil(lambda: _core(server).payment_status(intent.id).status == "canceled",
                    timeout=10000)
    settle(qtbot, kiosk)
    assert screen.step == "lookup" and screen.result.headline.text() == ""


def test_top_up_a_card_by_phone(kiosk, qtbot, server):
    before = _balance(server)
    tap(qtbot, find(kiosk, "topup_button", QPushButton))
    find(kiosk, "topup_uid", QLineEdit).setText(UID)
    tap(qtbot, find(kiosk, "topup_50", QPushButton))
    tap(qtbot, find(kiosk, "topup_pay", QPushButton))
    screen = kiosk.screens["topup"]
    qtbot.waitUntil(lambda: screen.wait.intent is not None, timeout=10000)
    intent = screen.wait.intent
    requests.post(f"{server.url}/pay/{intent.id}", data={"outcome": "pay"}, timeout=10)
    qtbot.waitUntil(lambda: screen.result.receipt is not None, timeout=15000)
    assert _balance(server) == before + 5000


def test_signed_in_resident_sees_household_bills(kiosk, qtbot):
    kiosk.ctx.backend.sign_in_card(UID, PIN)
    kiosk.go("pay")
    tap(qtbot, find(kiosk, "household_bills", QPushButton))
    screen = kiosk.screens["pay"]
    qtbot.waitUntil(lambda: screen.step == "bills", timeout=10000)
    kinds = {b.kind for b in screen.bills}
    assert {"water", "electricity", "gas"} <= kinds
