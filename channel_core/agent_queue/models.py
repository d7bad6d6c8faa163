"""One row per call that has waited in the agents' queue."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from channel_core.db import Base, UTCDateTime, utcnow


class QueuedCall(Base):
    """A caller in the agents' queue: reported by the channel holding the call (the hotline),
    picked up by an agent at the console's desk, left when the channel says so."""

    __tablename__ = "queued_calls"
    __table_args__ = (Index("ix_queued_calls_status_joined", "status", "joined_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    call_ref: Mapped[str] = mapped_column(String(64), unique=True)  # the hotline's CallSid
    channel: Mapped[str] = mapped_column(String(16))
    queue: Mapped[str] = mapped_column(String(64))
    caller: Mapped[str | None] = mapped_column(String(32))  # caller ID, as the network gave it
    lang: Mapped[str] = mapped_column(String(8))
    topic: Mapped[str | None] = mapped_column(String(64))  # the family the caller was in
    matter_numbers: Mapped[list] = mapped_column(JSON, default=list)  # filed during the call
    resident_id: Mapped[int | None] = mapped_column(ForeignKey("residents.id"))
    position: Mapped[int | None] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(16))  # waiting | picked_up | left
    joined_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    picked_up_by: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id"))
    picked_up_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    left_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    left_reason: Mapped[str | None] = mapped_column(String(16))
