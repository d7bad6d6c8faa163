"""Refunds in full or part, linked to the payment they refund and never above it.

A one-card payment is refunded at once (payee → wallet). A gateway payment is refunded in
two phases: the amount is held on the payee (payee → clearing, pending) while the gateway
refunds; its event (or its synchronous answer) posts the hold, a failure voids it.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from channel_core.db import utcnow
from payments import receipts, replay
from payments.bills import service as bills
from payments.context import Payments
from payments.errors import IdempotencyReused, NotRefundable, RefundExceeds
from payments.ledger import (
    Transfer,
    create_transfer,
    linked_total,
    load,
    move,
    post_hold,
    void_hold,
)
from payments.ledger.accounts import EXTERNAL_KINDS
from payments.ledger.models import LedgerAccount
from payments.matters import fire
from payments.money import Money
from payments.providers.base import GatewayEventData, RefundRequest
from payments.providers.models import PaymentIntent
from payments.settlement.models import Refund

REFUNDABLE = frozenset({"card_payment", "bill_payment", "gateway_payment", "order_post",
                        "late_payment"})
HOLD_TTL_S = 30 * 24 * 3600


@dataclass(frozen=True)
class RefundPlan:
    original: Transfer
    payee: str        # the account that received the money
    source: str       # where the money came from (wallet or gateway clearing)
    intent: PaymentIntent | None


def _plan(session: Session, original_id: int) -> RefundPlan:
    t = load(session, original_id)
    base = t
    if t.kind == "order_post" and t.pending_id:
        base = load(session, t.pending_id)
    if t.kind not in REFUNDABLE or len(t.legs) != 2:
        raise NotRefundable()
    debit = next(leg for leg in t.legs if leg.amount < 0)
    credit = next(leg for leg in t.legs if leg.amount > 0)
    kind = session.scalar(select(LedgerAccount.kind).where(LedgerAccount.code == credit.account))
    if kind in EXTERNAL_KINDS or credit.account.startswith("wallet:") and t.kind != "gateway_payment":
        raise NotRefundable()
    intent_id = (base.meta or {}).get("intent")
    intent = session.get(PaymentIntent, intent_id) if intent_id else None
    return RefundPlan(t, credit.account, debit.account, intent)


def refund(pctx: Payments, original_id: int, money: Money | None, reason: str, key: str, *,
           staff_id: int | None) -> Refund:
    """Refund (part of) a payment; a repeated key returns the same refund."""
    rkey = f"c:{key}"
    with pctx.db.session() as s:
        r = s.scalar(select(Refund).where(Refund.idempotency_key == rkey))
        if r is not None:
            if r.original_id != original_id or (money is not None and money.minor != r.amount):
                raise IdempotencyReused(request_key=key[:120])
        else:
            r = _start(s, pctx, original_id, money, reason, rkey, staff_id)
    if r.route == "gateway" and r.status == "pending" and r.provider_ref is None:
        _call_gateway(pctx, r)
    with pctx.db.session() as s:
        return s.get(Refund, r.id)  # type: ignore[return-value]


def _matter_of(s: Session, t: Transfer) -> str | None:
    matter = (t.meta or {}).get("matter")
    if not matter and t.pending_id:
        matter = (load(s, t.pending_id).meta or {}).get("matter")
    return matter


def _lock_first(s: Session, plan: RefundPlan) -> None:
    """Take the matter's and the bills' locks before the ledger's (the order every path uses)."""
    from payments.matters import get_matter

    matter = _matter_of(s, plan.original)
    if matter:
        get_matter(s, matter)
    bills.lock_bills_paid_by(s, plan.original.id)


def _start(s: Session, pctx: Payments, original_id: int, money: Money | None, reason: str,
           rkey: str, staff_id: int | None) -> Refund:
    plan = _plan(s, original_id)
    _lock_first(s, plan)
    left = plan.original.amount - linked_total(s, original_id)
    if money is None:
        if left <= 0:
            raise RefundExceeds(left=f"0 {plan.original.currency}", left_minor=0)
        money = Money(left, plan.original.currency)
    now = utcnow()
    gateway = plan.intent is not None
    r = Refund(idempotency_key=rkey, original_id=original_id, amount=money.minor,
               currency=money.currency, reason=reason[:500], route="gateway" if gateway else "wallet",
               status="pending", intent_id=plan.intent.id if plan.intent else None,
               staff_id=staff_id, created_at=now, updated_at=now)
    s.add(r)
    s.flush()
    meta = {"op": replay.op_of(op="refund", refund=r.id), "refund": r.id}
    if gateway:
        hold = create_transfer(s, move(f"refund:{r.id}", "refund_hold", plan.payee, plan.source,
                                       money, hold_ttl_s=HOLD_TTL_S, related_id=original_id,
                                       memo=reason[:200], meta=meta))
        r.transfer_id = hold.id
        return r
    t = create_transfer(s, move(f"refund:{r.id}", "refund", plan.payee, plan.source, money,
                                related_id=original_id, memo=reason[:200], meta=meta))
    r.transfer_id = r.posted_id = t.id
    _completed(s, pctx, r, plan, t)
    return r


def _completed(s: Session, pctx: Payments, r: Refund, plan: RefundPlan, t: Transfer) -> None:
    """Money is back with the payer: bills re-opened, receipt, matter refunded if in full."""
    r.status, r.updated_at = "succeeded", utcnow()
    bills.reverse_payment(s, plan.original.id, t, r.amount)
    matter = _matter_of(s, plan.original)
    receipts.issue(s, t, "refund", plan.payee, plan.source, matter_number=matter,
                   lines={"refund_of": plan.original.id, "reason": r.reason}, amount=r.amount)
    if matter and linked_total(s, plan.original.id) >= plan.original.amount:
        fire(s, pctx.catalog, matter, "refund", note=r.reason)


def _call_gateway(pctx: Payments, r: Refund) -> None:
    with pctx.db.session() as s:
        intent = s.get(PaymentIntent, r.intent_id)
        assert intent is not None and intent.provider_ref
        req = RefundRequest(provider_ref=intent.provider_ref, amount=r.amount,
                            currency=r.currency, reason=r.reason,
                            idempotency_key=f"portal-refund-{r.id}", reference=str(r.id))
    result = pctx.provider.refund(req)  # outside any transaction; safe to retry
    with pctx.db.session() as s:
        row = s.get(Refund, r.id, with_for_update=True)
        assert row is not None
        row.provider_ref, row.updated_at = result.provider_ref, utcnow()
        if result.status in ("succeeded", "failed"):
            _settle_gateway_refund(s, pctx, row, result.status == "succeeded")


def _settle_gateway_refund(s: Session, pctx: Payments, r: Refund, succeeded: bool) -> str:
    if r.status != "pending":
        return f"already_{r.status}"
    plan = _plan(s, r.original_id)
    _lock_first(s, plan)
    if not succeeded:
        void_hold(s, r.transfer_id, f"refund-void:{r.id}", kind="refund_void",  # type: ignore[arg-type]
                  memo=r.reason[:200])
        r.status, r.updated_at = "failed", utcnow()
        return "refund_failed"
    posted = post_hold(s, r.transfer_id, f"refund-post:{r.id}", kind="refund_post",  # type: ignore[arg-type]
                       memo=r.reason[:200])
    r.posted_id = posted.id
    _completed(s, pctx, r, plan, posted)
    return "refunded"


def on_gateway_refund(s: Session, pctx: Payments, ev: GatewayEventData) -> str:
    """A refund event from the gateway: post or void the refund's hold (once)."""
    r = s.scalar(select(Refund).where(Refund.provider_ref == ev.object_ref).with_for_update())
    if r is None:
        return "unknown_refund"
    return _settle_gateway_refund(s, pctx, r, ev.type == "refund.succeeded")


def refund_json(r: Refund, lang: str) -> dict:
    return {"id": r.id, "original_transfer_id": r.original_id, "amount_minor": r.amount,
            "currency": r.currency, "amount_text": Money(r.amount, r.currency).format(lang),
            "reason": r.reason, "route": r.route, "status": r.status,
            "transfer_id": r.posted_id or r.transfer_id, "provider_ref": r.provider_ref,
            "created_at": r.created_at.isoformat()}
