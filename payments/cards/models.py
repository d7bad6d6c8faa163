"""Wallet-side tables of the one-card (the card itself lives in channel_core.identity)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from channel_core.db import Base, UTCDateTime, utcnow
from payments.ledger.models import BigId


class PresentedCodeUse(Base):
    """A used customer-presented code: the unique nonce makes every code single-use."""

    __tablename__ = "card_presented_code_uses"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    nonce: Mapped[str] = mapped_column(String(16), unique=True)
    uid: Mapped[str] = mapped_column(String(32), index=True)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    used_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
