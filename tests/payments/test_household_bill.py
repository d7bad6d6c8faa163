"""Orders added to the household's bill (记账), on SQLite and PostgreSQL: no money now, one
bill per order, paid later like any bill; the merchant earns the order when it is delivered
and is paid out at settlement; a cancelled order comes off the bill."""

from __future__ import annotations

import threading
from datetime import date

import pytest

from portal_client import PortalProblem
from portal_client.payments import BilledOrder, new_key
from tests.conftest import client_for, staff_client
from tests.payments.conftest import CARDS, OPENING, payments_of

UID = "A1B2C3D4"  # 王秀英, household h1 (box STB-DEMO-0001)


def problem(fn, *args, **kw) -> PortalProblem:
    with pytest.raises(PortalProblem) as err:
        fn(*args, **kw)
    return err.value


def household_tv(app, box: str = "STB-DEMO-0001"):
    tv = client_for(app, "tv", "zh_CN")
    tv.sign_in_box(box)
    return tv


def meal_order(client, portions: int = 2):
    fields = {"meal_date": date.today().isoformat(), "meal": "lunch", "set_meal": "a",
              "quantity": portions, "delivery": "pickup"}
    for f in client.service("ordering.canteen-meal").fields:
        if f.required and f.key not in fields:
            from tests.channel_core.samples import sample_value

            fields[f.key] = sample_value(f)
    return client.submit_matter("ordering.canteen-meal", fields, "tv")


def account(fin, code: str) -> int:
    return fin.request("GET", f"/api/v1/ledger/accounts/{code}")["balance_minor"]


def test_an_order_goes_on_the_bill_once_and_moves_no_money(any_app):
    tv = household_tv(any_app)
    fin = staff_client(any_app, "finance", "en")
    order = meal_order(tv)
    assert order.amount_minor == 3000
    before = {b.number for b in tv.household_bills()}
    key = new_key()
    billed = tv.pay_matter(order.number, key, method="household_bill")
    assert isinstance(billed, BilledOrder) and not billed.replayed
    bill = billed.bill
    assert (bill.kind, bill.amount_minor, bill.outstanding_minor, bill.status) == \
        ("orders", 3000, 3000, "open")
    assert bill.kind_label == "社区订单" and bill.usage == order.number
    assert bill.biller.startswith("社区服务中心")
    due = date.fromisoformat(bill.due_date)
    assert due.day == 15 and due > date.today() and (due - date.today()).days <= 46
    assert {b.number for b in tv.household_bills()} == before | {bill.number}
    # No money moved: the card is untouched, nothing is owed to the canteen yet.
    assert tv.card_balance(UID, CARDS[UID]).available_minor == OPENING
    assert account(fin, "receivable:orders") == 0
    # The same request again, or with another key: the same bill, never a second one.
    assert tv.add_to_household_bill(order.number, key).replayed
    again = tv.add_to_household_bill(order.number, new_key())
    assert again.replayed and again.bill.number == bill.number
    assert [b.number for b in tv.household_bills()].count(bill.number) == 1
    # The order is taken care of: paying it another way is refused.
    p = problem(tv.pay_matter, order.number, new_key(), uid=UID, pin=CARDS[UID])
    assert (p.status, p.code) == (409, "conflict")
    assert problem(tv.pay_matter, order.number, new_key(), method="wechat_pay").status == 409
    # The canteen sees on the order that it is on the household's account.
    history = staff_client(any_app, "canteen", "en").matter(order.number).history
    assert any(bill.number in (h.note or "") and "¥30.00" in (h.note or "") for h in history)


def test_delivered_order_pays_the_merchant_and_the_bill_is_paid_later(any_app):
    tv = household_tv(any_app)
    fin = staff_client(any_app, "finance", "en")
    canteen = staff_client(any_app, "canteen", "en")
    jobs = any_app.extensions["portal"].jobs
    order = meal_order(tv)
    bill = tv.add_to_household_bill(order.number, new_key()).bill
    assert jobs.run("payments.follow_orders") == 0  # not delivered yet
    for step in ("accept", "prepare", "deliver"):
        canteen.transition(order.number, step)
    assert jobs.run("payments.follow_orders") == 1
    assert jobs.run("payments.follow_orders") == 0
    assert account(fin, "merchant:canteen") == 3000
    assert account(fin, "receivable:orders") == -3000  # what the household still owes
    # Later the household pays its bill from the one-card, like any bill.
    r = tv.pay_bill(bill.number, new_key(), uid=UID, pin=CARDS[UID])
    assert r.amount_minor == 3000 and r.kind == "bill_payment"
    assert r.payee_name == "住户记账应收"
    assert tv.bill(bill.number).status == "paid"
    assert bill.number not in {b.number for b in tv.household_bills()}
    assert tv.card_balance(UID, CARDS[UID]).balance_minor == OPENING - 3000
    assert account(fin, "receivable:orders") == 0
    assert fin.ledger_verify()["ok"]
    # Settlement pays the canteen for the delivered order; the receivable is no payee.
    from payments.settlement import service as settlement

    today = settlement.business_day(settlement.utcnow())
    end = settlement.window(today)[1] + settlement.GRACE
    statements = settlement.settle_day(payments_of(any_app), today, now=end).statements
    by_payee = {st.payee_code: st for st in statements}
    assert "receivable:orders" not in by_payee
    assert by_payee["merchant:canteen"].gross == 3000
    assert [line["kind"] for line in by_payee["merchant:canteen"].lines] == ["order_on_bill"]


def test_orders_bills_can_be_paid_by_qr_and_together_by_account(any_app):
    tv = household_tv(any_app)
    first, second = meal_order(tv), meal_order(tv, portions=1)
    b1 = tv.add_to_household_bill(first.number, new_key()).bill
    b2 = tv.add_to_household_bill(second.number, new_key()).bill
    assert b1.account_no == b2.account_no
    listed = tv.bills_for_account(b1.account_no, kind="orders")
    assert [b.number for b in listed] == [b1.number, b2.number]
    intent = tv.pay_bill(b2.number, new_key(), method="wechat_pay")
    assert intent.amount_minor == 1500
    any_app.test_client().post(f"/pay/{intent.id}", data={"outcome": "pay"})
    assert tv.bill(b2.number).status == "paid" and tv.bill(b1.number).status == "open"
    fin = staff_client(any_app, "finance", "en")
    assert account(fin, "receivable:orders") == 1500
    assert fin.ledger_verify()["ok"]


def test_a_cancelled_order_comes_off_the_bill(any_app):
    tv = household_tv(any_app)
    fin = staff_client(any_app, "finance", "en")
    jobs = any_app.extensions["portal"].jobs
    order = meal_order(tv)
    bill = tv.add_to_household_bill(order.number, new_key()).bill
    tv.transition(order.number, "cancel")
    assert jobs.run("payments.follow_orders") == 1
    off = tv.bill(bill.number)
    assert (off.status, off.amount_minor, off.outstanding_minor, off.credit_minor) == \
        ("cancelled", 0, 0, 0)
    assert bill.number not in {b.number for b in tv.household_bills()}
    assert jobs.run("payments.follow_orders") == 0
    assert account(fin, "merchant:canteen") == 0
    p = problem(tv.pay_bill, bill.number, new_key(), uid=UID, pin=CARDS[UID])
    assert (p.status, p.code) == (409, "payment.bill_paid")


def test_paid_then_cancelled_leaves_a_credit_that_finance_refunds(app):
    tv = household_tv(app)
    fin = staff_client(app, "finance", "en")
    order = meal_order(tv)
    bill = tv.add_to_household_bill(order.number, new_key()).bill
    paid = tv.pay_bill(bill.number, new_key(), uid=UID, pin=CARDS[UID])
    tv.transition(order.number, "cancel")
    app.extensions["portal"].jobs.run("payments.follow_orders")
    off = tv.bill(bill.number)
    assert (off.status, off.credit_minor) == ("cancelled", 3000)
    fin.refund(paid.transfer_id, "order cancelled after the bill was paid", new_key())
    off = tv.bill(bill.number)
    assert (off.status, off.paid_minor, off.credit_minor) == ("cancelled", 0, 0)
    assert tv.card_balance(UID, CARDS[UID]).balance_minor == OPENING
    assert account(fin, "receivable:orders") == 0
    assert fin.ledger_verify()["ok"]


def test_only_the_households_own_unpaid_orders(app):
    tv = household_tv(app)
    order = meal_order(tv)
    kiosk = client_for(app, "kiosk", "en")  # a channel with nobody signed in
    p = problem(kiosk.add_to_household_bill, order.number, new_key())
    assert (p.status, p.code) == (400, "bad_request")
    other = household_tv(app, "STB-DEMO-0002")
    p = problem(other.add_to_household_bill, order.number, new_key())
    assert p.status == 403 and order.number in p.detail
    water = tv.submit_matter("payment.water", {"account_no": "1100351024", "amount": "41.60"},
                             "tv")
    assert problem(tv.add_to_household_bill, water.number, new_key()).code == "payment.method"
    paid = meal_order(tv)
    tv.pay_matter(paid.number, new_key(), uid=UID, pin=CARDS[UID])
    p = problem(tv.add_to_household_bill, paid.number, new_key())
    assert (p.status, p.code) == (409, "conflict")
    assert problem(tv.add_to_household_bill, "000000000", new_key()).status == 404


@pytest.mark.postgres
def test_four_screens_adding_one_order_make_one_bill(pg_app):
    order = meal_order(household_tv(pg_app))
    gate = threading.Barrier(4)
    results: list = []

    def add() -> None:
        tv = household_tv(pg_app)
        gate.wait()
        try:
            results.append(tv.add_to_household_bill(order.number, new_key()))
        except PortalProblem as exc:
            results.append(exc)

    threads = [threading.Thread(target=add) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert all(isinstance(r, BilledOrder) for r in results), results
    assert sorted(r.replayed for r in results) == [False, True, True, True]
    assert len({r.bill.number for r in results}) == 1
