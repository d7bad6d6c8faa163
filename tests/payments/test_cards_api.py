"""The one-card through the API and the client, on SQLite and PostgreSQL: balance by PIN,
lockout, freezing, counter top-ups, paying a merchant, bad input, exactly-once retries."""

from __future__ import annotations

import pytest

from portal_client import PortalProblem
from portal_client.payments import new_key
from tests.conftest import client_for, staff_client
from tests.payments.conftest import CARDS, OPENING, resident_client

UID = "A1B2C3D4"
PIN = CARDS[UID]


def problem(fn, *args, **kw) -> PortalProblem:
    with pytest.raises(PortalProblem) as err:
        fn(*args, **kw)
    return err.value


def test_pay_a_merchant_by_card_and_pin_exactly_once(any_app):
    hotline = client_for(any_app, "hotline", "zh_CN")
    bal = hotline.card_balance(UID, PIN)
    assert (bal.balance_minor, bal.status) == (OPENING, "active") and bal.recent
    key = new_key()
    r = hotline.pay_by_card(UID, PIN, "merchant:canteen", "18.50", key, memo="lunch")
    assert r.amount_minor == 1850 and r.payer == "****C3D4" and r.payee_name
    assert r.title == "一卡通消费" and r.amount_text == "¥18.50"
    again = hotline.pay_by_card(UID, PIN, "merchant:canteen", "18.50", key, memo="lunch")
    assert again.replayed and again.number == r.number
    assert hotline.card_balance(UID, PIN).balance_minor == OPENING - 1850
    p = problem(hotline.pay_by_card, UID, PIN, "merchant:canteen", "20.00", key)
    assert (p.status, p.code) == (409, "payment.idempotency_reused")
    # The receipt is public by its number, with a QR that links to it.
    kiosk = client_for(any_app, "kiosk", "en")
    assert kiosk.receipt(r.number).title == "One-card payment"
    assert kiosk.receipt_qr(r.number).startswith(b"\x89PNG")
    fin = staff_client(any_app, "finance", "en")
    assert fin.ledger_verify()["ok"]


@pytest.mark.parametrize("body,status,code,field", [
    ({"amount": "0"}, 422, "payment.amount", "amount"),
    ({"amount": "-5.00"}, 422, "payment.amount", "amount"),
    ({"amount": "1.234"}, 422, "payment.amount", "amount"),
    ({"amount": 12.5}, 422, "validation", "amount"),
    ({"amount_minor": 0}, 422, "payment.amount", "amount_minor"),
    ({"amount": "1.00", "currency": "XXX"}, 422, "payment.currency", "currency"),
    ({"amount": "1.00", "currency": "USD"}, 422, "payment.currency_mismatch", None),
    ({"amount": "999999.00"}, 409, "payment.insufficient_funds", None),
])
def test_bad_amounts_move_no_money(app, body, status, code, field):
    kiosk = client_for(app, "kiosk", "en")
    payload = {"pin": PIN, "payee": "merchant:canteen", "idempotency_key": new_key(), **body}
    p = problem(kiosk.request, "POST", f"/api/v1/cards/{UID}/payments", json=payload)
    assert (p.status, p.code) == (status, code), p.body
    if field:
        assert field in p.errors and p.errors[field]
    assert kiosk.card_balance(UID, PIN).balance_minor == OPENING


def test_wrong_pins_lock_the_card_for_15_minutes(any_app):
    kiosk = client_for(any_app, "kiosk", "en")
    for left in (4, 3, 2, 1):
        p = problem(kiosk.pay_by_card, UID, "000000", "merchant:canteen", "1.00", new_key())
        assert p.status == 401 and p.body.get("left") == left
    p = problem(kiosk.pay_by_card, UID, "000000", "merchant:canteen", "1.00", new_key())
    assert (p.status, p.body.get("minutes")) == (423, 15)
    # Locked: even the right PIN is refused, and no money moved.
    p = problem(kiosk.card_balance, UID, PIN)
    assert p.status == 423
    fin = staff_client(any_app, "finance", "en")
    assert fin.request("GET", f"/api/v1/cards/{UID}")["balance_minor"] == OPENING


def test_lost_card_is_frozen_and_replaced_with_its_balance(any_app):
    owner = resident_client(any_app, UID)
    assert owner.freeze_card(UID).status == "frozen"
    kiosk = client_for(any_app, "kiosk", "en")
    p = problem(kiosk.pay_by_card, UID, PIN, "merchant:canteen", "1.00", new_key())
    assert (p.status, p.code) == (403, "forbidden")
    p = problem(owner.unfreeze_card, UID)
    assert p.status == 403  # only finance staff unfreeze
    fin = staff_client(any_app, "finance", "en")
    out = fin.request("POST", f"/api/v1/cards/{UID}/replace",
                      json={"new_uid": "A1B2C3D499", "pin": "908070", "idempotency_key": new_key()})
    assert out["moved_minor"] == OPENING and out["balance_minor"] == OPENING
    assert kiosk.card_balance("A1B2C3D499", "908070").balance_minor == OPENING
    assert fin.request("GET", f"/api/v1/cards/{UID}")["balance_minor"] == 0
    assert fin.ledger_verify()["ok"]


def test_counter_top_up_is_for_finance_staff(any_app):
    kiosk = client_for(any_app, "kiosk", "en")
    p = problem(kiosk.top_up_card, UID, "50.00", "counter", new_key())
    assert p.status in (401, 403)
    fin = staff_client(any_app, "finance", "en")
    key = new_key()
    r = fin.top_up_card(UID, "50.00", "counter", key)
    assert r.kind == "topup" and r.amount_minor == 5000
    assert fin.top_up_card(UID, "50.00", "counter", key).replayed
    owner = resident_client(any_app, UID)
    lines = owner.card_statement(UID)
    assert [ln.kind for ln in lines][:2] == ["topup", "topup"]
    assert lines[0].balance_after_minor == OPENING + 5000
    assert owner.card_balance(UID).balance_minor == OPENING + 5000


def test_cards_are_private_to_their_household(app):
    other = resident_client(app, "C3D4E5F6")  # household h2
    assert problem(other.card_balance, UID).status == 403
    assert problem(other.card_statement, UID).status == 403
    same_household = resident_client(app, "B2C3D4E5")  # h1, like A1B2C3D4
    assert same_household.card_balance(UID).balance_minor == OPENING
    anonymous = client_for(app, "kiosk")
    assert problem(anonymous.card_statement, UID).status == 401
    assert problem(anonymous.card_balance, "FFFFFFFF", "123456").status == 404


def test_change_pin(app):
    kiosk = client_for(app, "kiosk", "en")
    kiosk.change_card_pin(UID, PIN, "112358")
    assert problem(kiosk.card_balance, UID, PIN).status == 401
    assert kiosk.card_balance(UID, "112358").balance_minor == OPENING
