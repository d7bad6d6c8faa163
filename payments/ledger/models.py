"""Ledger tables: accounts with running totals, immutable transfers and their legs, receipts."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    CheckConstraint,
    ForeignKey,
    Index,
    Integer,
    String,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from channel_core.db import Base, UTCDateTime, utcnow

# SQLite only auto-increments INTEGER PRIMARY KEY; PostgreSQL gets 64-bit ids.
BigId = BigInteger().with_variant(Integer, "sqlite")


class LedgerAccount(Base):
    """One account in one currency. balance = credits_posted - debits_posted.

    The four totals are kept in step with the legs under a row lock (TigerBeetle's model);
    `portal ledger verify` re-derives every one of them from the legs.
    """

    __tablename__ = "ledger_accounts"
    # Room on each page for updated totals: PostgreSQL then updates rows in place (HOT),
    # without touching the indexes, on every transfer.
    __table_args__ = {"postgresql_with": {"fillfactor": 70}}

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    code: Mapped[str] = mapped_column(String(80), unique=True)
    kind: Mapped[str] = mapped_column(String(16))  # wallet|merchant|utility|clearing|cash|fees|bank|adjust
    currency: Mapped[str] = mapped_column(String(3))
    allow_negative: Mapped[bool] = mapped_column(Boolean, default=False)
    name: Mapped[str | None] = mapped_column(String(120))
    owner_ref: Mapped[str | None] = mapped_column(String(64))
    debits_posted: Mapped[int] = mapped_column(BigInteger, default=0)
    credits_posted: Mapped[int] = mapped_column(BigInteger, default=0)
    debits_pending: Mapped[int] = mapped_column(BigInteger, default=0)
    credits_pending: Mapped[int] = mapped_column(BigInteger, default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class LedgerTransfer(Base):
    """An immutable transfer. `phase`: posted | pending (a hold) | post | void (of a hold).

    A hold is resolved by exactly one later post/void transfer naming it in `pending_id`
    (unique), so no row is ever updated. `related_id` links a refund to what it refunds.
    """

    __tablename__ = "ledger_transfers"
    # Partial indexes: most transfers are neither holds, resolutions nor refunds, and every
    # index is work on the hot insert path.
    __table_args__ = (
        CheckConstraint("amount > 0", name="amount_positive"),
        Index("uq_ledger_transfers_pending_id", "pending_id", unique=True,
              postgresql_where=text("pending_id IS NOT NULL"),
              sqlite_where=text("pending_id IS NOT NULL")),
        Index("ix_ledger_transfers_related", "related_id",
              postgresql_where=text("related_id IS NOT NULL"),
              sqlite_where=text("related_id IS NOT NULL")),
        Index("ix_ledger_transfers_open_holds", "expires_at",
              postgresql_where=text("phase = 'pending'"), sqlite_where=text("phase = 'pending'")),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    key: Mapped[str] = mapped_column(String(120), unique=True)
    request_hash: Mapped[str] = mapped_column(String(64))
    kind: Mapped[str] = mapped_column(String(24))
    phase: Mapped[str] = mapped_column(String(8))
    amount: Mapped[int] = mapped_column(BigInteger)
    currency: Mapped[str] = mapped_column(String(3))
    pending_id: Mapped[int | None] = mapped_column(ForeignKey("ledger_transfers.id"))
    related_id: Mapped[int | None] = mapped_column(ForeignKey("ledger_transfers.id"))
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    memo: Mapped[str | None] = mapped_column(String(200))
    meta: Mapped[dict | None] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class LedgerEntry(Base):
    """One leg: a signed amount (+ credit, − debit) on one account; legs never change.

    Legs carry no foreign keys: they are written only by `write.py`, in the same statement
    as their transfer and against account rows locked by that statement, and the RI checks
    were a sixth of the cost of a transfer. `verify` checks every leg's transfer and account.
    """

    __tablename__ = "ledger_entries"
    __table_args__ = (
        CheckConstraint("amount <> 0", name="amount_nonzero"),
        Index("ix_ledger_entries_account_created", "account_id", "created_at"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    transfer_id: Mapped[int] = mapped_column(BigInteger, index=True)
    account_id: Mapped[int] = mapped_column(BigInteger)
    amount: Mapped[int] = mapped_column(BigInteger)
    currency: Mapped[str] = mapped_column(String(3))
    pending: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Receipt(Base):
    """The customer's proof of one transfer (top-up, card payment, bill payment, refund)."""

    __tablename__ = "payment_receipts"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    number: Mapped[str] = mapped_column(String(24), unique=True)
    transfer_id: Mapped[int] = mapped_column(ForeignKey("ledger_transfers.id"), unique=True)
    kind: Mapped[str] = mapped_column(String(24))
    amount: Mapped[int] = mapped_column(BigInteger)
    currency: Mapped[str] = mapped_column(String(3))
    payer: Mapped[str | None] = mapped_column(String(64))  # masked card / method
    payee_code: Mapped[str] = mapped_column(String(80))
    channel: Mapped[str | None] = mapped_column(String(16))
    matter_number: Mapped[str | None] = mapped_column(String(16), index=True)
    lines: Mapped[dict | None] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
