"""Matters (事项), their append-only events, SLA clocks and workflow snapshots."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Boolean, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from channel_core.db import Base, UTCDateTime, utcnow


class WorkflowSnapshot(Base):
    """The exact workflow a matter was created under, so template edits apply to new matters only."""

    __tablename__ = "workflow_snapshots"

    hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str] = mapped_column(String(64))
    definition: Mapped[dict] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Matter(Base):
    __tablename__ = "matters"
    __table_args__ = (
        Index("ix_matters_department_state", "department", "state"),
        Index("ix_matters_created_at", "created_at"),

    )

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str | None] = mapped_column(String(16), unique=True)
    service_id: Mapped[str] = mapped_column(String(64), index=True)
    family: Mapped[str] = mapped_column(String(16))
    workflow: Mapped[str] = mapped_column(String(64))
    workflow_hash: Mapped[str] = mapped_column(ForeignKey("workflow_snapshots.hash"))
    state: Mapped[str] = mapped_column(String(32))
    is_open: Mapped[bool] = mapped_column(Boolean, default=True)
    department: Mapped[str] = mapped_column(String(64))
    channel: Mapped[str] = mapped_column(String(16))
    lang: Mapped[str] = mapped_column(String(8))
    resident_id: Mapped[int | None] = mapped_column(ForeignKey("residents.id"), index=True)
    household_id: Mapped[int | None] = mapped_column(ForeignKey("households.id"), index=True)
    contact_name: Mapped[str | None] = mapped_column(String(100))
    contact_phone: Mapped[str | None] = mapped_column(String(32), index=True)
    notify_via: Mapped[str | None] = mapped_column(String(16))  # sms|inbox|wechat|chat
    notify_address: Mapped[str | None] = mapped_column(String(128))
    fields: Mapped[dict] = mapped_column(JSON)
    amount_minor: Mapped[int | None] = mapped_column(Integer)
    currency: Mapped[str | None] = mapped_column(String(3))
    client_ref: Mapped[str | None] = mapped_column(String(80), unique=True)
    request_hash: Mapped[str | None] = mapped_column(String(64))
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id"))
    escalated: Mapped[bool] = mapped_column(Boolean, default=False)
    overdue: Mapped[bool] = mapped_column(Boolean, default=False)
    rating: Mapped[int | None] = mapped_column(Integer)
    version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    due_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Folded words staff find the matter by (channel_core.matters.search), set when filed.
    search_text: Mapped[str] = mapped_column(Text, default="", server_default="")

    __mapper_args__ = {"version_id_col": version}


# The staff queue's "most urgent first" order, for all departments and for one.
URGENT_ORDER = (Matter.is_open.desc(), Matter.escalated.desc(), Matter.overdue.desc(),
                Matter.due_at.asc(), Matter.id.desc())
Index("ix_matters_urgent", *URGENT_ORDER)
Index("ix_matters_department_urgent", Matter.department, *URGENT_ORDER)


class MatterEvent(Base):
    """One entry in a matter's history; rows are never updated or deleted."""

    __tablename__ = "matter_events"
    __table_args__ = (
        # A matter's history in order, and (covering `at`, `to_state`) the time it spent in
        # each state, read for the dashboard without touching the events themselves.
        Index("ix_matter_events_timeline", "matter_id", "id", "at", "to_state"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    matter_id: Mapped[int] = mapped_column(ForeignKey("matters.id"))
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    kind: Mapped[str] = mapped_column(String(24))  # created|transition|note|reply|overdue|assign|transfer|page
    actor_kind: Mapped[str] = mapped_column(String(16))  # resident|staff|system|channel
    actor_id: Mapped[int | None] = mapped_column(Integer)
    actor_name: Mapped[str | None] = mapped_column(String(100))
    transition: Mapped[str | None] = mapped_column(String(32))
    from_state: Mapped[str | None] = mapped_column(String(32))
    to_state: Mapped[str | None] = mapped_column(String(32))
    note: Mapped[str | None] = mapped_column(Text)
    public: Mapped[bool] = mapped_column(Boolean, default=True)
    data: Mapped[dict | None] = mapped_column(JSON)


class MatterClock(Base):
    __tablename__ = "matter_clocks"
    __table_args__ = (Index("ix_matter_clocks_due", "stopped_at", "deadline"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    matter_id: Mapped[int] = mapped_column(ForeignKey("matters.id"), index=True)
    name: Mapped[str] = mapped_column(String(32))
    deadline: Mapped[datetime] = mapped_column(UTCDateTime)
    stopped_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    breached_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_paged_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    repeat_s: Mapped[int | None] = mapped_column(Integer)
