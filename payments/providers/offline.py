"""The offline gateway for the demo: it keeps its own book and "pays" on a demo web page.

It behaves like a real gateway from the portal's point of view: intents get a reference,
payments succeed or fail later (when someone opens the pay link shown as a QR and taps a
button), each outcome arrives as an event through the same fulfilment path as Stripe's
webhooks, and `records` lists its book for reconciliation.
"""

from __future__ import annotations

import secrets
from datetime import datetime

from sqlalchemy import select

from channel_core.db import Database, utcnow
from payments.errors import IntentUnknown, WebhookRejected
from payments.providers.base import (
    GatewayEventData,
    GatewayRecord,
    IntentRequest,
    IntentResult,
    RefundRequest,
    RefundResult,
)
from payments.providers.models import OfflineGatewayRecord

R = OfflineGatewayRecord


class OfflineProvider:
    """A gateway that needs no network: its book is a table in the portal's database."""

    name = "offline"

    def __init__(self, db: Database, base_url: str) -> None:
        self.db = db
        self.base_url = base_url.rstrip("/")

    def create_intent(self, req: IntentRequest) -> IntentResult:
        ref = f"off_{req.reference}"
        with self.db.session() as s:
            if s.scalar(select(R.id).where(R.ref == ref)) is None:
                s.add(R(ref=ref, kind="payment", intent_ref=ref, amount=req.amount,
                        currency=req.currency, status="requires_payment", created_at=utcnow()))
        url = f"{self.base_url}/pay/{req.reference}"
        return IntentResult(ref, "requires_payment", qr_payload=url, pay_url=url)

    def complete(self, provider_ref: str, succeeded: bool) -> GatewayEventData:
        """The payer confirmed (or declined) on the demo page: update the book, emit the event."""
        with self.db.session() as s:
            rec = s.scalar(select(R).where(R.ref == provider_ref, R.kind == "payment")
                           .with_for_update())
            if rec is None:
                raise IntentUnknown()
            if rec.status == "requires_payment":
                rec.status = "succeeded" if succeeded else "failed"
            status, amount, currency = rec.status, rec.amount, rec.currency
        etype = "payment.succeeded" if status == "succeeded" else "payment.failed"
        return GatewayEventData(f"offevt_{provider_ref}_{status}", etype, provider_ref, amount,
                                currency, failure_code=None if succeeded else "declined_by_payer",
                                raw_type=etype)

    def cancel_intent(self, provider_ref: str, idempotency_key: str) -> str:
        """Close the pay page's payment unless the payer already answered; its status."""
        with self.db.session() as s:
            rec = s.scalar(select(R).where(R.ref == provider_ref, R.kind == "payment")
                           .with_for_update())
            if rec is None:
                raise IntentUnknown()
            if rec.status == "requires_payment":
                rec.status = "canceled"
            return rec.status

    def refund(self, req: RefundRequest) -> RefundResult:
        ref = f"offre_{req.reference}"
        with self.db.session() as s:
            pay = s.scalar(select(R).where(R.ref == req.provider_ref, R.kind == "payment"))
            if pay is None or pay.status != "succeeded":
                return RefundResult(ref, "failed")
            if s.scalar(select(R.id).where(R.ref == ref)) is None:
                s.add(R(ref=ref, kind="refund", intent_ref=req.provider_ref, amount=req.amount,
                        currency=req.currency, status="succeeded", created_at=utcnow()))
        return RefundResult(ref, "succeeded")

    def verify_webhook(self, payload: bytes, headers: dict[str, str]) -> GatewayEventData:
        raise WebhookRejected()  # the offline gateway never calls over HTTP

    def records(self, start: datetime, end: datetime) -> list[GatewayRecord]:
        with self.db.session() as s:
            rows = s.scalars(select(R).where(R.created_at >= start, R.created_at < end)
                             .order_by(R.id)).all()
            return [GatewayRecord(r.ref, r.kind, r.intent_ref, r.amount, r.currency, r.status,
                                  r.created_at) for r in rows]


def new_reference() -> str:
    """Our own intent id: unguessable, short enough for a QR."""
    return "pi_" + secrets.token_urlsafe(12).replace("-", "x").replace("_", "y")
