"""The one-card wallet: balances, top-ups, payments by card + PIN or presented code, holds,
statements, loss and replacement. Card identity, PINs and lockout are channel_core's."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from channel_core.errors import Forbidden
from channel_core.identity import service as identity
from channel_core.identity.models import Card
from payments import receipts, replay
from payments.errors import NotYours
from payments.ledger import (
    CASH_COUNTER,
    AccountView,
    StatementLine,
    Transfer,
    account_view,
    create_transfer,
    ensure_account,
    move,
    statement,
    wallet_code,
)
from payments.ledger.models import LedgerAccount, Receipt
from payments.money import Money
from payments.qr import customer

PAYEE_KINDS = ("merchant", "utility")
BILL_PAYEE_KINDS = (*PAYEE_KINDS, "receivable")  # bills of orders are paid to a receivable
ORDER_HOLD_TTL_S = 3 * 24 * 3600


@dataclass(frozen=True)
class PinAuth:
    """The payer typed the card number (or tapped the card) and the PIN."""

    uid: str
    pin: str


@dataclass(frozen=True)
class CodeAuth:
    """The payer showed a customer-presented one-card QR code."""

    code: str


@dataclass(frozen=True)
class ResidentAuth:
    """The payer is signed in as a resident and pays from a card of their household."""

    uid: str
    resident_id: int


Auth = PinAuth | CodeAuth | ResidentAuth


@dataclass(frozen=True)
class CardView:
    uid: str
    status: str
    locked_until: datetime | None
    resident_id: int
    wallet: AccountView

    def as_json(self) -> dict:
        return {"uid": self.uid, "status": self.status, "resident_id": self.resident_id,
                "locked_until": self.locked_until.isoformat() if self.locked_until else None,
                "balance_minor": self.wallet.balance, "available_minor": self.wallet.available,
                "held_minor": self.wallet.pending_out, "currency": self.wallet.currency}


@dataclass(frozen=True)
class Paid:
    """A money movement and its receipt."""

    transfer: Transfer
    receipt: Receipt


def ensure_wallet(session: Session, uid: str) -> str:
    """The wallet account of a card, opened on first use."""
    card = identity.find_card(session, uid)
    code = wallet_code(card.uid)
    ensure_account(session, code, "wallet", name=f"one-card {card.uid}", owner_ref=card.uid)
    return code


def card_view(session: Session, uid: str) -> CardView:
    code = ensure_wallet(session, uid)
    card = identity.find_card(session, uid)
    return CardView(card.uid, card.status, card.locked_until, card.resident_id,
                    account_view(session, code))


def card_statement(session: Session, uid: str, start: datetime | None = None,
                   end: datetime | None = None, limit: int = 50) -> list[StatementLine]:
    return statement(session, ensure_wallet(session, uid), start, end, limit)


def owned_by(session: Session, uid: str, resident_id: int) -> Card:
    """The card, if it belongs to this resident (or to someone in their household)."""
    card = identity.find_card(session, uid)
    if card.resident_id == resident_id:
        return card
    from channel_core.identity.models import Resident

    me, owner = session.get(Resident, resident_id), session.get(Resident, card.resident_id)
    if me and owner and me.household_id and me.household_id == owner.household_id:
        return card
    raise NotYours()


def authorize(session: Session, secret: str, auth: Auth) -> Card:
    """The paying card after its PIN or presented code checks out; frozen cards refused.

    A wrong PIN counts towards the lockout; callers commit that even when this raises.
    """
    if isinstance(auth, PinAuth):
        return identity.verify_card_pin(session, auth.uid, auth.pin)
    if isinstance(auth, ResidentAuth):
        card = owned_by(session, auth.uid, auth.resident_id)
        if card.status != "active":
            raise Forbidden("problem.card.frozen")
        return card
    pc = customer.consume(session, secret, auth.code)
    card = identity.find_card(session, pc.uid)
    if card.status != "active":
        raise Forbidden("problem.card.frozen")
    return card


def auth_ref(auth: Auth) -> str:
    """What identifies the payer in an operation description (never the PIN)."""
    if isinstance(auth, CodeAuth):
        return f"code:{auth.code.strip()[-22:]}"
    return f"card:{auth.uid.strip().upper()}"


def check_payee(session: Session, payee_code: str,
                kinds: tuple[str, ...] = PAYEE_KINDS) -> None:
    kind = session.scalar(select(LedgerAccount.kind).where(LedgerAccount.code == payee_code))
    if kind not in kinds:
        from payments.errors import UnknownAccount

        raise UnknownAccount(account=payee_code[:80])


def pay(session: Session, secret: str, auth: Auth, payee_code: str, money: Money, key: str, *,
        kind: str = "card_payment", memo: str | None = None, channel: str | None = None,
        matter_number: str | None = None, hold_ttl_s: int | None = None,
        extra_meta: dict | None = None, lines: dict | None = None,
        op: str | None = None, payee_kinds: tuple[str, ...] = PAYEE_KINDS) -> Paid:
    """Pay a merchant or biller from a card (or hold the amount, with `hold_ttl_s`).

    `op` describes the request for exactly-once (defaults to these arguments); a repeated
    key with the same `op` returns the first payment before any PIN or code is checked.
    """
    op = op or replay.op_of(op=kind, payer=auth_ref(auth), payee=payee_code,
                            amount=money.minor, currency=money.currency, matter=matter_number,
                            hold=hold_ttl_s, **(extra_meta or {}))
    ledger_key = f"c:{key}"
    done = replay.earlier(session, ledger_key, op)
    if done is not None:
        rec = receipts.for_transfer(session, done.id)
        assert rec is not None
        return Paid(done, rec)
    check_payee(session, payee_code, payee_kinds)
    card = authorize(session, secret, auth)
    wallet = ensure_wallet(session, card.uid)
    meta = {"op": op, "card": card.uid, **(extra_meta or {})}
    if matter_number:
        meta["matter"] = matter_number
    t = create_transfer(session, move(ledger_key, kind, wallet, payee_code, money,
                                      hold_ttl_s=hold_ttl_s, memo=memo, meta=meta))
    rec = receipts.issue(session, t, kind, receipts.mask_card(card.uid), payee_code,
                         channel=channel, matter_number=matter_number, lines=lines)
    return Paid(t, rec)


def topup_at_counter(session: Session, uid: str, money: Money, key: str, *, staff_id: int,
                     channel: str | None = None) -> Paid:
    """Cash taken at the staff counter credited to a card's wallet."""
    op = replay.op_of(op="topup", card=uid.upper(), amount=money.minor, currency=money.currency,
                      staff=staff_id)
    ledger_key = f"c:{key}"
    done = replay.earlier(session, ledger_key, op)
    if done is None:
        card = identity.find_card(session, uid)
        if card.status != "active":
            raise Forbidden("problem.card.frozen")
        wallet = ensure_wallet(session, card.uid)
        ensure_account(session, CASH_COUNTER, "cash", name="counter cash")
        done = create_transfer(session, move(ledger_key, "topup", CASH_COUNTER, wallet, money,
                                             meta={"op": op, "card": card.uid,
                                                   "method": "counter", "staff": staff_id}))
    rec = receipts.issue(session, done, "topup", "cash", wallet_code(uid), channel=channel)
    return Paid(done, rec)


def replace_card(session: Session, old_uid: str, new_uid: str, pin: str, key: str) -> tuple[Card, Transfer | None]:
    """Issue a new card to the owner of a lost one and move the old wallet's balance to it."""
    old = identity.find_card(session, old_uid, for_update=True)
    if old.status == "active":
        identity.set_card_status(session, old.uid, "frozen")
    new = identity.issue_card(session, old.resident_id, new_uid, pin)
    old_wallet, new_wallet = ensure_wallet(session, old.uid), ensure_wallet(session, new.uid)
    balance = account_view(session, old_wallet)
    moved = None
    if balance.available > 0:
        moved = create_transfer(session, move(
            f"c:{key}", "card_transfer", old_wallet, new_wallet,
            Money(balance.available, balance.currency),
            meta={"op": replay.op_of(op="card_transfer", old=old.uid, new=new.uid),
                  "card": new.uid, "from_card": old.uid}))
    return new, moved
