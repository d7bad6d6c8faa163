"""Orders put on the household's bill (记账): a bill now, money later, the merchant paid on delivery.

Choosing "add to my household bill" for an order (a canteen meal, a housekeeping visit) moves
no money. It opens a bill of kind `orders` for the household, one per order (number
`OD<matter number>`, so an order is billed at most once), due on the 15th of next month and
paid later like any bill: by one-card, a presented code or a QR, in full or in part, alone or
with the household's other order bills through the household's orders account number.

The ledger follows the order, as card holds do:

- bill payments go to `receivable:orders`, the community's account of what households owe
  for orders (it may go below zero: its balance is collected minus earned, so a negative
  balance is what households still owe);
- when the order is delivered (or completed) the merchant earns it: a transfer
  `receivable:orders → merchant:<department>` keyed `order-bill:<matter>` (once), which the
  merchant's daily settlement pays out like any sale;
- when the order is refused or cancelled the bill's amount drops to zero (status
  `cancelled`). Whatever the household had already paid on it stays on the bill as a credit
  (paid above amount) for finance to refund from the bill payment, which takes it back.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import literal, select
from sqlalchemy.orm import Session

from channel_core.actors import SYSTEM, Actor
from channel_core.catalog.catalog import Catalog
from channel_core.errors import BadRequest, Conflict, Forbidden
from channel_core.matters import service as matters
from channel_core.matters.models import Matter
from payments.bills.models import Bill
from payments.bills.service import ORDERS, ORDERS_PAYEE
from payments.errors import PaymentMethodUnsupported
from payments.ledger import create_transfer, ensure_account, find_by_key, merchant_code, move
from payments.ledger.models import LedgerTransfer
from payments.matters import POST_STATES, VOID_STATES, already_paid, charge_for, get_matter
from payments.money import Money, format_minor
from payments.payees import PayeeBook
from portal_client.i18n import gettext

RECEIVABLE = ORDERS_PAYEE             # what households owe the community for orders
EARNED_KIND = "order_on_bill"         # receivable → merchant when the order is delivered
DUE_DAY = 15                          # due on the 15th of the month after the order


def bill_number(matter_number: str) -> str:
    """The bill of one order (its number is derived, so an order is billed once)."""
    return f"OD{matter_number}"


def orders_account(household_id: int) -> str:
    """The household's orders account number (10 digits, like other bill accounts)."""
    return f"99{household_id:08d}"


def due_date(today: date) -> date:
    first_next = (today.replace(day=1) + timedelta(days=32)).replace(day=1)
    return first_next.replace(day=DUE_DAY)


@dataclass(frozen=True)
class Billed:
    """An order on its household's bill; `replayed` when it was there already."""

    bill: Bill
    matter_number: str
    replayed: bool


def add_to_household_bill(session: Session, catalog: Catalog, payees: PayeeBook, number: str,
                          actor: Actor | None, today: date) -> Billed:
    """Put an unpaid order on its household's bill (the same bill when asked again)."""
    m = get_matter(session, number)  # the matter's lock first, as every payment takes it
    existing = session.scalar(select(Bill).where(Bill.number == bill_number(str(m.number))))
    if existing is not None and existing.amount > 0:
        _check_household(m, actor)
        return Billed(existing, str(m.number), True)
    if already_paid(session, str(m.number)):
        raise Conflict("problem.payment.matter_paid", number=str(m.number))
    c = charge_for(session, catalog, payees, str(m.number))
    if not c.hold or c.bill_kind or c.topup_uid:
        raise PaymentMethodUnsupported()  # only orders are billed later
    household_id = _check_household(m, actor)
    ensure_account(session, RECEIVABLE, "receivable", c.money.currency,
                   name="orders on household bills", allow_negative=True)
    bill = Bill(number=bill_number(str(m.number)), kind=ORDERS,
                account_no=orders_account(household_id), household_id=household_id,
                period=today.strftime("%Y-%m"), amount=c.money.minor, paid=0,
                currency=c.money.currency, due_date=due_date(today), usage=str(m.number))
    session.add(bill)
    session.flush()
    note = gettext("payments", "matter.note.on_bill", m.lang, bill=bill.number,
                   amount=format_minor(bill.amount, bill.currency, m.lang),
                   due=bill.due_date.isoformat())
    matters.add_note(session, m, SYSTEM, note, public=True)
    return Billed(bill, str(m.number), False)


def _check_household(m: Matter, actor: Actor | None) -> int:
    """The household whose bill takes the order: the signed-in household's own order only."""
    household_id = actor.household_id if actor is not None and actor.kind == "resident" else None
    if household_id is None:
        raise BadRequest("problem.payment.household_required")
    if m.household_id != household_id:
        raise Forbidden("problem.matter.not_yours", number=str(m.number))
    return household_id


def on_bill(session: Session, number: str) -> bool:
    """Whether an order is on a household bill (and not cancelled off it)."""
    return session.scalar(select(Bill.id).where(
        Bill.number == bill_number(number), Bill.amount > 0)) is not None


def follow_billed_orders(sessions, catalog: Catalog) -> int:
    """Delivered orders on a bill: the merchant earns them; refused or cancelled ones: off
    the bill. Returns how many orders were settled this way."""
    with sessions() as s:
        due = s.execute(
            select(Bill.id, Matter.number, Matter.state)
            .join(Matter, Matter.number == Bill.usage)
            .where(Bill.kind == ORDERS, Bill.amount > 0,
                   Matter.state.in_(sorted(POST_STATES | VOID_STATES)),
                   ~select(LedgerTransfer.id).where(
                       LedgerTransfer.key == literal("order-bill:").concat(Bill.usage)).exists())
            .order_by(Bill.id)).all()
    done = 0
    for bill_id, number, state in due:
        with sessions() as s, s.begin():
            get_matter(s, str(number))
            bill = s.get(Bill, bill_id, with_for_update=True)
            if bill is None or bill.amount <= 0:
                continue
            if state in POST_STATES:
                done += _earn(s, bill, str(number))
            else:
                bill.amount = 0  # nothing is owed for an order not delivered
                done += 1
    return done


def _earn(s: Session, bill: Bill, number: str) -> int:
    key = f"order-bill:{number}"
    if find_by_key(s, key) is not None:
        return 0
    m = get_matter(s, number)
    payee = merchant_code(m.department)
    ensure_account(s, payee, "merchant", bill.currency)
    create_transfer(s, move(key, EARNED_KIND, RECEIVABLE, payee,
                            Money(bill.amount, bill.currency), memo=f"matter {number}",
                            meta={"matter": number, "bill": bill.number,
                                  "household": bill.household_id}))
    return 1
