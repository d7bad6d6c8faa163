"""Gateway payments: create payment intents, cancel them, and fulfil them exactly once.

Money moves only when the gateway's verified event says a payment succeeded. The event id
is stored in the same transaction as the fulfilment (a redelivered event is a no-op) and the
fulfilment transfer's idempotency key is derived from the intent (two different events for
one payment still move money once).

Cancelling: an intent not yet paid is cancelled here first (the screen that gave up is told
so at once, even with the gateway unreachable), then at the gateway. Money the gateway still
collects for a cancelled intent (the payer confirmed as the screen gave up) is never lost
and never applied: it is booked from the gateway's clearing account to `suspense:late`
and refunded in full through the gateway, linked to that booking. A refund the gateway
refuses leaves the money in suspense and the refund `failed`, for finance to settle by hand.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from channel_core.db import utcnow
from channel_core.errors import Forbidden, PortalError
from channel_core.identity import service as identity
from payments import receipts, replay
from payments.bills import service as bills
from payments.context import Payments
from payments.errors import (
    IdempotencyReused,
    IntentClosed,
    IntentUnknown,
    PaymentMethodUnsupported,
)
from payments.ledger import clearing_code, create_transfer, ensure_account, move
from payments.ledger.sql import insert_ignore, table_of
from payments.matters import MatterCharge, already_paid, charge_for, fire, get_matter
from payments.money import Money
from payments.providers.base import METHODS, GatewayEventData, IntentRequest
from payments.providers.models import GatewayEvent, PaymentIntent
from payments.providers.offline import new_reference

log = logging.getLogger(__name__)
ORDER_HOLD_TTL_S = 3 * 24 * 3600
LATE_PAYMENTS = "suspense:late"  # money collected for intents already cancelled
CANCELABLE = frozenset({"creating", "requires_payment", "processing"})
CANCELED_BY_US = "canceled_by_payer"
PAID_AFTER_CANCEL = "paid_after_cancel"


@dataclass(frozen=True)
class Purpose:
    """What an intent pays for and where its money goes when it succeeds."""

    kind: str                   # topup | bill | matter
    target: str                 # card uid | bill number | matter number
    payee_code: str
    money: Money
    matter_number: str | None = None
    hold: bool = False
    bill_kind: str | None = None
    account_no: str | None = None


def purpose_topup(session: Session, uid: str, money: Money) -> Purpose:
    from payments.cards.service import ensure_wallet

    card = identity.find_card(session, uid)
    if card.status != "active":
        raise Forbidden("problem.card.frozen")
    return Purpose("topup", card.uid, ensure_wallet(session, card.uid), money)


def purpose_bill(session: Session, number: str, money: Money | None) -> Purpose:
    bill = bills.get_bill(session, number)
    amount = bills._amount_for(bill, money)
    return Purpose("bill", bill.number, bills.payee_of(bill.kind), amount,
                   bill_kind=bill.kind, account_no=bill.account_no)


def purpose_matter(session: Session, pctx: Payments, number: str) -> Purpose:
    c: MatterCharge = charge_for(session, pctx.catalog, pctx.payees, number)
    if already_paid(session, c.matter_number):
        from channel_core.errors import Conflict

        raise Conflict("problem.payment.matter_paid", number=c.matter_number)
    if c.topup_uid:
        from payments.cards.service import ensure_wallet

        ensure_wallet(session, c.topup_uid)
    else:
        ensure_account(session, c.payee_code, c.payee_code.split(":")[0])
    return Purpose("matter", c.matter_number, c.payee_code, c.money, c.matter_number, c.hold,
                   c.bill_kind, c.account_no)


def create_intent(pctx: Payments, purpose: Purpose, method: str, key: str, *,
                  channel: str | None, lang: str, description: str) -> PaymentIntent:
    """Create (or, for a repeated key, return) an intent and ask the gateway for a QR/link.

    The gateway is called outside any database transaction; its own idempotency key is
    derived from the intent, so retrying after a network failure never charges twice.
    """
    if method not in METHODS:
        raise PaymentMethodUnsupported()
    body = replay.op_of(purpose=purpose.kind, target=purpose.target, method=method,
                        amount=purpose.money.minor, currency=purpose.money.currency)
    import hashlib

    req_hash = hashlib.sha256(body.encode()).hexdigest()
    ikey = f"c:{key}"
    with pctx.db.session() as s:
        pi = s.scalar(select(PaymentIntent).where(PaymentIntent.idempotency_key == ikey))
        if pi is not None and pi.request_hash != req_hash:
            raise IdempotencyReused(request_key=key[:120])
        if pi is None:
            ensure_account(s, clearing_code(pctx.provider.name), "clearing",
                           name=f"{pctx.provider.name} clearing")
            now = utcnow()
            pi = PaymentIntent(
                id=new_reference(), idempotency_key=ikey, request_hash=req_hash,
                provider=pctx.provider.name, method=method, purpose=purpose.kind,
                target=purpose.target, payee_code=purpose.payee_code,
                amount=purpose.money.minor, currency=purpose.money.currency,
                status="creating", matter_number=purpose.matter_number, channel=channel,
                lang=lang, description=description[:200],
                meta={"hold": purpose.hold, "bill_kind": purpose.bill_kind,
                      "account_no": purpose.account_no},
                created_at=now, updated_at=now)
            s.add(pi)
    if pi.provider_ref is not None:
        return pi
    result = pctx.provider.create_intent(IntentRequest(
        reference=pi.id, amount=pi.amount, currency=pi.currency, method=method,
        description=description, idempotency_key=f"portal-intent-{pi.id}",
        return_url=f"{pctx.config.base_url.rstrip('/')}/pay/{pi.id}",
        metadata={"purpose": purpose.kind}))
    with pctx.db.session() as s:
        row = s.get(PaymentIntent, pi.id, with_for_update=True)
        assert row is not None
        row.provider_ref = result.provider_ref
        row.qr_payload, row.pay_url = result.qr_payload, result.pay_url
        row.client_secret = result.client_secret
        if row.status == "creating":
            row.status = "processing" if result.status == "processing" else "requires_payment"
        row.updated_at = utcnow()
    if row.status == "canceled":  # given up while the gateway was being asked
        return cancel_intent(pctx, row.id)
    return row


def get_intent(session: Session, intent_id: str) -> PaymentIntent:
    pi = session.get(PaymentIntent, intent_id)
    if pi is None:
        raise IntentUnknown()
    return pi


def intent_json(pi: PaymentIntent, lang: str) -> dict:
    return {"id": pi.id, "status": pi.status, "method": pi.method, "provider": pi.provider,
            "purpose": pi.purpose, "target": pi.target, "amount_minor": pi.amount,
            "currency": pi.currency, "amount_text": Money(pi.amount, pi.currency).format(lang),
            "qr_payload": pi.qr_payload, "pay_url": pi.pay_url,
            "client_secret": pi.client_secret, "matter_number": pi.matter_number,
            "failure_code": pi.failure_code, "transfer_id": pi.transfer_id,
            "created_at": pi.created_at.isoformat()}


def cancel_intent(pctx: Payments, intent_id: str) -> PaymentIntent:
    """Cancel an intent that is not paid (again: the same answer); IntentClosed once paid.

    The matter (if any) stays as it was: another attempt may still pay it.
    """
    with pctx.db.session() as s:
        pi = s.get(PaymentIntent, intent_id, with_for_update=True)
        if pi is None:
            raise IntentUnknown()
        if pi.status in ("succeeded", "review"):
            raise IntentClosed(intent_status=pi.status)
        if pi.status in CANCELABLE:
            pi.status, pi.failure_code, pi.updated_at = "canceled", CANCELED_BY_US, utcnow()
        ours = pi.status == "canceled" and pi.failure_code in (CANCELED_BY_US, PAID_AFTER_CANCEL)
        ref = pi.provider_ref
    if ours and ref is not None:
        try:  # safe to repeat: the gateway call carries a key derived from the intent
            pctx.provider.cancel_intent(ref, f"portal-cancel-{intent_id}")
        except PortalError as exc:
            # Already cancelled here; whatever the gateway still collects is refunded.
            log.warning("gateway could not cancel %s (%s): a late payment will be refunded",
                        intent_id, exc.code)
    with pctx.db.session() as s:
        return get_intent(s, intent_id)


def handle_event(pctx: Payments, ev: GatewayEventData) -> str:
    """Apply one verified gateway event exactly once; returns what happened."""
    outcome = _apply_event(pctx, ev)
    if outcome == "late_payment":
        refund_late_payments(pctx)
    return outcome


def refund_late_payments(pctx: Payments) -> int:
    """Start the refund of every late payment that has none yet (also a periodic job, for a
    refund the gateway could not be asked for); returns how many were started."""
    from payments.settlement.models import Refund
    from payments.settlement.refunds import refund

    with pctx.db.session() as s:
        late = s.execute(select(PaymentIntent.id, PaymentIntent.transfer_id).where(
            PaymentIntent.failure_code == PAID_AFTER_CANCEL,
            PaymentIntent.transfer_id.is_not(None)).order_by(PaymentIntent.created_at)).all()
        asked = {tid for tid, in s.execute(select(Refund.original_id).where(
            Refund.original_id.in_([tid for _, tid in late]),
            (Refund.provider_ref.is_not(None)) | (Refund.status != "pending")))}
    due = [(intent_id, tid) for intent_id, tid in late if tid is not None and tid not in asked]
    started = 0
    for intent_id, transfer_id in due:
        try:
            refund(pctx, transfer_id, None, f"paid after cancellation ({intent_id})",
                   f"late-{intent_id}", staff_id=None)
            started += 1
        except PortalError as exc:
            log.warning("late payment %s not refunded yet: %s", intent_id, exc.code)
    return started


def _apply_event(pctx: Payments, ev: GatewayEventData) -> str:
    with pctx.db.session() as s:
        new = insert_ignore(s, table_of(GatewayEvent), ["event_id"], {
            "provider": pctx.provider.name, "event_id": ev.event_id, "type": ev.raw_type[:48],
            "object_ref": ev.object_ref[:64], "outcome": None, "received_at": utcnow()},
            returning=table_of(GatewayEvent).c.id)
        if new is None:
            return "duplicate"
        if ev.type.startswith("payment."):
            outcome = _payment_event(s, pctx, ev)
        elif ev.type.startswith("refund."):
            from payments.settlement.refunds import on_gateway_refund

            outcome = on_gateway_refund(s, pctx, ev)
        else:
            outcome = "ignored"
        s.execute(table_of(GatewayEvent).update().where(table_of(GatewayEvent).c.id == new)
                  .values(outcome=outcome))
        return outcome


def _payment_event(s: Session, pctx: Payments, ev: GatewayEventData) -> str:
    pi = s.scalar(select(PaymentIntent).where(
        PaymentIntent.provider == pctx.provider.name,
        PaymentIntent.provider_ref == ev.object_ref).with_for_update())
    if pi is None:
        log.warning("gateway event %s for unknown payment %s", ev.event_id, ev.object_ref)
        return "unknown_payment"
    now = utcnow()
    if ev.type == "payment.succeeded":
        if pi.status == "succeeded" or pi.failure_code == PAID_AFTER_CANCEL:
            return "already_fulfilled"
        if ev.amount != pi.amount or ev.currency != pi.currency:
            # Never move a different amount than was asked for: a person must look at it.
            pi.status, pi.failure_code, pi.updated_at = "review", "amount_mismatch", now
            return "amount_mismatch"
        if pi.status == "canceled":
            _book_late(s, pi)
            return "late_payment"
        fulfil(s, pctx, pi)
        return "fulfilled"
    if pi.status in ("succeeded", "failed", "canceled", "review"):
        return f"ignored_{pi.status}"
    pi.status = "failed" if ev.type == "payment.failed" else "canceled"
    pi.failure_code, pi.updated_at = ev.failure_code, now
    if pi.matter_number:
        fire(s, pctx.catalog, pi.matter_number, "fail", note=ev.failure_code)
    return pi.status


def _book_late(s: Session, pi: PaymentIntent) -> None:
    """Money for a cancelled intent: into suspense (to be refunded), never to its purpose."""
    ensure_account(s, LATE_PAYMENTS, "suspense", name="paid after cancellation",
                   allow_negative=False)
    t = create_transfer(s, move(
        f"intent:{pi.id}", "late_payment", clearing_code(pi.provider), LATE_PAYMENTS,
        Money(pi.amount, pi.currency), memo=f"{pi.provider} {pi.provider_ref}",
        meta={"intent": pi.id, "provider": pi.provider, "provider_ref": pi.provider_ref,
              "purpose": pi.purpose, "target": pi.target, "for_matter": pi.matter_number,
              "method": pi.method}))
    pi.transfer_id, pi.failure_code, pi.updated_at = t.id, PAID_AFTER_CANCEL, utcnow()
    log.warning("intent %s was paid after it was cancelled: booked to %s for refund",
                pi.id, LATE_PAYMENTS)


def fulfil(s: Session, pctx: Payments, pi: PaymentIntent) -> None:
    """Move the collected money from the gateway's clearing account to its destination."""
    meta = pi.meta or {}
    money = Money(pi.amount, pi.currency)
    clearing = clearing_code(pi.provider)
    hold = bool(meta.get("hold"))
    # Locks in the order every payment takes them: matter, bills, then ledger accounts.
    duplicate = False
    if pi.matter_number:
        get_matter(s, pi.matter_number)
        duplicate = already_paid(s, pi.matter_number)
    bill = None
    if pi.purpose == "bill":
        bill = bills.get_bill(s, pi.target, for_update=True)
    elif meta.get("bill_kind"):
        bills.lock_account_bills(s, meta["bill_kind"], meta.get("account_no") or "")
    kind = "order_hold" if hold else "gateway_payment"
    t = create_transfer(s, move(
        f"intent:{pi.id}", kind, clearing, pi.payee_code, money,
        hold_ttl_s=ORDER_HOLD_TTL_S if hold else None,
        memo=f"{pi.provider} {pi.provider_ref}",
        meta={"intent": pi.id, "provider": pi.provider, "provider_ref": pi.provider_ref,
              "purpose": pi.purpose, "target": pi.target, "matter": pi.matter_number,
              "method": pi.method}))
    lines: dict = {"method": pi.method, "provider_ref": pi.provider_ref}
    if pi.purpose == "bill" or meta.get("bill_kind"):
        bills.record_payment(s, t, meta["bill_kind"], meta.get("account_no") or "", pi.amount, bill)
        lines.update(bill=pi.target if bill else None, bill_kind=meta["bill_kind"],
                     account_no=meta.get("account_no"))
    rkind = "topup" if pi.payee_code.startswith("wallet:") else \
        "bill_payment" if meta.get("bill_kind") else "payment"
    receipts.issue(s, t, rkind, pi.method, pi.payee_code, channel=pi.channel,
                   matter_number=pi.matter_number, lines=lines)
    pi.status, pi.transfer_id, pi.updated_at = "succeeded", t.id, utcnow()
    if duplicate:
        # The money was collected, so it is booked; the matter was already paid another way,
        # so finance sees this intent flagged and refunds it.
        pi.failure_code = "duplicate_payment"
        log.warning("intent %s paid matter %s a second time", pi.id, pi.matter_number)
        return
    if pi.matter_number and not hold:
        fire(s, pctx.catalog, pi.matter_number, "pay", note=pi.id)
        if pi.payee_code.startswith("wallet:"):  # a top-up is done once the card has it
            fire(s, pctx.catalog, pi.matter_number, "complete", note=None)
