"""The chart of accounts: well-known account codes and opening accounts idempotently."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from payments.errors import UnknownAccount
from payments.ledger.models import LedgerAccount
from payments.ledger.sql import insert_ignore, table_of
from payments.money import exponent

CASH_COUNTER = "cash:counter"      # cash taken at the staff counter (money entering)
FEES = "fees:platform"             # the platform's fee income
BANK_PAYOUTS = "bank:payouts"      # money paid out to merchants' and billers' banks
ADJUSTMENTS = "adjust:manual"      # staff corrections (always a new transfer, never an edit)

# Kinds whose balance may go below zero: they mirror money outside the ledger.
EXTERNAL_KINDS = frozenset({"clearing", "cash", "bank", "adjust"})
# Payables may go negative: a refund after the day's payout is netted from the next one.
PAYABLE_KINDS = frozenset({"merchant", "utility"})


def wallet_code(uid: str) -> str:
    return f"wallet:{uid.strip().upper()}"


def merchant_code(department: str) -> str:
    return f"merchant:{department}"


def utility_code(kind: str) -> str:
    return f"utility:{kind}"


def clearing_code(provider: str) -> str:
    return f"clearing:{provider}"


@dataclass(frozen=True)
class AccountView:
    """An account and its balances as the API shows them."""

    code: str
    kind: str
    currency: str
    name: str | None
    allow_negative: bool
    balance: int          # credits_posted - debits_posted
    available: int        # balance - debits_pending
    pending_in: int
    pending_out: int

    def as_json(self) -> dict:
        return {"code": self.code, "kind": self.kind, "currency": self.currency,
                "name": self.name, "allow_negative": self.allow_negative,
                "balance_minor": self.balance, "available_minor": self.available,
                "pending_in_minor": self.pending_in, "pending_out_minor": self.pending_out}


def view(acc: LedgerAccount) -> AccountView:
    balance = acc.credits_posted - acc.debits_posted
    return AccountView(acc.code, acc.kind, acc.currency, acc.name, acc.allow_negative, balance,
                       balance - acc.debits_pending, acc.credits_pending, acc.debits_pending)


def ensure_account(session: Session, code: str, kind: str, currency: str = "CNY", *,
                   name: str | None = None, owner_ref: str | None = None,
                   allow_negative: bool | None = None) -> int:
    """Open an account if it does not exist yet; returns its id (safe under concurrency)."""
    exponent(currency)
    if allow_negative is None:
        allow_negative = kind in EXTERNAL_KINDS or kind in PAYABLE_KINDS
    existing = session.scalar(select(LedgerAccount.id).where(LedgerAccount.code == code))
    if existing is not None:
        return existing
    insert_ignore(session, table_of(LedgerAccount), ["code"], {
        "code": code, "kind": kind, "currency": currency, "allow_negative": allow_negative,
        "name": name, "owner_ref": owner_ref, "debits_posted": 0, "credits_posted": 0,
        "debits_pending": 0, "credits_pending": 0})
    acc_id = session.scalar(select(LedgerAccount.id).where(LedgerAccount.code == code))
    assert acc_id is not None
    return acc_id


def get_account(session: Session, code: str) -> LedgerAccount:
    acc = session.scalar(select(LedgerAccount).where(LedgerAccount.code == code))
    if acc is None:
        raise UnknownAccount(account=code[:80])
    return acc


def account_view(session: Session, code: str) -> AccountView:
    """Current balances of one account."""
    return view(get_account(session, code))
