"""Cancelling a QR payment the payer gave up on: idempotent, refused once paid (409), the
matter left payable, and money a gateway still collects afterwards refunded, never lost."""

from __future__ import annotations

import pytest

from portal_client import PortalProblem
from portal_client.payments import new_key
from tests.conftest import client_for, staff_client
from tests.payments.conftest import CARDS
from tests.payments.fake_stripe import deliver

ELECTRICITY = "0102887120"  # h3 electricity, 212.90, overdue
WATER = "1100351024"  # h1 water: 41.60 and 46.80


def problem(fn, *args, **kw) -> PortalProblem:
    with pytest.raises(PortalProblem) as err:
        fn(*args, **kw)
    return err.value


def test_cancel_is_idempotent_closes_the_pay_page_and_moves_nothing(any_app):
    tv = client_for(any_app, "tv", "en")
    bill = tv.bills_for_account(ELECTRICITY)[0]
    intent = tv.pay_bill(bill.number, new_key(), method="wechat_pay")
    gone = tv.cancel_payment(intent.id)
    assert (gone.id, gone.status, gone.failure_code) == (intent.id, "canceled", "canceled_by_payer")
    assert gone.done
    again = tv.cancel_payment(intent.id)  # the answer got lost: ask again, same answer
    assert (again.status, again.failure_code) == ("canceled", "canceled_by_payer")
    assert tv.payment_status(intent.id).status == "canceled"
    # The family member's phone still shows the old QR's page: paying it is refused.
    phone = any_app.test_client()
    assert phone.post(f"/pay/{intent.id}", data={"outcome": "pay"}).status_code == 409
    assert tv.bill(bill.number).paid_minor == 0
    # Giving up is not a "no": a new attempt is a new payment and pays the bill once.
    second = tv.pay_bill(bill.number, new_key(), method="wechat_pay")
    assert second.id != intent.id
    assert phone.post(f"/pay/{second.id}", data={"outcome": "pay"}).status_code == 200
    assert tv.bill(bill.number).status == "paid"
    assert staff_client(any_app, "finance", "en").ledger_verify()["ok"]


def test_a_paid_intent_cannot_be_cancelled(app):
    kiosk = client_for(app, "kiosk", "zh_CN")
    bill = kiosk.bills_for_account(WATER)[0]
    intent = kiosk.pay_bill(bill.number, new_key(), method="alipay")
    app.test_client().post(f"/pay/{intent.id}", data={"outcome": "pay"})
    p = problem(kiosk.cancel_payment, intent.id)
    assert (p.status, p.code, p.body["intent_status"]) == (409, "payment.intent_closed", "succeeded")
    assert "已经完成" in p.detail  # in the screen's language
    done = kiosk.payment_status(intent.id)
    assert done.status == "succeeded" and done.receipt_number
    assert kiosk.bill(bill.number).status == "paid"


def test_cancel_needs_a_caller_and_a_real_intent(app):
    kiosk = client_for(app, "kiosk", "en")
    assert problem(kiosk.cancel_payment, "pi_doesnotexist").status == 404
    bill = kiosk.bills_for_account(WATER)[0]
    intent = kiosk.pay_bill(bill.number, new_key(), method="wechat_pay")
    r = app.test_client().post(f"/api/v1/payments/intents/{intent.id}/cancel", json={})
    assert r.status_code == 401
    assert kiosk.payment_status(intent.id).status == "requires_payment"
    # A declined payment is over already: cancelling it changes nothing.
    app.test_client().post(f"/pay/{intent.id}", data={"outcome": "decline"})
    assert kiosk.cancel_payment(intent.id).status == "failed"


def test_a_cancelled_matter_payment_leaves_the_matter_payable(any_app):
    kiosk = client_for(any_app, "kiosk", "en")
    m = kiosk.submit_matter("payment.water", {"account_no": WATER, "amount": "41.60"}, "kiosk")
    intent = kiosk.pay_matter(m.number, new_key(), method="wechat_pay")
    assert kiosk.cancel_payment(intent.id).status == "canceled"
    assert kiosk.matter(m.number).state == "awaiting_payment"
    r = kiosk.pay_matter(m.number, new_key(), uid="B2C3D4E5", pin=CARDS["B2C3D4E5"])
    assert r.amount_minor == 4160 and kiosk.matter(m.number).state == "paid"


def test_stripe_cancel_is_sent_with_a_key_and_a_reason(stripe_app, fake_stripe):
    tv = client_for(stripe_app, "tv", "en")
    bill = tv.bills_for_account(ELECTRICITY)[0]
    intent = tv.pay_bill(bill.number, new_key(), method="wechat_pay")
    pid = next(iter(fake_stripe.intents))
    assert tv.cancel_payment(intent.id).status == "canceled"
    method, path, params, headers = fake_stripe.requests[-1]
    assert (method, path) == ("POST", f"/v1/payment_intents/{pid}/cancel")
    assert params == {"cancellation_reason": "abandoned"}
    assert headers["Idempotency-Key"] == f"portal-cancel-{intent.id}"
    assert fake_stripe.intents[pid]["status"] == "canceled"
    # Stripe's own canceled event is news we already have.
    event = fake_stripe.event("payment_intent.canceled", fake_stripe.intents[pid])
    out = deliver(stripe_app.test_client().post, event).get_json()
    assert out["outcome"] == "ignored_canceled"


def test_stripe_down_still_cancels_here(stripe_app, fake_stripe):
    tv = client_for(stripe_app, "tv", "en")
    bill = tv.bills_for_account(ELECTRICITY)[0]
    intent = tv.pay_bill(bill.number, new_key(), method="wechat_pay")
    fake_stripe.fail_next = 10  # more than the SDK's retries
    assert tv.cancel_payment(intent.id).status == "canceled"
    fake_stripe.fail_next = 0
    pid = next(iter(fake_stripe.intents))
    assert fake_stripe.intents[pid]["status"] == "requires_action"
    assert tv.cancel_payment(intent.id).status == "canceled"  # asked again: now Stripe hears
    assert fake_stripe.intents[pid]["status"] == "canceled"


def test_money_collected_after_cancelling_is_booked_and_refunded(stripe_app, fake_stripe):
    """The family member confirmed in WeChat just as the TV gave up: Stripe took the money
    (so it refuses the cancel), the portal had already said "cancelled". The money is booked
    to suspense, not to the bill, and refunded in full through Stripe."""
    tv = client_for(stripe_app, "tv", "en")
    fin = staff_client(stripe_app, "finance", "en")
    bill = tv.bills_for_account(ELECTRICITY)[0]
    intent = tv.pay_bill(bill.number, new_key(), method="wechat_pay")
    pid = next(iter(fake_stripe.intents))
    paid_event = fake_stripe.pay(pid)  # at Stripe, before the cancel arrives
    gone = tv.cancel_payment(intent.id)
    assert gone.status == "canceled"
    assert [r[1] for r in fake_stripe.requests[-2:]] == [f"/v1/payment_intents/{pid}/cancel",
                                                         f"/v1/payment_intents/{pid}"]
    out = deliver(stripe_app.test_client().post, paid_event).get_json()
    assert out["outcome"] == "late_payment"
    after = tv.payment_status(intent.id)
    assert (after.status, after.failure_code) == ("canceled", "paid_after_cancel")
    assert tv.bill(bill.number).paid_minor == 0  # never applied to what was cancelled
    util = fin.request("GET", "/api/v1/ledger/accounts/utility:electricity")
    assert util["balance_minor"] == 0
    late = fin.request("GET", "/api/v1/ledger/accounts/suspense:late")
    assert (late["balance_minor"], late["available_minor"]) == (21290, 0)  # refund under way
    rid, refund = next(iter(fake_stripe.refunds.items()))
    assert (refund["payment_intent"], refund["amount"]) == (pid, 21290)
    transfer_id = tv.request("GET", f"/api/v1/payments/intents/{intent.id}")["transfer_id"]
    assert fin.request("GET", f"/api/v1/ledger/transfers/{transfer_id}")["kind"] == "late_payment"
    # The same news again (redelivery, or a second event id) changes nothing.
    again = dict(paid_event, id="evt_" + "1" * 24)
    assert deliver(stripe_app.test_client().post, again).get_json()["outcome"] == "already_fulfilled"
    assert len(fake_stripe.refunds) == 1
    assert stripe_app.extensions["portal"].jobs.run("payments.refund_late") == 0
    out = deliver(stripe_app.test_client().post, fake_stripe.settle_refund(rid)).get_json()
    assert out["outcome"] == "refunded"
    late = fin.request("GET", "/api/v1/ledger/accounts/suspense:late")
    assert (late["balance_minor"], late["available_minor"]) == (0, 0)
    assert fin.ledger_verify()["ok"]


def test_a_late_payment_is_refunded_by_the_job_when_stripe_was_down(stripe_app, fake_stripe):
    tv = client_for(stripe_app, "tv", "en")
    bill = tv.bills_for_account(ELECTRICITY)[0]
    intent = tv.pay_bill(bill.number, new_key(), method="wechat_pay")
    pid = next(iter(fake_stripe.intents))
    tv.cancel_payment(intent.id)
    paid_event = fake_stripe.pay(pid)
    fake_stripe.fail_next = 10  # the refund call fails: the money waits in suspense
    out = deliver(stripe_app.test_client().post, paid_event).get_json()
    assert out["outcome"] == "late_payment" and not fake_stripe.refunds
    fake_stripe.fail_next = 0
    jobs = stripe_app.extensions["portal"].jobs
    assert jobs.run("payments.refund_late") == 1
    assert len(fake_stripe.refunds) == 1
    assert jobs.run("payments.refund_late") == 0
