"""Daily settlement at the 00:00 Asia/Shanghai cut-off: per-payee statements, fees, payouts.

For each merchant and biller account, a business day's statement lists every transfer on it
in [00:00, 24:00) Shanghai time except settlement's own fee and payout transfers, then:

    gross   = money received that day          refunds = money given back that day
    fees    = fee_bps of (gross - refunds), rounded half up, never negative
    opening = the previous statement's closing (or the balance before the first day)
    payout  = max(0, opening + gross - refunds - fees)     paid to bank:payouts
    closing = opening + gross - refunds - fees - payout    (a negative closing is carried)

Fee and payout are ledger transfers with keys derived from the day and payee, and the day
is claimed by one row, so running settlement twice (or in two workers) settles once. Days
are settled in order: asking for a day settles every unsettled day before it first.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from channel_core.db import utcnow
from channel_render.clock import COMMUNITY_TZ
from payments.context import Payments
from payments.errors import SettlementOpen
from payments.ledger import BANK_PAYOUTS, FEES, create_transfer, ensure_account, move
from payments.ledger.models import LedgerAccount, LedgerEntry, LedgerTransfer
from payments.ledger.sql import insert_ignore, table_of
from payments.money import Money
from payments.settlement.models import SettlementDay, SettlementStatement

# A day is settled a few minutes after its cut-off, so a payment that began at 23:59:59 and
# committed just after midnight is in the ledger before the day's entries are read.
GRACE = timedelta(minutes=5)
SETTLEMENT_KINDS = ("settlement_fee", "payout")
PAYEE_KINDS = ("merchant", "utility")
E, T, A = table_of(LedgerEntry), table_of(LedgerTransfer), table_of(LedgerAccount)


def window(day: date) -> tuple[datetime, datetime]:
    """[00:00, 24:00) of a Shanghai business day, in UTC."""
    start = datetime.combine(day, time(0), COMMUNITY_TZ)
    return start.astimezone(UTC), (start + timedelta(days=1)).astimezone(UTC)


def business_day(at: datetime) -> date:
    """The Shanghai business day an instant falls in."""
    return at.astimezone(COMMUNITY_TZ).date()


def last_closed_day(now: datetime | None = None) -> date:
    """The latest day whose cut-off (plus the grace period) has passed."""
    return business_day((now or utcnow()) - GRACE) - timedelta(days=1)


@dataclass(frozen=True)
class DayResult:
    day: date
    statements: list[SettlementStatement]
    newly_settled: bool


def fee_of(net_sales: int, bps: int) -> int:
    if net_sales <= 0 or bps <= 0:
        return 0
    return int((Decimal(net_sales) * bps / Decimal(10000)).quantize(Decimal(1), ROUND_HALF_UP))


def settle_through(pctx: Payments, day: date, now: datetime | None = None) -> list[DayResult]:
    """Settle every unsettled day up to and including `day`, oldest first."""
    now = now or utcnow()
    if window(day)[1] + GRACE > now:
        raise SettlementOpen(day=day.isoformat())
    with pctx.db.session() as s:
        last = s.scalar(select(func.max(SettlementDay.business_date)))
    days = [day] if last is None or last >= day else \
        [last + timedelta(days=i) for i in range(1, (day - last).days + 1)]
    return [settle_day(pctx, d, now) for d in days]


def settle_day(pctx: Payments, day: date, now: datetime | None = None) -> DayResult:
    """Settle one closed business day (once); returns its statements."""
    now = now or utcnow()
    start, end = window(day)
    if end + GRACE > now:
        raise SettlementOpen(day=day.isoformat())
    with pctx.db.session() as s:
        claimed = insert_ignore(s, table_of(SettlementDay), ["business_date"],
                                {"business_date": day, "settled_at": now},
                                returning=table_of(SettlementDay).c.id)
        if claimed is None:
            rows = s.scalars(select(SettlementStatement).where(
                SettlementStatement.business_date == day).order_by(SettlementStatement.payee_code)).all()
            return DayResult(day, list(rows), False)
        ensure_account(s, FEES, "fees", name="platform fees", allow_negative=False)
        ensure_account(s, BANK_PAYOUTS, "bank", name="payouts to banks")
        payees = s.execute(select(A.c.id, A.c.code, A.c.currency).where(
            A.c.kind.in_(PAYEE_KINDS)).order_by(A.c.code)).all()
        out = []
        for acc_id, code, currency in payees:
            st = _statement(s, pctx, day, start, end, acc_id, code, currency)
            if st is not None:
                out.append(st)
        s.execute(table_of(SettlementDay).update().where(
            table_of(SettlementDay).c.id == claimed).values(statements=len(out)))
    _complete_matters(pctx, {line["transfer_id"] for st in out for line in st.lines})
    return DayResult(day, out, True)


def _statement(s: Session, pctx: Payments, day: date, start: datetime, end: datetime,
               acc_id: int, code: str, currency: str) -> SettlementStatement | None:
    rows = s.execute(
        select(T.c.id, T.c.kind, E.c.amount, T.c.created_at, T.c.memo, T.c.related_id)
        .join(T, T.c.id == E.c.transfer_id)
        .where(E.c.account_id == acc_id, ~E.c.pending, E.c.created_at >= start,
               E.c.created_at < end, T.c.kind.not_in(SETTLEMENT_KINDS))
        .order_by(E.c.id)).all()
    prev = s.scalar(select(SettlementStatement).where(
        SettlementStatement.payee_code == code, SettlementStatement.business_date < day)
        .order_by(SettlementStatement.business_date.desc()).limit(1))
    if prev is not None:
        opening = prev.closing
    else:
        opening = int(s.scalar(select(func.coalesce(func.sum(E.c.amount), 0)).where(
            E.c.account_id == acc_id, ~E.c.pending, E.c.created_at < start)) or 0)
    if not rows and opening == 0:
        return None
    gross = sum(r.amount for r in rows if r.amount > 0)
    refunds = -sum(r.amount for r in rows if r.amount < 0)
    payee = pctx.payees.by_code(code, pctx.departments)
    fees = fee_of(gross - refunds, payee.fee_bps if payee else 0)
    payout = max(0, opening + gross - refunds - fees)
    fee_t = payout_t = None
    if fees:
        fee_t = create_transfer(s, move(f"settle:{day}:{code}:fee", "settlement_fee", code, FEES,
                                        Money(fees, currency), memo=f"fees {day}",
                                        meta={"business_date": day.isoformat()})).id
    if payout:
        payout_t = create_transfer(s, move(f"settle:{day}:{code}:payout", "payout", code,
                                           BANK_PAYOUTS, Money(payout, currency),
                                           memo=f"payout {day}",
                                           meta={"business_date": day.isoformat()})).id
    st = SettlementStatement(
        business_date=day, payee_code=code, currency=currency, opening=opening, gross=gross,
        refunds=refunds, fees=fees, net=gross - refunds - fees, payout=payout,
        closing=opening + gross - refunds - fees - payout,
        lines=[{"transfer_id": r.id, "kind": r.kind, "amount_minor": r.amount,
                "at": _iso(r.created_at), "memo": r.memo, "refund_of": r.related_id}
               for r in rows],
        fee_transfer_id=fee_t, payout_transfer_id=payout_t, created_at=utcnow())
    s.add(st)
    s.flush()
    return st


def _iso(value: datetime) -> str:
    return (value if value.tzinfo else value.replace(tzinfo=UTC)).isoformat()


def _complete_matters(pctx: Payments, transfer_ids: set[int]) -> None:
    """Payments paid out to their payee: their matters move paid → completed (each in a
    transaction of its own, after the day's, so matter locks never wait behind ledger ones)."""
    from payments.matters import fire

    if not transfer_ids:
        return
    with pctx.db.session() as s:
        metas = s.scalars(select(T.c.meta).where(
            T.c.id.in_(sorted(transfer_ids)),
            T.c.kind.in_(("bill_payment", "gateway_payment", "card_payment")))).all()
    numbers: set[str] = {str(m["matter"]) for m in metas if m and m.get("matter")}
    for number in sorted(numbers):
        with pctx.db.session() as s:
            fire(s, pctx.catalog, number, "complete", note=None)


def statement_json(st: SettlementStatement, lang: str, name: str) -> dict:
    def fmt(v: int) -> str:
        return Money(v, st.currency).format(lang) if v >= 0 else "-" + Money(-v, st.currency).format(lang)

    return {"id": st.id, "business_date": st.business_date.isoformat(),
            "payee_code": st.payee_code, "payee_name": name, "currency": st.currency,
            "opening_minor": st.opening, "gross_minor": st.gross, "refunds_minor": st.refunds,
            "fees_minor": st.fees, "net_minor": st.net, "payout_minor": st.payout,
            "closing_minor": st.closing,
            "text": {"gross": fmt(st.gross), "refunds": fmt(st.refunds), "fees": fmt(st.fees),
                     "net": fmt(st.net), "payout": fmt(st.payout)},
            "lines": st.lines, "fee_transfer_id": st.fee_transfer_id,
            "payout_transfer_id": st.payout_transfer_id}
