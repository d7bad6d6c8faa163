"""Refunds, daily settlement statements and reconciliation runs with their differences."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, BigInteger, Date, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from channel_core.db import Base, UTCDateTime, utcnow
from payments.ledger.models import BigId


class Refund(Base):
    """A refund of (part of) one earlier payment transfer, never more than it."""

    __tablename__ = "refunds"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    idempotency_key: Mapped[str] = mapped_column(String(120), unique=True)
    original_id: Mapped[int] = mapped_column(ForeignKey("ledger_transfers.id"), index=True)
    amount: Mapped[int] = mapped_column(BigInteger)
    currency: Mapped[str] = mapped_column(String(3))
    reason: Mapped[str] = mapped_column(String(500))
    route: Mapped[str] = mapped_column(String(16))  # wallet|gateway
    status: Mapped[str] = mapped_column(String(16))  # pending|succeeded|failed
    transfer_id: Mapped[int | None] = mapped_column(ForeignKey("ledger_transfers.id"))  # refund or hold
    posted_id: Mapped[int | None] = mapped_column(ForeignKey("ledger_transfers.id"))
    intent_id: Mapped[str | None] = mapped_column(ForeignKey("payment_intents.id"))
    provider_ref: Mapped[str | None] = mapped_column(String(64), index=True)
    staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class SettlementStatement(Base):
    """One payee's statement for one business day (00:00-24:00 Asia/Shanghai)."""

    __tablename__ = "settlement_statements"
    __table_args__ = (UniqueConstraint("business_date", "payee_code"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    business_date: Mapped[date] = mapped_column(Date, index=True)
    payee_code: Mapped[str] = mapped_column(String(80))
    currency: Mapped[str] = mapped_column(String(3))
    opening: Mapped[int] = mapped_column(BigInteger)
    gross: Mapped[int] = mapped_column(BigInteger)
    refunds: Mapped[int] = mapped_column(BigInteger)
    fees: Mapped[int] = mapped_column(BigInteger)
    net: Mapped[int] = mapped_column(BigInteger)
    payout: Mapped[int] = mapped_column(BigInteger)
    closing: Mapped[int] = mapped_column(BigInteger)
    lines: Mapped[list] = mapped_column(JSON)  # every transfer of the day on the account
    fee_transfer_id: Mapped[int | None] = mapped_column(ForeignKey("ledger_transfers.id"))
    payout_transfer_id: Mapped[int | None] = mapped_column(ForeignKey("ledger_transfers.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class ReconciliationRun(Base):
    __tablename__ = "reconciliation_runs"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    business_date: Mapped[date] = mapped_column(Date, index=True)
    provider: Mapped[str] = mapped_column(String(16))
    ledger_total: Mapped[int] = mapped_column(BigInteger)
    provider_total: Mapped[int] = mapped_column(BigInteger)
    matched: Mapped[int] = mapped_column(BigInteger)
    differences: Mapped[int] = mapped_column(BigInteger)
    staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class ReconciliationItem(Base):
    """One difference; it stays open until a person resolves it with a note."""

    __tablename__ = "reconciliation_items"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("reconciliation_runs.id"), index=True)
    kind: Mapped[str] = mapped_column(String(24))  # missing_in_ledger|missing_at_provider|amount_mismatch|status_mismatch|currency_mismatch
    record: Mapped[str] = mapped_column(String(8))  # payment|refund
    provider_ref: Mapped[str | None] = mapped_column(String(64))
    transfer_id: Mapped[int | None] = mapped_column(ForeignKey("ledger_transfers.id"))
    ledger_amount: Mapped[int | None] = mapped_column(BigInteger)
    provider_amount: Mapped[int | None] = mapped_column(BigInteger)
    currency: Mapped[str | None] = mapped_column(String(3))
    detail: Mapped[dict | None] = mapped_column(JSON)
    status: Mapped[str] = mapped_column(String(16), default="open")  # open|resolved
    resolution: Mapped[str | None] = mapped_column(Text)
    resolved_by: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id"))
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class SettlementDay(Base):
    """A business day claimed by the settlement run that settles it (at most once)."""

    __tablename__ = "settlement_days"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    business_date: Mapped[date] = mapped_column(Date, unique=True)
    settled_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    statements: Mapped[int] = mapped_column(BigInteger, default=0)
