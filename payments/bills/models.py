"""Utility bills of households and the payments made against them."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import BigInteger, Date, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from channel_core.db import Base, UTCDateTime, utcnow
from payments.ledger.models import BigId


class Bill(Base):
    """One bill: what a utility account owes for a period; `paid` grows with payments."""

    __tablename__ = "bills"
    __table_args__ = (Index("ix_bills_account", "kind", "account_no"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    number: Mapped[str] = mapped_column(String(24), unique=True)
    kind: Mapped[str] = mapped_column(String(16))  # water|electricity|gas|heating|property|cable_tv|phone|fine
    account_no: Mapped[str] = mapped_column(String(20))
    household_id: Mapped[int | None] = mapped_column(ForeignKey("households.id"), index=True)
    period: Mapped[str] = mapped_column(String(16))  # 2026-10, 2026-Q3, 2026/27 season
    amount: Mapped[int] = mapped_column(BigInteger)
    paid: Mapped[int] = mapped_column(BigInteger, default=0)
    currency: Mapped[str] = mapped_column(String(3), default="CNY")
    due_date: Mapped[date] = mapped_column(Date)
    usage: Mapped[str | None] = mapped_column(String(40))  # "18 m³", "236 kWh"
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    @property
    def outstanding(self) -> int:
        return self.amount - self.paid


class BillPayment(Base):
    """Money applied to a bill (or, with no bill, paid in advance to an account)."""

    __tablename__ = "bill_payments"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    bill_id: Mapped[int | None] = mapped_column(ForeignKey("bills.id"), index=True)
    kind: Mapped[str] = mapped_column(String(16))
    account_no: Mapped[str] = mapped_column(String(20))
    transfer_id: Mapped[int] = mapped_column(ForeignKey("ledger_transfers.id"), index=True)
    amount: Mapped[int] = mapped_column(BigInteger)  # negative when a refund takes it back
    refund_of: Mapped[int | None] = mapped_column(ForeignKey("ledger_transfers.id"))
    currency: Mapped[str] = mapped_column(String(3))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class BillReminder(Base):
    """An overdue reminder sent for a bill (at most one per bill per week)."""

    __tablename__ = "bill_reminders"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    bill_id: Mapped[int] = mapped_column(ForeignKey("bills.id"), index=True)
    week: Mapped[str] = mapped_column(String(10))
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
