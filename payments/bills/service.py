"""Bills: look-up by account number or household, payment in full or part, reminders."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from channel_core.catalog.schema import BILL_KINDS
from channel_core.db import utcnow
from channel_core.identity.models import Household, Resident
from channel_core.notify.outbox import Notice, enqueue
from channel_render.clock import community_today
from payments.bills.models import Bill, BillPayment, BillReminder
from payments.cards import service as cards
from payments.errors import BillOverpay, BillSettled, BillUnknown, InvalidAmount
from payments.ledger import Transfer, utility_code
from payments.money import Money, format_minor
from payments.payees import PayeeBook
from portal_client.i18n import gettext, pick

ORDERS = "orders"                   # community orders billed to the household (bills/orders.py)
ORDERS_PAYEE = "receivable:orders"  # what households owe for them
KINDS = (*BILL_KINDS, ORDERS)


def payee_of(kind: str) -> str:
    """The ledger account a bill of this kind is paid to."""
    return ORDERS_PAYEE if kind == ORDERS else utility_code(kind)


def get_bill(session: Session, number: str, *, for_update: bool = False) -> Bill:
    stmt = select(Bill).where(Bill.number == number.strip().upper())
    if for_update:
        stmt = stmt.with_for_update()
    bill = session.scalar(stmt)
    if bill is None:
        raise BillUnknown()
    return bill


def find_by_account(session: Session, account_no: str, kind: str | None = None,
                    *, open_only: bool = True) -> list[Bill]:
    """Bills of one utility account number (any kind, or one kind), oldest due first."""
    stmt = select(Bill).where(Bill.account_no == account_no.strip())
    if kind:
        stmt = stmt.where(Bill.kind == kind)
    if open_only:
        stmt = stmt.where(Bill.paid < Bill.amount)
    return list(session.scalars(stmt.order_by(Bill.due_date, Bill.id)))


def find_by_household(session: Session, household_id: int, *, open_only: bool = True) -> list[Bill]:
    stmt = select(Bill).where(Bill.household_id == household_id)
    if open_only:
        stmt = stmt.where(Bill.paid < Bill.amount)
    return list(session.scalars(stmt.order_by(Bill.due_date, Bill.id)))


def bill_json(bill: Bill, lang: str, payees: PayeeBook, today: date | None = None,
              *, private: bool = True) -> dict:
    """A bill in one language; without `private` the household address is left out."""
    today = today or community_today()
    owed = max(0, bill.outstanding)
    if bill.kind == ORDERS:
        biller = gettext("payments", "bill.biller.orders", lang)
    else:
        biller = pick(payees.biller(bill.kind).name, lang) if bill.kind in payees.billers else ""
    status = "cancelled" if bill.amount == 0 else \
        "paid" if owed == 0 else "partial" if bill.paid else "open"
    out = {
        "number": bill.number, "kind": bill.kind,
        "kind_label": gettext("payments", f"bill.kind.{bill.kind}", lang),
        "biller": biller, "account_no": bill.account_no, "period": bill.period,
        "usage": bill.usage, "amount_minor": bill.amount, "paid_minor": bill.paid,
        "outstanding_minor": owed, "currency": bill.currency,
        "outstanding_text": format_minor(owed, bill.currency, lang),
        "credit_minor": max(0, -bill.outstanding),  # paid on a cancelled order: to refund
        "due_date": bill.due_date.isoformat(), "status": status,
        "overdue": owed > 0 and bill.due_date < today,
    }
    if private:
        out["household_id"] = bill.household_id
    return out


def _amount_for(bill: Bill, money: Money | None) -> Money:
    if bill.outstanding <= 0:
        raise BillSettled()
    if money is None:
        return Money(bill.outstanding, bill.currency)
    if money.currency != bill.currency:
        from payments.errors import CurrencyMismatch

        raise CurrencyMismatch("problem.payment.currency_mismatch.detail")
    if money.minor > bill.outstanding:
        raise BillOverpay(outstanding=f"{Money(bill.outstanding, bill.currency).text()} "
                                      f"{bill.currency}", outstanding_minor=bill.outstanding)
    return money


def lock_account_bills(session: Session, kind: str, account_no: str) -> list[Bill]:
    """Lock an account's open bills (in id order) before the money moves: bills are locked
    before card and ledger rows on every path, so paths never wait on each other in a ring."""
    return list(session.scalars(select(Bill).where(
        Bill.kind == kind, Bill.account_no == account_no, Bill.paid < Bill.amount)
        .order_by(Bill.id).with_for_update()))


def lock_bills_paid_by(session: Session, transfer_id: int) -> None:
    """Lock the bills a payment settled (before a refund takes money back from them)."""
    ids = sorted({b for b in session.scalars(select(BillPayment.bill_id).where(
        BillPayment.transfer_id == transfer_id)) if b is not None})
    if ids:
        session.scalars(select(Bill.id).where(Bill.id.in_(ids)).order_by(Bill.id)
                        .with_for_update()).all()


def record_payment(session: Session, transfer: Transfer, kind: str, account_no: str,
                   amount: int, bill: Bill | None = None) -> list[BillPayment]:
    """Apply money that reached a biller to bills: the given bill, or the account's open bills
    oldest first; anything left over is kept as an advance payment on the account."""
    if bill is not None:
        targets = [bill]
    else:
        targets = list(session.scalars(
            select(Bill).where(Bill.kind == kind, Bill.account_no == account_no,
                               Bill.paid < Bill.amount)
            .order_by(Bill.due_date, Bill.id).with_for_update()))
    rows, left = [], amount
    for b in targets:
        take = min(left, b.outstanding)
        if take <= 0:
            continue
        b.paid += take
        left -= take
        rows.append(BillPayment(bill_id=b.id, kind=kind, account_no=account_no,
                                transfer_id=transfer.id, amount=take, currency=transfer.currency,
                                created_at=transfer.created_at))
    if left > 0:
        rows.append(BillPayment(bill_id=None, kind=kind, account_no=account_no,
                                transfer_id=transfer.id, amount=left, currency=transfer.currency,
                                created_at=transfer.created_at))
    session.add_all(rows)
    session.flush()
    return rows


def reverse_payment(session: Session, original_id: int, refund: Transfer, amount: int) -> None:
    """A refund takes money back from what that payment settled: advance first, then the
    bills it paid, newest first."""
    applied: dict[int | None, int] = {}
    kind_acc: dict[int | None, tuple[str, str, str]] = {}
    for bp in session.scalars(select(BillPayment).where(
            (BillPayment.transfer_id == original_id) | (BillPayment.refund_of == original_id))
            .order_by(BillPayment.id)):
        applied[bp.bill_id] = applied.get(bp.bill_id, 0) + bp.amount
        kind_acc[bp.bill_id] = (bp.kind, bp.account_no, bp.currency)
    order = sorted(applied, key=lambda b: (b is not None, -(b or 0)))
    left = amount
    for bill_id in order:
        take = min(left, applied[bill_id])
        if take <= 0:
            continue
        if bill_id is not None:
            bill = session.get(Bill, bill_id, with_for_update=True)
            assert bill is not None
            bill.paid -= take
        kind, account_no, currency = kind_acc[bill_id]
        session.add(BillPayment(bill_id=bill_id, kind=kind, account_no=account_no,
                                transfer_id=refund.id, amount=-take, currency=currency,
                                refund_of=original_id, created_at=refund.created_at))
        left -= take
        if left <= 0:
            break
    session.flush()


def pay_bill_by_card(session: Session, secret: str, number: str, money: Money | None,
                     auth: cards.Auth, key: str, *, channel: str | None = None,
                     matter_number: str | None = None) -> cards.Paid:
    """Pay a bill (in full when no amount is given, or in part) from a one-card."""
    bill = get_bill(session, number, for_update=True)
    op_amount = money.minor if money is not None else "full"
    from payments import replay

    op = replay.op_of(op="bill_payment", payer=cards.auth_ref(auth), payee=payee_of(bill.kind),
                      amount=op_amount, bill=bill.number, matter=matter_number)
    done = replay.earlier(session, f"c:{key}", op)
    if done is not None:
        from payments import receipts

        rec = receipts.for_transfer(session, done.id)
        assert rec is not None
        return cards.Paid(done, rec)
    amount = _amount_for(bill, money)
    paid = cards.pay(session, secret, auth, payee_of(bill.kind), amount, key,
                     kind="bill_payment", channel=channel, matter_number=matter_number,
                     memo=f"{bill.kind} {bill.account_no} {bill.period}",
                     extra_meta={"bill": bill.number}, op=op, payee_kinds=cards.BILL_PAYEE_KINDS,
                     lines={"bill": bill.number, "bill_kind": bill.kind,
                            "account_no": bill.account_no, "period": bill.period,
                            "outstanding_after_minor": bill.outstanding - amount.minor})
    record_payment(session, paid.transfer, bill.kind, bill.account_no, amount.minor, bill)
    return paid


def validate_kind(kind: str | None) -> str | None:
    if kind is not None and kind not in KINDS:
        raise InvalidAmount("problem.payment.bill_kind")
    return kind


def _iso_week(d: date) -> str:
    y, w, _ = d.isocalendar()
    return f"{y}-W{w:02d}"


def remind_overdue(session: Session, payees: PayeeBook, today: date | None = None,
                   now: datetime | None = None) -> int:
    """Queue one reminder per overdue bill per week to the household's inbox (and the
    primary resident's phone by SMS); returns how many bills were reminded."""
    today = today or community_today()
    now = now or utcnow()
    week = _iso_week(today)
    overdue = session.scalars(select(Bill).where(
        Bill.paid < Bill.amount, Bill.due_date < today, Bill.household_id.is_not(None))
        .order_by(Bill.id)).all()
    sent = 0
    for bill in overdue:
        if session.scalar(select(BillReminder.id).where(
                BillReminder.bill_id == bill.id, BillReminder.week == week)) is not None:
            continue
        household = session.get(Household, bill.household_id)
        lang = household.lang if household else "zh_CN"
        params = {"kind": gettext("payments", f"bill.kind.{bill.kind}", lang),
                  "account": bill.account_no, "period": bill.period,
                  "amount": format_minor(bill.outstanding, bill.currency, lang),
                  "due": bill.due_date.isoformat(), "days": (today - bill.due_date).days}
        title = gettext("payments", "notice.bill_overdue.title", lang, **params)
        body = gettext("payments", "notice.bill_overdue.body", lang, **params)
        enqueue(session, Notice(medium="inbox", kind="bill_overdue", title=title, body=body,
                                lang=lang, household_id=bill.household_id,
                                dedupe_key=f"bill-overdue:{bill.number}:{week}"))
        primary = session.scalar(select(Resident).where(
            Resident.household_id == bill.household_id, Resident.phone.is_not(None))
            .order_by(Resident.is_elder.desc(), Resident.id).limit(1))
        if primary is not None:
            enqueue(session, Notice(medium="sms", kind="bill_overdue", title=title, body=body,
                                    lang=primary.lang, address=primary.phone,
                                    resident_id=primary.id,
                                    dedupe_key=f"bill-overdue-sms:{bill.number}:{week}"))
        session.add(BillReminder(bill_id=bill.id, week=week, sent_at=now))
        sent += 1
    return sent


def due_soon(session: Session, household_id: int, days: int = 7, today: date | None = None) -> list[Bill]:
    today = today or community_today()
    return list(session.scalars(select(Bill).where(
        Bill.household_id == household_id, Bill.paid < Bill.amount,
        Bill.due_date <= today + timedelta(days=days)).order_by(Bill.due_date)))
