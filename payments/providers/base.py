"""The one interface every payment gateway implements, with typed requests and results."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol

METHODS = ("card", "wechat_pay", "alipay")


@dataclass(frozen=True)
class IntentRequest:
    """Ask the gateway to collect an amount; `idempotency_key` makes retries safe."""

    reference: str           # our intent id
    amount: int              # minor units
    currency: str
    method: str              # card | wechat_pay | alipay
    description: str
    idempotency_key: str
    return_url: str
    metadata: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class IntentResult:
    provider_ref: str
    status: str                    # requires_payment | processing | succeeded | failed | canceled
    qr_payload: str | None = None  # what a QR on screen should encode (WeChat Pay URL, pay link)
    pay_url: str | None = None     # a link to open on a phone (Alipay redirect, demo page)
    client_secret: str | None = None


@dataclass(frozen=True)
class RefundRequest:
    provider_ref: str        # the gateway's payment reference
    amount: int
    currency: str
    reason: str
    idempotency_key: str
    reference: str           # our refund id


@dataclass(frozen=True)
class RefundResult:
    provider_ref: str
    status: str              # pending | succeeded | failed


@dataclass(frozen=True)
class GatewayEventData:
    """A verified webhook event reduced to what fulfilment needs."""

    event_id: str
    type: str                # payment.succeeded | payment.failed | payment.canceled |
                             # refund.succeeded | refund.failed | ignored
    object_ref: str          # payment (intent) or refund reference at the gateway
    amount: int | None = None
    currency: str | None = None
    failure_code: str | None = None
    raw_type: str = ""


@dataclass(frozen=True)
class GatewayRecord:
    """One charge or refund as the gateway's own records show it (for reconciliation)."""

    ref: str
    kind: str                # payment | refund
    intent_ref: str
    amount: int
    currency: str
    status: str
    created: datetime


class PaymentProvider(Protocol):
    """A gateway: create and cancel intents, refund, verify webhooks, list records."""

    name: str

    def create_intent(self, req: IntentRequest) -> IntentResult: ...

    def cancel_intent(self, provider_ref: str, idempotency_key: str) -> str:
        """Ask the gateway to stop accepting payment; its status after (canceled, or
        succeeded/processing when the payer got there first)."""
        ...

    def refund(self, req: RefundRequest) -> RefundResult: ...

    def verify_webhook(self, payload: bytes, headers: dict[str, str]) -> GatewayEventData: ...

    def records(self, start: datetime, end: datetime) -> list[GatewayRecord]: ...
