"""Payments tied to matters: what a matter's payment is for, and its workflow transitions.

A payment-workflow matter (a bill, a top-up, a fee) moves awaiting_payment → paid when the
money arrives and paid → completed when settlement pays the biller. An order's payment is a
hold that follows the order: posted when it is delivered or completed, released when it is
refused or cancelled (see `follow_orders`).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session, aliased

from channel_core.actors import SYSTEM
from channel_core.catalog.catalog import Catalog
from channel_core.errors import Conflict, ValidationFailed
from channel_core.matters import service as matters
from channel_core.matters.models import Matter
from channel_core.workflows import engine
from payments.errors import NotRefundable
from payments.ledger import merchant_code, utility_code, wallet_code
from payments.ledger.models import LedgerTransfer
from payments.ledger.transfers import HoldResolved, post_hold, void_hold
from payments.money import Money
from payments.payees import PayeeBook

log = logging.getLogger(__name__)
POST_STATES = frozenset({"delivered", "completed", "rated"})
VOID_STATES = frozenset({"refused", "cancelled"})


@dataclass(frozen=True)
class MatterCharge:
    """What paying a matter means: who gets how much, and how it is recorded."""

    matter_number: str
    money: Money
    payee_code: str
    hold: bool                      # orders: hold until delivered
    bill_kind: str | None = None    # bill services: applied to the account's bills
    account_no: str | None = None
    topup_uid: str | None = None    # top-up services: credits this card instead


def get_matter(session: Session, number: str, *, lock: bool = True) -> Matter:
    return matters.get_by_number(session, number,
                                 for_update=lock and session.get_bind().dialect.name == "postgresql")


def charge_for(session: Session, catalog: Catalog, payees: PayeeBook, number: str) -> MatterCharge:
    """Work out a matter's charge from its service and fields, or refuse (409)."""
    m = get_matter(session, number, lock=False)
    svc = catalog.service(m.service_id)
    if svc is None or not m.amount_minor or m.amount_minor <= 0 or not m.currency:
        raise NotRefundable("problem.payment.matter_no_charge")
    if m.workflow == "payment" and m.state != "awaiting_payment":
        raise Conflict("problem.payment.matter_not_awaiting", state=m.state)
    if m.workflow == "order" and m.state not in ("placed", "accepted"):
        raise Conflict("problem.payment.matter_not_awaiting", state=m.state)
    money = Money(int(m.amount_minor), m.currency)
    fields = m.fields or {}
    if svc.fee.bill is not None:
        return MatterCharge(str(m.number), money, utility_code(svc.fee.bill), False,  # type: ignore[arg-type]
                            bill_kind=svc.fee.bill, account_no=str(fields.get("account_no", "")))
    route = payees.routes.get(svc.id)
    if route is not None and route.topup_field:
        uid = str(fields.get(route.topup_field, "")).upper()
        if not uid:
            raise ValidationFailed("problem.payment.matter_no_card")
        return MatterCharge(str(m.number), money, wallet_code(uid), False, topup_uid=uid)
    if route is not None and route.biller:
        return MatterCharge(str(m.number), money, utility_code(route.biller), False,  # type: ignore[arg-type]
                            bill_kind=route.biller,
                            account_no=str(fields.get(route.account_field or "account_no", "")))
    return MatterCharge(str(m.number), money, merchant_code(m.department), m.workflow == "order")


def already_paid(session: Session, number: str) -> bool:
    """Whether a payment for this matter is booked (a receipt whose transfer is posted, or a
    hold not released) or the order is on its household's bill."""
    from payments.bills.orders import on_bill
    from payments.ledger.models import Receipt

    if on_bill(session, number):
        return True

    T, R = LedgerTransfer, aliased(LedgerTransfer)
    rows = session.execute(
        select(T.phase, R.phase).select_from(Receipt).join(T, T.id == Receipt.transfer_id)
        .outerjoin(R, R.pending_id == T.id)
        .where(Receipt.matter_number == number, Receipt.kind != "refund")).all()
    return any(phase != "pending" or resolution in (None, "post") for phase, resolution in rows)


def lock_for_payment(session: Session, number: str, key: str | None = None) -> Matter:
    """Lock the matter (first of every lock a payment takes) and refuse a second payment;
    a retry of the first payment (its key already stored) is let through to be answered."""
    from payments.ledger.transfers import find_by_key

    m = get_matter(session, number)
    if key is not None and find_by_key(session, key) is not None:
        return m
    if already_paid(session, str(m.number)):
        raise Conflict("problem.payment.matter_paid", number=str(m.number))
    return m


def fire(session: Session, catalog: Catalog, number: str, transition: str, *,
         note: str | None = None) -> bool:
    """Fire a transition as the system if the matter's state allows it; False if not."""
    m = get_matter(session, number)
    wf = engine.workflow_of(session, m)
    tdef = wf.transition(transition)
    if tdef is None or m.state not in tdef.from_ or "system" not in tdef.roles:
        return False
    matters.transition(session, catalog, m, transition, SYSTEM, note=note, lang=m.lang)
    return True


def follow_orders(sessions, catalog: Catalog) -> int:
    """Post or release order holds whose matter was delivered, completed, refused or cancelled."""
    T, R = LedgerTransfer, aliased(LedgerTransfer)
    done = 0
    with sessions() as s:
        holds = s.execute(select(T.id, T.meta).outerjoin(R, R.pending_id == T.id).where(
            T.phase == "pending", T.kind == "order_hold", R.id.is_(None))).all()
    for hold_id, meta in holds:
        number = (meta or {}).get("matter")
        if not number:
            continue
        with sessions() as s, s.begin():
            m = s.scalar(select(Matter).where(Matter.number == number))
            if m is None:
                continue
            try:
                if m.state in POST_STATES:
                    post_hold(s, hold_id, f"order-post:{hold_id}", kind="order_post",
                              memo=f"matter {number}")
                    done += 1
                elif m.state in VOID_STATES:
                    void_hold(s, hold_id, f"order-void:{hold_id}", kind="order_void",
                              memo=f"matter {number}")
                    done += 1
            except HoldResolved:
                continue
    return done
