"""Bills: amounts and due dates; paid by a QR a family member scans (the phone is a real
HTTP client of the demo gateway's pay page), with timeouts and declines handled."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import requests

from payments.bills.loader import read as read_demo_bills
from tests.conftest import client_for
from tests.tv_app.checks import screen_ok
from tests.tv_app.conftest import BACK, OK


def _oldest_water_bill() -> str:
    """The household's oldest open bill (¥41.60 of water, two months back): its number holds
    the period, so it is worked out from content/ the way `portal seed` does, not written in."""
    bills = read_demo_bills(Path(__file__).resolve().parents[2] / "content/bills/bills.yaml",
                            date.today())
    (water,) = [b for b in bills if b.account_no == "1100351024" and b.amount.minor == 4160]
    return water.number


WATER = _oldest_water_bill()


def phone_pays(live_server, qr_data: str, outcome: str = "pay") -> None:
    """What the family member's phone does after scanning: open the link and confirm."""
    intent_id = qr_data.rstrip("/").rsplit("/", 1)[1]
    r = requests.post(f"{live_server.url}/pay/{intent_id}", data={"outcome": outcome}, timeout=10)
    assert r.status_code == 200, r.text


def bill_state(live_server, number: str):
    c = client_for(live_server.app, "tv")
    c.sign_in_box("STB-DEMO-0001")
    return c.bill(number)


def open_first_bill_qr(tv) -> None:
    tv.focus_to("tile_bills")
    tv.press(OK)
    tv.wait(lambda: tv.screen.name == "bills" and tv.screen.bills)
    assert tv.screen.bills[0].number == WATER
    tv.press(OK)
    tv.wait_screen("bill")
    assert tv.focused.objectName() == "bill_pay_qr"
    tv.press(OK)
    tv.wait_screen("pay_qr")
    tv.wait(lambda: tv.screen.qr.data)


def test_bill_paid_by_qr_shows_and_says_paid(tv, live_server):
    open_first_bill_qr(tv)
    screen_ok(tv)
    qr = tv.screen
    assert "¥41.60" in qr.what.text() and "/pay/" in qr.qr.data
    phone_pays(live_server, qr.qr.data)
    tv.wait_screen("result")
    assert "缴费成功" in tv.screen.title.text() and "¥41.60" in tv.screen.text()
    assert any("缴费成功" in s.text and "¥41.60" in s.text for s in tv.app.narrator.history)
    b = bill_state(live_server, WATER)
    assert b.status == "paid" and b.paid_minor == 4160
    tv.press(BACK)  # to the bill list, refreshed: the water bill is gone
    tv.wait(lambda: tv.screen.name == "bills" and tv.screen.bills
            and tv.screen.bills[0].number != WATER)
    assert WATER not in {b.number for b in tv.screen.bills}


def intent_of(qr_data: str) -> str:
    return qr_data.rstrip("/").rsplit("/", 1)[1]


def intent_status(live_server, intent_id: str) -> str:
    return client_for(live_server.app, "tv").payment_status(intent_id).status


def test_qr_timeout_cancels_the_payment_and_retry_shows_a_new_code(tv_factory, live_server):
    tv = tv_factory(live_server.url, qr_timeout_s=1.0)
    tv.wait(lambda: tv.app.household is not None)
    open_first_bill_qr(tv)
    first = tv.screen.qr.data
    tv.wait(lambda: tv.screen.retry.isVisible(), timeout=10000)
    status = tv.screen.status.text()
    assert "没有收到付款" in status and "已取消" in status and tv.screen.qr.data == ""
    assert tv.focused is tv.screen.retry
    assert any("已取消" in s.text for s in tv.app.narrator.history)
    # The old code is dead at the core: a phone that still shows it cannot pay with it.
    assert intent_status(live_server, intent_of(first)) == "canceled"
    late = requests.post(f"{live_server.url}/pay/{intent_of(first)}", data={"outcome": "pay"},
                         timeout=10)
    assert late.status_code == 409
    assert bill_state(live_server, WATER).paid_minor == 0
    tv.press(OK)  # try again: a new payment with a new code
    tv.wait(lambda: tv.screen.qr.data)
    second = tv.screen.qr.data
    assert second != first
    phone_pays(live_server, second)
    tv.wait_screen("result", timeout=10000)
    assert bill_state(live_server, WATER).paid_minor == 4160


def test_paid_just_as_the_time_ran_out_shows_paid(tv_factory, live_server):
    """The family member pays; before the TV polls again its time is up: the cancel is
    refused because the payment went through, and the TV shows it paid."""
    tv = tv_factory(live_server.url, qr_timeout_s=1.5, qr_poll_s=600)
    tv.wait(lambda: tv.app.household is not None)
    open_first_bill_qr(tv)
    phone_pays(live_server, tv.screen.qr.data)
    tv.wait_screen("result", timeout=10000)
    assert "缴费成功" in tv.screen.title.text() and "¥41.60" in tv.screen.text()
    assert bill_state(live_server, WATER).paid_minor == 4160


def test_closing_the_qr_cancels_its_payment(tv, live_server):
    open_first_bill_qr(tv)
    intent_id = intent_of(tv.screen.qr.data)
    tv.press(BACK)
    assert tv.screen.name == "bill"
    tv.wait(lambda: intent_status(live_server, intent_id) == "canceled")
    late = requests.post(f"{live_server.url}/pay/{intent_id}", data={"outcome": "pay"},
                         timeout=10)
    assert late.status_code == 409
    # Opening the QR again starts a new payment (the cancelled one is skipped).
    tv.press(OK)
    tv.wait_screen("pay_qr")
    tv.wait(lambda: tv.screen.qr.data)
    assert intent_of(tv.screen.qr.data) != intent_id
    phone_pays(live_server, tv.screen.qr.data)
    tv.wait_screen("result")
    assert bill_state(live_server, WATER).paid_minor == 4160


def test_declined_qr_offers_a_new_code(tv, live_server):
    open_first_bill_qr(tv)
    first = tv.screen.qr.data
    phone_pays(live_server, first, outcome="decline")
    tv.wait(lambda: tv.screen.retry.isVisible())
    assert "没有成功" in tv.screen.status.text()
    tv.press(OK)
    tv.wait(lambda: tv.screen.qr.data)
    assert tv.screen.qr.data != first  # a declined payment is over; this is a new one
    phone_pays(live_server, tv.screen.qr.data)
    tv.wait_screen("result")
    assert bill_state(live_server, WATER).paid_minor == 4160


def test_bill_paid_by_one_card(tv, live_server):
    before = client_for(live_server.app, "tv").card_balance("A1B2C3D4", pin="135790")
    tv.focus_to("tile_bills")
    tv.press(OK)
    tv.wait(lambda: tv.screen.name == "bills" and tv.screen.bills)
    tv.press(OK)
    tv.wait_screen("bill")
    tv.focus_to("bill_pay_card")
    tv.press(OK)
    tv.wait_screen("pay_bill_card")
    tv.digits("135790")
    tv.press(OK)
    tv.wait_screen("result")
    after = client_for(live_server.app, "tv").card_balance("A1B2C3D4", pin="135790")
    assert before.balance_minor - after.balance_minor == 4160
    assert bill_state(live_server, WATER).status == "paid"
