"""A day's settlement and reconciliation through the API, on SQLite and PostgreSQL: a merchant
is paid, a refund comes back, statements add up to the cent (CSV and PDF), payouts are
ledger transfers, and reconciliation lists every difference with the gateway."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest
from sqlalchemy import update

from payments.providers.models import OfflineGatewayRecord
from payments.settlement import reconcile as reconcile_mod
from payments.settlement import service as settlement
from portal_client import PortalProblem
from portal_client.payments import new_key
from tests.conftest import client_for, staff_client
from tests.payments.conftest import CARDS, payments_of
from tests.payments.fake_stripe import deliver


def problem(fn, *args, **kw) -> PortalProblem:
    with pytest.raises(PortalProblem) as err:
        fn(*args, **kw)
    return err.value


@pytest.fixture
def after_midnight(monkeypatch):
    """It is 00:10 tomorrow, Asia/Shanghai: today can be settled and reconciled."""
    today = settlement.business_day(settlement.utcnow())
    later = settlement.window(today)[1] + timedelta(minutes=10)
    monkeypatch.setattr(settlement, "utcnow", lambda: later)
    monkeypatch.setattr(reconcile_mod, "utcnow", lambda: later)
    return today


def _offline_pay(app, client, **kw):
    intent = client.create_payment(**kw)
    assert app.test_client().post(f"/pay/{intent.id}", data={"outcome": "pay"}).status_code == 200
    return client.payment_status(intent.id)


def test_refunds_are_capped_and_an_open_day_is_not_settled(any_app):
    kiosk = client_for(any_app, "kiosk", "en")
    fin = staff_client(any_app, "finance", "en")
    a, b = "A1B2C3D4", "C3D4E5F6"
    lunch = kiosk.pay_by_card(a, CARDS[a], "merchant:canteen", "18.50", new_key())
    kiosk.pay_by_card(b, CARDS[b], "merchant:canteen", "30.00", new_key())
    bill = kiosk.bills_for_account("1100351024")[0]
    kiosk.pay_bill(bill.number, new_key(), uid=a, pin=CARDS[a])  # 41.60 water
    _offline_pay(any_app, kiosk, purpose="topup", target=b, method="wechat_pay", key=new_key(),
                 amount="100.00")
    refund = fin.refund(lunch.transfer_id, "cold soup", new_key(), amount="10.00")
    assert (refund.status, refund.route) == ("succeeded", "wallet")
    p = problem(fin.refund, lunch.transfer_id, "again", new_key(), amount="8.51")
    assert (p.status, p.code) == (409, "payment.refund_exceeds")
    today = settlement.business_day(settlement.utcnow())
    p = problem(fin.settle_day, today.isoformat())
    assert (p.status, p.code) == (409, "payment.settlement_open")


def test_settle_and_reconcile_after_midnight(any_app, after_midnight):
    today = after_midnight
    kiosk = client_for(any_app, "kiosk", "en")
    fin = staff_client(any_app, "finance", "en")
    a, b = "A1B2C3D4", "C3D4E5F6"
    lunch = kiosk.pay_by_card(a, CARDS[a], "merchant:canteen", "18.50", new_key())
    kiosk.pay_by_card(b, CARDS[b], "merchant:canteen", "30.00", new_key())
    bill = kiosk.bills_for_account("1100351024")[0]
    kiosk.pay_bill(bill.number, new_key(), uid=a, pin=CARDS[a])
    paid = _offline_pay(any_app, kiosk, purpose="bill", target=kiosk.bills_for_account("20057713")[0].number,
                        method="alipay", key=new_key())  # 67.50 gas by QR
    assert paid.status == "succeeded"
    fin.refund(lunch.transfer_id, "cold soup", new_key(), amount="10.00")

    statements = {st.payee_code: st for st in fin.settle_day(today.isoformat())}
    c = statements["merchant:canteen"]
    assert (c.gross_minor, c.refunds_minor, c.fees_minor) == (4850, 1000, 23)  # 0.60% of 38.50
    assert (c.net_minor, c.payout_minor, c.closing_minor) == (3827, 3827, 0)
    w = statements["utility:water"]
    assert (w.gross_minor, w.fees_minor, w.payout_minor) == (4160, 0, 4160)
    assert statements["utility:gas"].payout_minor == 6750
    assert {line["kind"] for line in c.lines} == {"card_payment", "refund"}
    # Running it again settles nothing twice.
    (again,) = fin.settle_days(today.isoformat())
    assert not again.newly_settled
    assert {st.payee_code: st.id for st in again.statements}["merchant:canteen"] == c.id
    ledger = {code: fin.request("GET", f"/api/v1/ledger/accounts/{code}")["balance_minor"]
              for code in ("merchant:canteen", "utility:water", "fees:platform", "bank:payouts")}
    assert ledger == {"merchant:canteen": 0, "utility:water": 0, "fees:platform": 23,
                      "bank:payouts": 3827 + 4160 + 6750}
    assert fin.ledger_verify()["ok"]

    # The canteen sees its own statement, as CSV and PDF; not another payee's.
    canteen = staff_client(any_app, "canteen", "zh_CN")
    mine = canteen.statements(today.isoformat())
    assert [st.payee_code for st in mine] == ["merchant:canteen"]
    rows = list(csv.reader(io.StringIO(canteen.statement_document(c.id, "csv").decode("utf-8-sig"))))
    assert rows[0][0] == "商户结算单" and any(r[:1] == ["结算付款"] and r[3] == "-38.27" for r in rows)
    assert sum(float(r[3]) for r in rows[2:] if r and r[1].isdigit()) == pytest.approx(38.50)
    assert canteen.statement_document(c.id, "pdf").startswith(b"%PDF")
    assert problem(canteen.statement_document, statements["utility:water"].id, "csv").status == 403

    run = fin.reconcile(today.isoformat())
    assert (run.differences, run.matched, run.balanced) == (0, 1, True)
    assert fin.reconciliation(run.id) == run
    assert run.ledger_total_minor == run.provider_total_minor == 6750


def test_reconciliation_lists_every_difference(any_app, after_midnight):
    today = after_midnight
    kiosk = client_for(any_app, "kiosk", "en")
    fin = staff_client(any_app, "finance", "en")
    one = _offline_pay(any_app, kiosk, purpose="topup", target="B2C3D4E5", method="wechat_pay",
                       key=new_key(), amount="50.00")
    _offline_pay(any_app, kiosk, purpose="topup", target="A1B2C3D4", method="alipay",
                 key=new_key(), amount="20.00")
    p = payments_of(any_app)
    with p.db.session() as s:
        # The gateway's book disagrees: one amount differs, and a charge nobody booked.
        s.execute(update(OfflineGatewayRecord).where(
            OfflineGatewayRecord.ref == f"off_{one.id}").values(amount=5100))
        s.add(OfflineGatewayRecord(ref="off_pi_stray", kind="payment", intent_ref="off_pi_stray",
                                   amount=999, currency="CNY", status="succeeded",
                                   created_at=settlement.window(today)[0] + timedelta(hours=3)))
    run = fin.reconcile(today.isoformat())
    kinds = sorted((i["kind"], i["provider_ref"]) for i in run.items)
    assert kinds == [("amount_mismatch", f"off_{one.id}"), ("missing_in_ledger", "off_pi_stray")]
    assert run.matched == 1 and not run.balanced
    mismatch = next(i for i in run.items if i["kind"] == "amount_mismatch")
    assert (mismatch["ledger_amount_minor"], mismatch["provider_amount_minor"]) == (5000, 5100)
    resolved = fin.resolve_difference(mismatch["id"], "gateway added a 1.00 fee; claim filed")
    assert resolved["status"] == "resolved"
    assert problem(fin.resolve_difference, mismatch["id"], "twice").status == 409
    # Nothing was corrected behind anyone's back.
    assert fin.request("GET", "/api/v1/cards/B2C3D4E5")["balance_minor"] == 20000 + 5000
    assert fin.ledger_verify()["ok"]


def test_reconcile_against_stripe(stripe_app, fake_stripe, after_midnight):
    today = after_midnight
    tv = client_for(stripe_app, "tv", "en")
    fin = staff_client(stripe_app, "finance", "en")
    post = stripe_app.test_client().post
    for amount in ("30.00", "40.00", "50.00"):
        tv.create_payment("topup", "D4E5F6A7", "wechat_pay", new_key(), amount=amount)
    ids = list(fake_stripe.intents)
    deliver(post, fake_stripe.pay(ids[0]))
    deliver(post, fake_stripe.pay(ids[1], amount=3900))  # the bank settled another amount
    fake_stripe.pay(ids[2])                               # its webhook never arrived
    run = fin.reconcile(today.isoformat())
    assert sorted((i["kind"], i["provider_ref"]) for i in run.items) == sorted([
        ("missing_in_ledger", ids[1]), ("missing_in_ledger", ids[2])])
    assert run.matched == 1
    assert (run.ledger_total_minor, run.provider_total_minor) == (3000, 3000 + 3900 + 5000)
    # A charge the ledger has but Stripe does not know of.
    del fake_stripe.intents[ids[0]]
    run = fin.reconcile(today.isoformat())
    assert ("missing_at_provider", ids[0]) in {(i["kind"], i["provider_ref"]) for i in run.items}
