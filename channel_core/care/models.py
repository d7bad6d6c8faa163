"""One row per household per day that said "I'm OK"."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from channel_core.db import Base, UTCDateTime, utcnow


class CheckIn(Base):
    __tablename__ = "checkins"
    __table_args__ = (UniqueConstraint("household_id", "day"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    household_id: Mapped[int] = mapped_column(ForeignKey("households.id"))
    resident_id: Mapped[int | None] = mapped_column(ForeignKey("residents.id"))
    day: Mapped[date] = mapped_column(Date)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
