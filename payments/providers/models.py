"""Gateway payments: payment intents, the webhook events received, the offline gateway's book."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, BigInteger, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from channel_core.db import Base, UTCDateTime, utcnow
from payments.ledger.models import BigId


class PaymentIntent(Base):
    """One attempt to collect money through a gateway, for a purpose (top-up, bill, matter).

    It is fulfilled (money moved in the ledger) only when the gateway's signed event says it
    succeeded, exactly once: the fulfilment transfer's key is derived from the intent.
    """

    __tablename__ = "payment_intents"
    __table_args__ = (Index("ix_payment_intents_provider_ref", "provider", "provider_ref"),)

    id: Mapped[str] = mapped_column(String(32), primary_key=True)  # pi_local_...
    idempotency_key: Mapped[str] = mapped_column(String(120), unique=True)
    request_hash: Mapped[str] = mapped_column(String(64))
    provider: Mapped[str] = mapped_column(String(16))
    provider_ref: Mapped[str | None] = mapped_column(String(64))
    method: Mapped[str] = mapped_column(String(16))  # card|wechat_pay|alipay
    purpose: Mapped[str] = mapped_column(String(16))  # topup|bill|matter
    target: Mapped[str] = mapped_column(String(80))  # card uid | bill number | matter number
    payee_code: Mapped[str] = mapped_column(String(80))
    amount: Mapped[int] = mapped_column(BigInteger)
    currency: Mapped[str] = mapped_column(String(3))
    status: Mapped[str] = mapped_column(String(24), default="requires_payment")
    # requires_payment | succeeded | failed | canceled | review (amount/currency mismatch)
    qr_payload: Mapped[str | None] = mapped_column(Text)
    pay_url: Mapped[str | None] = mapped_column(Text)
    client_secret: Mapped[str | None] = mapped_column(String(200))
    failure_code: Mapped[str | None] = mapped_column(String(64))
    transfer_id: Mapped[int | None] = mapped_column(ForeignKey("ledger_transfers.id"))
    matter_number: Mapped[str | None] = mapped_column(String(16))
    channel: Mapped[str | None] = mapped_column(String(16))
    lang: Mapped[str] = mapped_column(String(8), default="zh_CN")
    description: Mapped[str | None] = mapped_column(String(200))
    meta: Mapped[dict | None] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class GatewayEvent(Base):
    """Every verified webhook event, once: the unique id makes redelivery a no-op."""

    __tablename__ = "gateway_events"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    provider: Mapped[str] = mapped_column(String(16))
    event_id: Mapped[str] = mapped_column(String(80), unique=True)
    type: Mapped[str] = mapped_column(String(48))
    object_ref: Mapped[str | None] = mapped_column(String(64))
    outcome: Mapped[str | None] = mapped_column(String(48))
    received_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class OfflineGatewayRecord(Base):
    """The offline (demo) gateway's own book of charges and refunds, as a real gateway keeps;
    reconciliation compares the ledger against it exactly as against Stripe's list API."""

    __tablename__ = "offline_gateway_records"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    ref: Mapped[str] = mapped_column(String(64), unique=True)
    kind: Mapped[str] = mapped_column(String(8))  # payment|refund
    intent_ref: Mapped[str] = mapped_column(String(64), index=True)
    amount: Mapped[int] = mapped_column(BigInteger)
    currency: Mapped[str] = mapped_column(String(3))
    status: Mapped[str] = mapped_column(String(16))  # requires_payment|succeeded|failed|canceled
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
