"""Reconciliation of the ledger against the gateway's own records for one business day.

Payments (fulfilment transfers out of the gateway's clearing account) and refunds (posted
refund holds) of the day are matched by gateway reference against the gateway's list of
charges and refunds. Every difference becomes an open item — missing in the ledger, missing
at the gateway, a different amount, currency or status — and stays open until a person
resolves it with a note; nothing is corrected automatically.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from channel_core.db import utcnow
from channel_core.errors import Conflict
from payments.context import Payments
from payments.errors import StatementUnknown
from payments.ledger.models import LedgerTransfer
from payments.providers.base import GatewayRecord
from payments.providers.models import PaymentIntent
from payments.settlement.models import ReconciliationItem, ReconciliationRun, Refund
from payments.settlement.service import GRACE, window

T = LedgerTransfer


@dataclass(frozen=True)
class LedgerRecord:
    ref: str
    kind: str         # payment | refund
    transfer_id: int
    amount: int
    currency: str


def _ledger_payments(s: Session, provider: str, start, end) -> list[LedgerRecord]:
    """Money the gateway collected, as the ledger booked it: debits of its clearing account."""
    from payments.ledger import clearing_code
    from payments.ledger.models import LedgerAccount, LedgerEntry

    E = LedgerEntry
    rows = s.execute(
        select(T.id, T.amount, T.currency, T.meta).join(E, E.transfer_id == T.id)
        .join(LedgerAccount, LedgerAccount.id == E.account_id)
        .where(LedgerAccount.code == clearing_code(provider), E.amount < 0,
               E.created_at >= start, E.created_at < end,
               T.kind.in_(("gateway_payment", "order_hold", "late_payment")))).all()
    return [LedgerRecord(meta["provider_ref"], "payment", tid, amount, currency)
            for tid, amount, currency, meta in rows if (meta or {}).get("provider_ref")]


def _ledger_refunds(s: Session, start, end) -> list[LedgerRecord]:
    rows = s.execute(select(Refund.provider_ref, Refund.posted_id, Refund.amount,
                            Refund.currency)
                     .join(T, T.id == Refund.posted_id)
                     .where(Refund.route == "gateway", Refund.status == "succeeded",
                            T.created_at >= start, T.created_at < end)).all()
    return [LedgerRecord(ref or "", "refund", tid, amount, cur)
            for ref, tid, amount, cur in rows if tid is not None]


def _in_ledger_anytime(s: Session, rec: GatewayRecord) -> bool:
    """Whether a gateway record was booked on some other day (timing, not a difference)."""
    if rec.kind == "refund":
        return s.scalar(select(Refund.id).where(Refund.provider_ref == rec.ref,
                                                Refund.status == "succeeded")) is not None
    return s.scalar(select(PaymentIntent.transfer_id).where(
        PaymentIntent.provider_ref == rec.ref)) is not None


def reconcile(pctx: Payments, day: date, *, staff_id: int | None = None) -> ReconciliationRun:
    """Compare one day of the ledger with the gateway and store every difference."""
    start, end = window(day)
    if end + GRACE > utcnow():
        raise Conflict("problem.payment.settlement_open.detail", day=day.isoformat())
    provider = pctx.provider
    # The gateway's records a day either side: a payment made at 23:59:59 may be fulfilled
    # after midnight; only records inside the day can be "missing in the ledger".
    records = provider.records(start - timedelta(days=1), end + timedelta(days=1))
    theirs = {(r.kind, r.ref): r for r in records}
    items: list[ReconciliationItem] = []
    matched = ledger_total = provider_total = 0
    with pctx.db.session() as s:
        ours = _ledger_payments(s, provider.name, start, end) + _ledger_refunds(s, start, end)
        mine = {(r.kind, r.ref): r for r in ours}
        for key, led in mine.items():
            sign = 1 if led.kind == "payment" else -1
            ledger_total += sign * led.amount
            rec = theirs.get(key)
            if rec is None:
                items.append(_item("missing_at_provider", led, None))
            elif rec.status != "succeeded":
                items.append(_item("status_mismatch", led, rec))
            elif rec.currency != led.currency:
                items.append(_item("currency_mismatch", led, rec))
            elif rec.amount != led.amount:
                items.append(_item("amount_mismatch", led, rec))
            else:
                matched += 1
        for key, rec in theirs.items():
            if rec.status != "succeeded" or not (start <= rec.created < end):
                continue
            provider_total += (1 if rec.kind == "payment" else -1) * rec.amount
            if key not in mine and not _in_ledger_anytime(s, rec):
                items.append(_item("missing_in_ledger", None, rec))
        run = ReconciliationRun(business_date=day, provider=provider.name,
                                ledger_total=ledger_total, provider_total=provider_total,
                                matched=matched, differences=len(items), staff_id=staff_id,
                                created_at=utcnow())
        s.add(run)
        s.flush()
        for it in items:
            it.run_id = run.id
        s.add_all(items)
        s.flush()
        return run


def _item(kind: str, led: LedgerRecord | None, rec: GatewayRecord | None) -> ReconciliationItem:
    return ReconciliationItem(
        kind=kind, record=(led or rec).kind,  # type: ignore[union-attr]
        provider_ref=(led.ref if led else rec.ref),  # type: ignore[union-attr]
        transfer_id=led.transfer_id if led else None,
        ledger_amount=led.amount if led else None,
        provider_amount=rec.amount if rec else None,
        currency=(led.currency if led else rec.currency),  # type: ignore[union-attr]
        detail={"provider_status": rec.status if rec else None,
                "provider_currency": rec.currency if rec else None,
                "provider_created": rec.created.isoformat() if rec else None},
        status="open")


def resolve_item(s: Session, item_id: int, note: str, staff_id: int) -> ReconciliationItem:
    """A person explains a difference; the item is closed with their note, never deleted."""
    item = s.get(ReconciliationItem, item_id, with_for_update=True)
    if item is None:
        raise StatementUnknown()
    if item.status == "resolved":
        raise Conflict("problem.payment.item_resolved")
    item.status, item.resolution = "resolved", note
    item.resolved_by, item.resolved_at = staff_id, utcnow()
    return item


def run_json(s: Session, run: ReconciliationRun) -> dict:
    items = s.scalars(select(ReconciliationItem).where(ReconciliationItem.run_id == run.id)
                      .order_by(ReconciliationItem.id)).all()
    return {"id": run.id, "business_date": run.business_date.isoformat(),
            "provider": run.provider, "ledger_total_minor": run.ledger_total,
            "provider_total_minor": run.provider_total, "matched": run.matched,
            "differences": run.differences, "balanced": run.differences == 0 and
            run.ledger_total == run.provider_total,
            "items": [item_json(i) for i in items]}


def item_json(i: ReconciliationItem) -> dict:
    return {"id": i.id, "kind": i.kind, "record": i.record, "provider_ref": i.provider_ref,
            "transfer_id": i.transfer_id, "ledger_amount_minor": i.ledger_amount,
            "provider_amount_minor": i.provider_amount, "currency": i.currency,
            "detail": i.detail, "status": i.status, "resolution": i.resolution,
            "resolved_at": i.resolved_at.isoformat() if i.resolved_at else None}
