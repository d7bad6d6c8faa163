"""Bills end to end on SQLite and PostgreSQL: look-up by account or household, paying in
part and in full, by card, by QR through the demo gateway, from a matter; reminders."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from channel_core.notify.models import OutboxMessage
from portal_client import PortalProblem
from portal_client.payments import new_key
from tests.conftest import client_for, staff_client
from tests.payments.conftest import CARDS, OPENING, payments_of, resident_client

WATER = "1100351024"  # household h1: two water bills, 41.60 and 46.80, both overdue


def problem(fn, *args, **kw) -> PortalProblem:
    with pytest.raises(PortalProblem) as err:
        fn(*args, **kw)
    return err.value


def test_look_up_and_pay_in_part_then_in_full(any_app):
    tv = client_for(any_app, "tv", "zh_CN")
    bills = tv.bills_for_account(WATER)
    assert [b.outstanding_minor for b in bills] == [4160, 4680] and all(b.overdue for b in bills)
    assert bills[0].kind_label == "水费" and bills[0].biller
    first = bills[0]
    part = tv.pay_bill(first.number, new_key(), amount="20.00", uid="A1B2C3D4",
                       pin=CARDS["A1B2C3D4"])
    assert part.amount_minor == 2000 and part.lines["outstanding_after_minor"] == 2160
    assert tv.bill(first.number).status == "partial"
    p = problem(tv.pay_bill, first.number, new_key(), amount="21.61", uid="A1B2C3D4",
                pin=CARDS["A1B2C3D4"])
    assert (p.status, p.code, p.body["outstanding_minor"]) == (409, "payment.bill_overpay", 2160)
    key = new_key()
    rest = tv.pay_bill(first.number, key, uid="A1B2C3D4", pin=CARDS["A1B2C3D4"])
    assert rest.amount_minor == 2160 and tv.bill(first.number).status == "paid"
    # A retry of the "pay the rest" request returns the same receipt, not a 409.
    assert tv.pay_bill(first.number, key, uid="A1B2C3D4", pin=CARDS["A1B2C3D4"]).replayed
    p = problem(tv.pay_bill, first.number, new_key(), uid="A1B2C3D4", pin=CARDS["A1B2C3D4"])
    assert (p.status, p.code) == (409, "payment.bill_paid")
    assert [b.number for b in tv.bills_for_account(WATER)] == [bills[1].number]
    assert tv.card_balance("A1B2C3D4", CARDS["A1B2C3D4"]).balance_minor == OPENING - 4160


def test_household_bills_are_private(app):
    resident = resident_client(app, "A1B2C3D4")
    mine = resident.household_bills()
    assert {b.kind for b in mine} >= {"water", "electricity", "gas", "heating", "property",
                                      "cable_tv", "phone"}
    assert any(b.overdue for b in mine)
    other = resident_client(app, "D4E5F6A7")
    assert {b.number for b in other.household_bills()}.isdisjoint({b.number for b in mine})
    kiosk = client_for(app, "kiosk")
    assert problem(kiosk.household_bills).status == 401
    raw = kiosk.request("GET", "/api/v1/bills", params={"account_no": WATER})
    assert "household_id" not in raw["items"][0]
    assert problem(kiosk.bills_for_account, "12ab").status == 400
    assert problem(kiosk.bill, "NOPE0000").code == "payment.bill_unknown"


def test_pay_a_bill_by_qr_on_the_tv_with_the_demo_gateway(app):
    tv = client_for(app, "tv", "en")
    bill = tv.bills_for_account("0102887120")[0]  # h3 electricity, 212.90, overdue
    intent = tv.pay_bill(bill.number, new_key(), method="wechat_pay")
    assert intent.status == "requires_payment" and intent.qr_payload.endswith(f"/pay/{intent.id}")
    assert tv.request("GET", f"/api/v1/payments/intents/{intent.id}/qr.svg").startswith(b"<?xml")
    # A family member's phone opens the QR's link and pays on the demo gateway's page.
    phone = app.test_client()
    page = phone.get(f"/pay/{intent.id}?lang=en")
    assert page.status_code == 200 and "CN¥212.90" in page.get_data(as_text=True)
    assert phone.post(f"/pay/{intent.id}", data={"outcome": "pay"}).status_code == 200
    done = tv.payment_status(intent.id)
    assert done.status == "succeeded" and done.receipt_number
    assert tv.bill(bill.number).status == "paid"
    assert tv.receipt(done.receipt_number).kind == "bill_payment"
    # Paying the page twice does not pay twice.
    assert phone.post(f"/pay/{intent.id}", data={"outcome": "pay"}).status_code == 409
    fin = staff_client(app, "finance", "en")
    acc = fin.request("GET", "/api/v1/ledger/accounts/utility:electricity")
    assert acc["balance_minor"] == 21290
    assert fin.ledger_verify()["ok"]


def test_a_declined_qr_payment_moves_nothing_and_fails_the_matter(app):
    tv = client_for(app, "tv", "en")
    m = tv.submit_matter("payment.water", {"account_no": WATER, "amount": "88.40"}, "tv")
    assert m.state == "awaiting_payment" and m.amount_minor == 8840
    intent = tv.pay_matter(m.number, new_key(), method="alipay")
    app.test_client().post(f"/pay/{intent.id}", data={"outcome": "decline"})
    assert tv.payment_status(intent.id).status == "failed"
    assert tv.matter(m.number).state == "failed"
    assert [b.paid_minor for b in tv.bills_for_account(WATER)] == [0, 0]


def test_a_water_matter_paid_by_card_settles_both_bills_and_completes(any_app):
    kiosk = client_for(any_app, "kiosk", "en")
    m = kiosk.submit_matter("payment.water", {"account_no": WATER, "amount": "100.00"}, "kiosk")
    r = kiosk.pay_matter(m.number, new_key(), uid="B2C3D4E5", pin=CARDS["B2C3D4E5"])
    assert r.amount_minor == 10000 and r.matter_number == m.number
    assert kiosk.matter(m.number).state == "paid"
    # Oldest bill first, then the next; the 11.60 left over is kept as an advance payment.
    assert kiosk.bills_for_account(WATER) == ()
    paid = kiosk.bills_for_account(WATER, include_paid=True)
    assert [b.paid_minor for b in paid] == [4160, 4680]
    p = problem(kiosk.pay_matter, m.number, new_key(), uid="B2C3D4E5", pin=CARDS["B2C3D4E5"])
    assert (p.status, p.code) == (409, "conflict") and m.number in p.detail
    assert problem(kiosk.pay_matter, m.number, new_key(), method="wechat_pay").status == 409
    from payments.settlement import service as settlement
    from payments.settlement.service import window

    today = settlement.business_day(settlement.utcnow())
    settlement.settle_day(payments_of(any_app), today, now=window(today)[1] + settlement.GRACE)
    assert kiosk.matter(m.number).state == "completed"


def test_overdue_reminders_once_a_week(app):
    p = payments_of(app)
    from payments.jobs import remind_bills

    sent = remind_bills(p, today=date.today())
    assert sent == 6  # the demo's overdue bills across three households
    assert remind_bills(p, today=date.today()) == 0
    with p.db.session() as s:
        rows = s.scalars(select(OutboxMessage).where(OutboxMessage.kind == "bill_overdue")).all()
    inbox = [r for r in rows if r.medium == "inbox"]
    sms = [r for r in rows if r.medium == "sms"]
    assert len(inbox) == len(sms) == 6
    zh_tw = [r for r in inbox if r.lang == "zh_TW"]
    assert zh_tw and "帳單已逾期" in zh_tw[0].title and "管理費" in zh_tw[0].title
    # Delivered by the core's outbox job to the household's inbox on the TV.
    app.extensions["portal"].jobs.run("outbox")
    resident = resident_client(app, "A1B2C3D4", channel="tv")
    assert any(i.kind == "bill_overdue" for i in resident.inbox())
