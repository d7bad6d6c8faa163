"""The Stripe gateway against a local server speaking Stripe's wire format: PaymentIntents for
WeChat Pay / Alipay / card, money moved only by verified webhooks, exactly once; async
failures, refunds, outages and forged or stale webhooks."""

from __future__ import annotations

import json
import time

import pytest

from portal_client import PortalProblem
from portal_client.payments import new_key
from tests.conftest import client_for, staff_client
from tests.payments.conftest import OPENING
from tests.payments.fake_stripe import FakeStripe, deliver

UID = "D4E5F6A7"


def problem(fn, *args, **kw) -> PortalProblem:
    with pytest.raises(PortalProblem) as err:
        fn(*args, **kw)
    return err.value


def webhook(app, event, **kw):
    return deliver(app.test_client().post, event, **kw)


def balance(app, uid=UID) -> int:
    fin = app.extensions["payments"]
    from payments.cards.service import card_view

    with fin.db.session() as s:
        return card_view(s, uid).wallet.balance


def test_wechat_pay_top_up_credits_once_when_the_webhook_says_so(stripe_app, fake_stripe):
    tv = client_for(stripe_app, "tv", "en")
    key = new_key()
    intent = tv.create_payment("topup", UID, "wechat_pay", key, amount="50.00")
    assert intent.qr_payload.startswith("weixin://wxpay/") and intent.status == "requires_payment"
    method, path, params, headers = fake_stripe.requests[-1]
    assert (method, path) == ("POST", "/v1/payment_intents")
    assert params["amount"] == "5000" and params["currency"] == "cny"
    assert params["payment_method_types"] == ["wechat_pay"] and params["confirm"] == "true"
    assert params["payment_method_options"]["wechat_pay"]["client"] == "web"
    assert params["metadata"]["portal_intent"] == intent.id
    assert headers["Idempotency-Key"] == f"portal-intent-{intent.id}"
    # The same request again (a kiosk retry) is the same intent; Stripe is not asked again.
    assert tv.create_payment("topup", UID, "wechat_pay", key, amount="50.00").id == intent.id
    assert len([r for r in fake_stripe.requests if r[0] == "POST"]) == 1
    assert balance(stripe_app) == OPENING  # nothing until the webhook
    pid = next(iter(fake_stripe.intents))
    event = fake_stripe.pay(pid)
    r = webhook(stripe_app, event)
    assert r.status_code == 200 and r.get_json()["outcome"] == "fulfilled"
    assert balance(stripe_app) == OPENING + 5000
    done = tv.payment_status(intent.id)
    assert done.status == "succeeded" and tv.receipt(done.receipt_number).kind == "topup"
    # Stripe redelivers the same event, then sends the same news under a new event id.
    r = webhook(stripe_app, event)
    assert r.status_code == 200 and r.get_json()["duplicate"] is True
    again = dict(event, id="evt_" + "0" * 24)
    assert webhook(stripe_app, again).get_json()["outcome"] == "already_fulfilled"
    assert balance(stripe_app) == OPENING + 5000


@pytest.mark.parametrize("how", ["wrong_secret", "stale", "no_header", "tampered"])
def test_forged_or_stale_webhooks_get_400_and_change_nothing(stripe_app, fake_stripe, how):
    tv = client_for(stripe_app, "tv", "en")
    tv.create_payment("topup", UID, "wechat_pay", new_key(), amount="20.00")
    event = fake_stripe.pay(next(iter(fake_stripe.intents)))
    client = stripe_app.test_client()
    if how == "wrong_secret":
        r = deliver(client.post, event, secret="whsec_not_ours")
    elif how == "stale":
        r = deliver(client.post, event, timestamp=int(time.time()) - 301)
    elif how == "no_header":
        r = client.post("/api/v1/webhooks/stripe", data=json.dumps(event),
                        headers={"Content-Type": "application/json"})
    else:
        body, headers = FakeStripe.signed(event)
        r = client.post("/api/v1/webhooks/stripe",
                        data=body.replace(b'"amount": 2000', b'"amount": 9000'), headers=headers)
    assert r.status_code == 400 and r.get_json()["code"] == "payment.webhook_rejected"
    assert balance(stripe_app) == OPENING
    # Within the 300 s tolerance the genuine delivery still works.
    ok = deliver(client.post, event, timestamp=int(time.time()) - 290)
    assert ok.status_code == 200 and balance(stripe_app) == OPENING + 2000


def test_async_failure_and_a_wrong_amount_move_no_money(stripe_app, fake_stripe):
    tv = client_for(stripe_app, "tv", "en")
    bill = tv.bills_for_account("8805010302")[0]  # h2 property fee, 570.00, overdue
    intent = tv.pay_bill(bill.number, new_key(), method="alipay")
    assert intent.pay_url.startswith("https://hooks.stripe.com/redirect/")
    pid = next(iter(fake_stripe.intents))
    assert webhook(stripe_app, fake_stripe.decline(pid)).get_json()["outcome"] == "failed"
    assert tv.payment_status(intent.id).failure_code == "card_declined"
    assert tv.bill(bill.number).paid_minor == 0
    # A second attempt; the bank reports a different amount than asked: held for review.
    second = tv.pay_bill(bill.number, new_key(), method="wechat_pay")
    pid2 = [p for p in fake_stripe.intents if p != pid][0]
    out = webhook(stripe_app, fake_stripe.pay(pid2, amount=50000)).get_json()
    assert out["outcome"] == "amount_mismatch"
    assert tv.payment_status(second.id).status == "review"
    assert tv.bill(bill.number).paid_minor == 0
    assert staff_client(stripe_app, "finance", "en").ledger_verify()["ok"]


def test_gateway_refund_is_held_then_posted_by_the_refund_webhook(stripe_app, fake_stripe):
    tv = client_for(stripe_app, "tv", "en")
    bill = tv.bills_for_account("0102886902")[0]  # h2 electricity, 96.40
    intent = tv.pay_bill(bill.number, new_key(), method="wechat_pay")
    webhook(stripe_app, fake_stripe.pay(next(iter(fake_stripe.intents))))
    transfer_id = tv.request("GET", f"/api/v1/payments/intents/{intent.id}")["transfer_id"]
    fin = staff_client(stripe_app, "finance", "en")
    key = new_key()
    refund = fin.refund(transfer_id, "metered twice", key, amount="40.00")
    assert (refund.status, refund.route, refund.amount_minor) == ("pending", "gateway", 4000)
    method, path, params, headers = fake_stripe.requests[-1]
    assert path == "/v1/refunds" and params["amount"] == "4000"
    assert headers["Idempotency-Key"] == f"portal-refund-{refund.id}"
    assert fin.refund(transfer_id, "metered twice", key, amount="40.00").id == refund.id
    # Not more than what is left while the first one is pending.
    p = problem(fin.refund, transfer_id, "again", new_key(), amount="56.41")
    assert (p.status, p.code) == (409, "payment.refund_exceeds")
    util = fin.request("GET", "/api/v1/ledger/accounts/utility:electricity")
    assert (util["balance_minor"], util["available_minor"]) == (9640, 5640)
    rid = next(iter(fake_stripe.refunds))
    out = webhook(stripe_app, fake_stripe.settle_refund(rid)).get_json()
    assert out["outcome"] == "refunded"
    assert fin.request("GET", f"/api/v1/payments/refunds/{refund.id}")["status"] == "succeeded"
    assert tv.bill(bill.number).outstanding_minor == 4000
    assert fin.request("GET", "/api/v1/ledger/accounts/utility:electricity")["balance_minor"] == 5640
    # A refund the bank fails is released again.
    second = fin.refund(transfer_id, "goodwill", new_key(), amount="10.00")
    rid2 = [r for r in fake_stripe.refunds if r != rid][0]
    assert webhook(stripe_app, fake_stripe.settle_refund(rid2, succeeded=False)).get_json()[
        "outcome"] == "refund_failed"
    assert fin.request("GET", f"/api/v1/payments/refunds/{second.id}")["status"] == "failed"
    util = fin.request("GET", "/api/v1/ledger/accounts/utility:electricity")
    assert (util["balance_minor"], util["available_minor"]) == (5640, 5640)
    assert fin.ledger_verify()["ok"]


def test_stripe_outage_then_retry_charges_once(stripe_app, fake_stripe):
    kiosk = client_for(stripe_app, "kiosk", "en")
    fake_stripe.fail_next = 10  # more than the SDK's retries
    key = new_key()
    p = problem(kiosk.create_payment, "topup", UID, "card", key, amount="30.00")
    assert (p.status, p.code) == (502, "payment.provider_unavailable")
    fake_stripe.fail_next = 0
    intent = kiosk.create_payment("topup", UID, "card", key, amount="30.00")
    assert intent.status == "requires_payment" and len(fake_stripe.intents) == 1
    keys = {r[3].get("Idempotency-Key") for r in fake_stripe.requests if r[0] == "POST"}
    assert keys == {f"portal-intent-{intent.id}"}
