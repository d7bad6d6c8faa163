"""Gateway endpoints: payment intents (QR / pay link) and their status, paying a matter,
refunds, receipts, the Stripe webhook and the offline gateway's demo pay page."""

from __future__ import annotations

from apiflask import APIBlueprint
from flask import Response, render_template_string, request
from pydantic import Field

from channel_core.api.context import (
    actor,
    channel,
    documents_body,
    lang,
    parse_body,
    require_staff,
    session_scope,
)
from channel_core.db import utcnow
from channel_core.errors import BadRequest, Unauthorized
from channel_core.identity import service as identity
from channel_core.notify.outbox import Notice, enqueue
from payments import receipts
from payments.bills.views import card_auth
from payments.cards import service as cards
from payments.cards.views import _receipt
from payments.errors import IntentClosed, IntentUnknown
from payments.matters import charge_for, fire, lock_for_payment
from payments.money import Money
from payments.providers import service as intents
from payments.qr import render
from payments.settlement import refunds
from payments.settlement.models import Refund
from payments.web import (
    AmountIn,
    In,
    commit_errors,
    idempotency_key,
    money_of,
    pctx,
    require_caller,
)
from portal_client.i18n import gettext, normalize_lang

bp = APIBlueprint("payments_gateway", __name__, url_prefix="/api/v1", tag="Payments")
pages = APIBlueprint("payments_pages", __name__, tag="Payments")


class IntentIn(AmountIn):
    purpose: str = Field(max_length=16)  # topup | bill | matter
    target: str = Field(min_length=1, max_length=80)
    method: str = Field(max_length=16)  # card | wechat_pay | alipay
    idempotency_key: str | None = Field(default=None, max_length=100)


class MatterPayIn(In):
    method: str = Field(max_length=16)
    # one_card | presented_code | card | wechat_pay | alipay | household_bill
    uid: str | None = Field(default=None, max_length=32)
    pin: str | None = Field(default=None, max_length=12)
    code: str | None = Field(default=None, max_length=120)
    idempotency_key: str | None = Field(default=None, max_length=100)


class PayLinkNoticeIn(In):
    address: str = Field(pattern=r"^\+?\d{5,20}$")  # the payer's phone (E.164 for SMS)
    text: str = Field(min_length=5, max_length=500, pattern=r"\{url\}")  # {url}: the pay link


PAY_LINK_NOTICE = "pay_link"  # the outbox kind of a texted pay link


class RefundIn(AmountIn):
    transfer_id: int
    reason: str = Field(min_length=2, max_length=500)
    idempotency_key: str | None = Field(default=None, max_length=100)


@bp.post("/payments/intents")
@bp.doc(summary="Start a gateway payment (top-up, bill or matter): returns the QR payload "
                "or pay link to show; poll GET /payments/intents/<id> for the outcome")
def create_intent():
    require_caller()
    body = parse_body(IntentIn)
    key = idempotency_key(body.idempotency_key)
    p = pctx()
    with session_scope() as s:
        if body.purpose == "topup":
            purpose = intents.purpose_topup(s, body.target, money_of(body))  # type: ignore[arg-type]
        elif body.purpose == "bill":
            purpose = intents.purpose_bill(s, body.target, money_of(body, required=False))
        elif body.purpose == "matter":
            purpose = intents.purpose_matter(s, p, body.target)
        else:
            raise BadRequest("problem.payment.purpose")
    pi = intents.create_intent(p, purpose, body.method, key, channel=channel(), lang=lang(),
                               description=f"{body.purpose} {body.target}")
    return intents.intent_json(pi, lang()), 201


@bp.get("/payments/intents/<intent_id>")
@bp.doc(summary="Poll a payment intent: requires_payment → succeeded | failed | canceled")
def get_intent(intent_id: str):
    with session_scope() as s:
        pi = intents.get_intent(s, intent_id)
        out = intents.intent_json(pi, lang())
        if pi.transfer_id:
            rec = receipts.for_transfer(s, pi.transfer_id)
            if rec is not None:
                out["receipt_number"] = rec.number
        return out


@bp.post("/payments/intents/<intent_id>/cancel")
@bp.doc(summary="Give up a payment not yet made (the QR on screen timed out or the payer "
                "walked away): canceled, also when asked again; 409 once it is paid. Money "
                "the gateway still collects for it is refunded, never applied")
def cancel_intent(intent_id: str):
    require_caller()
    pi = intents.cancel_intent(pctx(), intent_id)
    return intents.intent_json(pi, lang())


@bp.post("/payments/intents/<intent_id>/notices")
@bp.doc(summary="Channel: text the payer the pay link of a payment this channel started "
                "(a caller paying by phone), once per payment; {url} in `text` becomes "
                "the link. 409 once it is paid or cancelled",
        responses={202: "Queued (or already queued for this payment)"})
@documents_body(PayLinkNoticeIn)
def intent_notice(intent_id: str):
    ch = channel()
    if ch is None:
        raise Unauthorized("problem.auth.channel_required")
    body = parse_body(PayLinkNoticeIn)
    with session_scope() as s:
        pi = intents.get_intent(s, intent_id)
        if pi.channel != ch:
            raise IntentUnknown()  # another channel's payment: not this channel's to text
        if pi.status != "requires_payment" or not pi.pay_url:
            raise IntentClosed(intent_status=pi.status)
        queued = enqueue(s, Notice(
            medium="sms", kind=PAY_LINK_NOTICE, title=pi.description or pi.id,
            body=body.text.replace("{url}", pi.pay_url), lang=pi.lang or lang(),
            address=body.address, dedupe_key=f"intent:{pi.id}:pay-link",
            matter_number=pi.matter_number))
    return {"queued": queued}, 202


@bp.get("/payments/intents/<intent_id>/qr.<fmt>")
@bp.doc(summary="The intent's QR (what to show on a TV or kiosk screen) as png or svg")
def intent_qr(intent_id: str, fmt: str):
    with session_scope() as s:
        pi = intents.get_intent(s, intent_id)
        payload = pi.qr_payload
    if not payload:
        raise IntentUnknown()
    if fmt == "png":
        return Response(render.png(payload), mimetype="image/png")
    if fmt == "svg":
        return Response(render.svg(payload), mimetype="image/svg+xml")
    raise BadRequest("problem.payment.qr_format")


@bp.post("/payments/matters/<number>")
@bp.doc(summary="Pay a matter's amount: one-card + PIN, presented code, or a gateway QR. "
                "Orders are held until delivered (released if refused or cancelled). "
                "household_bill (a signed-in household's own order): no money now; the "
                "order becomes a bill of kind orders, once, paid later like any bill")
def pay_matter(number: str):
    require_caller()
    body = parse_body(MatterPayIn)
    key = idempotency_key(body.idempotency_key)
    p = pctx()
    if body.method == "household_bill":
        return _add_to_household_bill(number)
    auth = card_auth(body.method, body.uid, body.pin, body.code)
    if auth is None:
        with session_scope() as s:
            purpose = intents.purpose_matter(s, p, number)
        pi = intents.create_intent(p, purpose, body.method, key, channel=channel(),
                                   lang=lang(), description=f"matter {purpose.target}")
        return intents.intent_json(pi, lang()), 201
    with session_scope(commit_on=commit_errors()) as s:
        lock_for_payment(s, number, f"c:{key}")
        c = charge_for(s, p.catalog, p.payees, number)
        if c.topup_uid:
            raise BadRequest("problem.payment.topup_by_card")
        from payments.ledger import ensure_account

        if c.bill_kind:
            from payments.bills import service as bills

            bills.lock_account_bills(s, c.bill_kind, c.account_no or "")
            ensure_account(s, c.payee_code, "utility")
            paid = cards.pay(s, p.config.secret_key, auth, c.payee_code, c.money, key,
                             kind="bill_payment", channel=channel(), matter_number=c.matter_number,
                             extra_meta={"account_no": c.account_no},
                             lines={"bill_kind": c.bill_kind, "account_no": c.account_no})
            if not paid.transfer.replayed:
                bills.record_payment(s, paid.transfer, c.bill_kind, c.account_no or "",
                                     c.money.minor)
        else:
            ensure_account(s, c.payee_code, "merchant")
            paid = cards.pay(s, p.config.secret_key, auth, c.payee_code, c.money, key,
                             kind="order_hold" if c.hold else "card_payment", channel=channel(),
                             matter_number=c.matter_number,
                             hold_ttl_s=cards.ORDER_HOLD_TTL_S if c.hold else None)
        if not paid.transfer.replayed and not c.hold:
            fire(s, p.catalog, c.matter_number, "pay", note=paid.receipt.number)
        return _receipt(s, paid), 200 if paid.transfer.replayed else 201


def _add_to_household_bill(number: str):
    from payments.bills import service as bills
    from payments.bills.orders import add_to_household_bill
    from payments.settlement.service import business_day

    p = pctx()
    with session_scope() as s:
        billed = add_to_household_bill(s, p.catalog, p.payees, number, actor(),
                                       business_day(utcnow()))
        out = {"bill": bills.bill_json(billed.bill, lang(), p.payees),
               "matter_number": billed.matter_number, "replayed": billed.replayed}
    return out, 200 if billed.replayed else 201


@bp.post("/payments/refunds")
@bp.doc(summary="Finance or a supervisor: refund (part of) a payment; never above it")
def create_refund():
    a = require_staff()
    if not ({"finance", "supervisor", "admin"} & set(a.roles)):
        from channel_core.errors import Forbidden

        raise Forbidden("problem.auth.role", role="finance")
    body = parse_body(RefundIn)
    money = money_of(body, required=False)
    key = idempotency_key(body.idempotency_key)
    r = refunds.refund(pctx(), body.transfer_id, money, body.reason, key, staff_id=a.id)
    with session_scope() as s:
        identity.audit(s, a, "payment.refund", str(body.transfer_id),
                       {"refund": r.id, "amount": r.amount, "reason": body.reason},
                       request.remote_addr)
    return refunds.refund_json(r, lang()), 201


@bp.get("/payments/refunds/<int:refund_id>")
@bp.doc(summary="Staff: a refund and its status (pending until the gateway confirms)")
def get_refund(refund_id: int):
    require_staff()
    with session_scope() as s:
        r = s.get(Refund, refund_id)
        if r is None:
            raise IntentUnknown()
        return refunds.refund_json(r, lang())


@bp.get("/receipts/<number>")
@bp.doc(summary="A receipt by its number (the receipt's QR links here)")
def get_receipt(number: str):
    p = pctx()
    with session_scope() as s:
        return receipts.as_json(receipts.get(s, number), lang(), p.config.base_url, p.payees,
                                p.departments)


@bp.get("/receipts/<number>/qr.<fmt>")
@bp.doc(summary="The QR that links to a receipt, as png or svg")
def receipt_qr(number: str, fmt: str):
    p = pctx()
    with session_scope() as s:
        rec = receipts.get(s, number)
    url = f"{p.config.base_url.rstrip('/')}/api/v1/receipts/{rec.number}"
    if fmt == "png":
        return Response(render.png(url), mimetype="image/png")
    if fmt == "svg":
        return Response(render.svg(url), mimetype="image/svg+xml")
    raise BadRequest("problem.payment.qr_format")


@bp.post("/webhooks/stripe")
@bp.doc(summary="Stripe webhook: Stripe-Signature verified (300 s tolerance); each event "
                "applied once; 400 and no change for forged or stale deliveries")
def stripe_webhook():
    p = pctx()
    if p.provider.name != "stripe":
        from payments.errors import WebhookRejected

        raise WebhookRejected()
    ev = p.provider.verify_webhook(request.get_data(cache=False), dict(request.headers))
    outcome = intents.handle_event(p, ev)
    return {"received": True, "outcome": outcome, "duplicate": outcome == "duplicate"}


_PAGE = """<!doctype html><html lang="{{ lang }}"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width,initial-scale=1"><title>{{ t('pay.title') }}</title>
<style>body{font-family:sans-serif;max-width:28em;margin:2em auto;padding:0 1em;font-size:1.2em}
button{font-size:1.2em;padding:.6em 1.2em;margin:.4em .4em 0 0}</style></head><body>
<h1>{{ t('pay.title') }}</h1><p>{{ t('pay.demo_notice') }}</p>
<p><strong>{{ amount }}</strong> — {{ description }}</p>
{% if status == 'requires_payment' %}
<form method="post"><button name="outcome" value="pay">{{ t('pay.confirm') }}</button>
<button name="outcome" value="decline">{{ t('pay.decline') }}</button></form>
{% else %}<p>{{ t('pay.status.' + status) }}</p>{% endif %}</body></html>"""


@pages.route("/pay/<intent_id>", methods=["GET", "POST"])
@pages.doc(hide=True)
def demo_pay_page(intent_id: str):
    """The offline gateway's pay page (what the QR on a TV or kiosk opens on a phone)."""
    p = pctx()
    lg = normalize_lang(request.args.get("lang") or request.headers.get("Accept-Language"),
                        p.config.default_lang)
    with session_scope() as s:
        pi = intents.get_intent(s, intent_id)
        if pi.provider != "offline" or p.provider.name != "offline":
            raise IntentUnknown()
        ref, status = pi.provider_ref, pi.status
    if request.method == "POST":
        if status != "requires_payment":
            raise IntentClosed()
        ev = p.provider.complete(ref, request.form.get("outcome") == "pay")  # type: ignore[attr-defined]
        intents.handle_event(p, ev)
        with session_scope() as s:
            pi = intents.get_intent(s, intent_id)
            status = pi.status
    with session_scope() as s:
        pi = intents.get_intent(s, intent_id)
        return render_template_string(
            _PAGE, lang=lg.replace("_", "-"), status=status,
            amount=Money(pi.amount, pi.currency).format(lg), description=pi.description or "",
            t=lambda key: gettext("payments", key, lg))
