"""Staff edits of catalog content, versioned; the newest edit of each item is live."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from channel_core.db import Base, UTCDateTime, utcnow


class ContentEdit(Base):
    __tablename__ = "content_edits"
    __table_args__ = (Index("ix_content_edits_kind_key", "kind", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))  # service|workflow|notice|faq
    key: Mapped[str] = mapped_column(String(64))
    body: Mapped[dict] = mapped_column(JSON)
    staff_id: Mapped[int | None] = mapped_column(Integer)
    staff_name: Mapped[str | None] = mapped_column(String(100))
    note: Mapped[str | None] = mapped_column(String(200))
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
