"""Elder care rows: daily check-ins and medication schedules with their doses."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Date, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from channel_core.db import Base, UTCDateTime, utcnow


class CheckIn(Base):
    """One row per household per day that said "I'm OK"."""

    __tablename__ = "checkins"
    __table_args__ = (UniqueConstraint("household_id", "day"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    household_id: Mapped[int] = mapped_column(ForeignKey("households.id"))
    resident_id: Mapped[int | None] = mapped_column(ForeignKey("residents.id"))
    day: Mapped[date] = mapped_column(Date)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class MedicationSchedule(Base):
    """A medicine a household's elder takes at set times of day, set up by care staff."""

    __tablename__ = "medication_schedules"

    id: Mapped[int] = mapped_column(primary_key=True)
    household_id: Mapped[int] = mapped_column(ForeignKey("households.id"), index=True)
    resident_id: Mapped[int | None] = mapped_column(ForeignKey("residents.id"))
    medicine: Mapped[str] = mapped_column(String(100))
    dose: Mapped[str] = mapped_column(String(100), default="")
    times: Mapped[list] = mapped_column(JSON)  # ["08:00", "20:00"], Asia/Shanghai
    start_date: Mapped[date | None] = mapped_column(Date)
    end_date: Mapped[date | None] = mapped_column(Date)
    lang: Mapped[str] = mapped_column(String(8))  # the household's language for reminders
    department: Mapped[str] = mapped_column(String(64))  # who set it up and may change it
    created_by: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id"))
    status: Mapped[str] = mapped_column(String(16), default="active")  # active|paused|deleted
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class MedicationDose(Base):
    """One due moment of a schedule: reminded, taken, or missed (not confirmed in time)."""

    __tablename__ = "medication_doses"
    __table_args__ = (UniqueConstraint("schedule_id", "day", "time"),
                      Index("ix_medication_doses_household_day", "household_id", "day"))

    id: Mapped[int] = mapped_column(primary_key=True)
    schedule_id: Mapped[int] = mapped_column(ForeignKey("medication_schedules.id"))
    household_id: Mapped[int] = mapped_column(ForeignKey("households.id"))
    day: Mapped[date] = mapped_column(Date)
    time: Mapped[str] = mapped_column(String(5))
    due_at: Mapped[datetime] = mapped_column(UTCDateTime)
    reminded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    taken_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    taken_by: Mapped[int | None] = mapped_column(ForeignKey("residents.id"))
    missed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
