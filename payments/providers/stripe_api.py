"""The Stripe adapter: the only module that calls the Stripe SDK.

PaymentIntents for card, wechat_pay and alipay (amounts in minor units, an Idempotency-Key on
every create and cancel), cancellation, refunds, webhook verification with Stripe's own signing scheme (300 s
tolerance) and list calls for reconciliation. `api_base` points the SDK at another host
(tests run a local server that speaks Stripe's wire format).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, cast

import stripe

from payments.errors import ProviderDeclined, ProviderUnavailable, WebhookRejected
from payments.providers.base import (
    GatewayEventData,
    GatewayRecord,
    IntentRequest,
    IntentResult,
    RefundRequest,
    RefundResult,
)

TOLERANCE_S = 300
_STATUS = {"succeeded": "succeeded", "canceled": "canceled", "processing": "processing"}
_REFUND_STATUS = {"succeeded": "succeeded", "failed": "failed", "canceled": "failed"}


class StripeProvider:
    """Payment provider backed by Stripe PaymentIntents."""

    name = "stripe"

    def __init__(self, secret_key: str, webhook_secret: str, api_base: str = "", *,
                 http_client: Any = None, max_network_retries: int = 2) -> None:
        self.webhook_secret = webhook_secret
        self.client = stripe.StripeClient(
            secret_key, base_addresses={"api": api_base.rstrip("/")} if api_base else None,
            http_client=http_client, max_network_retries=max_network_retries)

    def create_intent(self, req: IntentRequest) -> IntentResult:
        """Create (and for wallets, confirm) a PaymentIntent; the QR or redirect comes back."""
        params: Any = {
            "amount": req.amount, "currency": req.currency.lower(),
            "payment_method_types": [req.method], "description": req.description[:200],
            "metadata": {"portal_intent": req.reference, **req.metadata}}
        if req.method == "wechat_pay":
            params.update(confirm=True, payment_method_data={"type": "wechat_pay"},
                          payment_method_options={"wechat_pay": {"client": "web"}})
        elif req.method == "alipay":
            params.update(confirm=True, payment_method_data={"type": "alipay"},
                          return_url=req.return_url)
        pi = self._call(lambda: self.client.v1.payment_intents.create(
            params=params, options={"idempotency_key": req.idempotency_key})).to_dict()
        qr = url = None
        action = pi.get("next_action") or {}
        if action.get("type") == "wechat_pay_display_qr_code":
            qr = action["wechat_pay_display_qr_code"]["data"]
        elif action.get("type") == "alipay_handle_redirect":
            url = action["alipay_handle_redirect"]["url"]
            qr = url
        return IntentResult(pi["id"], _STATUS.get(pi["status"], "requires_payment"), qr, url,
                            pi.get("client_secret"))

    def cancel_intent(self, provider_ref: str, idempotency_key: str) -> str:
        """Cancel a PaymentIntent (reason "abandoned"); if Stripe refuses because the payer
        already paid (or is paying), its current status says so."""
        try:
            pi = self.client.v1.payment_intents.cancel(
                provider_ref, params={"cancellation_reason": "abandoned"},
                options={"idempotency_key": idempotency_key}).to_dict()
        except stripe.InvalidRequestError:  # payment_intent_unexpected_state
            pi = self._call(lambda: self.client.v1.payment_intents.retrieve(provider_ref)).to_dict()
        except stripe.StripeError as exc:
            raise ProviderUnavailable() from exc
        return _STATUS.get(pi["status"], "requires_payment")

    def refund(self, req: RefundRequest) -> RefundResult:
        """Refund part or all of a PaymentIntent."""
        r = self._call(lambda: self.client.v1.refunds.create(params={
            "payment_intent": req.provider_ref, "amount": req.amount,
            "reason": "requested_by_customer", "metadata": {"portal_refund": req.reference}},
            options={"idempotency_key": req.idempotency_key})).to_dict()
        return RefundResult(r["id"], _REFUND_STATUS.get(r["status"], "pending"))

    def verify_webhook(self, payload: bytes, headers: dict[str, str]) -> GatewayEventData:
        """Check the Stripe-Signature header (HMAC-SHA256, 300 s tolerance) and read the event."""
        sig = headers.get("Stripe-Signature") or headers.get("stripe-signature")
        try:
            event = self.client.construct_event(payload, sig, self.webhook_secret,
                                                tolerance=TOLERANCE_S).to_dict()
        except (stripe.SignatureVerificationError, ValueError, KeyError) as exc:
            raise WebhookRejected() from exc
        obj = event["data"]["object"]
        etype = event["type"]
        if etype == "payment_intent.succeeded":
            return GatewayEventData(event["id"], "payment.succeeded", obj["id"],
                                    obj.get("amount_received") or obj["amount"],
                                    str(obj["currency"]).upper(), raw_type=etype)
        if etype == "payment_intent.payment_failed":
            err = obj.get("last_payment_error") or {}
            return GatewayEventData(event["id"], "payment.failed", obj["id"], obj["amount"],
                                    str(obj["currency"]).upper(),
                                    failure_code=err.get("code") or err.get("decline_code")
                                    or "payment_failed", raw_type=etype)
        if etype == "payment_intent.canceled":
            return GatewayEventData(event["id"], "payment.canceled", obj["id"], raw_type=etype)
        if etype in ("refund.created", "refund.updated", "refund.failed",
                     "charge.refund.updated"):
            status = _REFUND_STATUS.get(obj.get("status", ""))
            if status is not None:
                return GatewayEventData(event["id"], f"refund.{status}", obj["id"],
                                        obj.get("amount"), str(obj.get("currency", "")).upper(),
                                        failure_code=obj.get("failure_reason"), raw_type=etype)
        return GatewayEventData(event["id"], "ignored", str(obj.get("id", "")), raw_type=etype)

    def records(self, start: datetime, end: datetime) -> list[GatewayRecord]:
        """PaymentIntents and refunds created in [start, end), every page."""
        window: Any = {"gte": int(start.timestamp()), "lt": int(end.timestamp())}
        out: list[GatewayRecord] = []
        pis = self._call(lambda: self.client.v1.payment_intents.list(
            params=cast(Any, {"created": window, "limit": 100})))
        for obj in pis.auto_paging_iter():
            pi = obj.to_dict()
            status = _STATUS.get(pi["status"], "requires_payment")
            amount = pi.get("amount_received") if status == "succeeded" else pi["amount"]
            out.append(GatewayRecord(pi["id"], "payment", pi["id"], int(amount or 0),
                                     str(pi["currency"]).upper(), status,
                                     datetime.fromtimestamp(pi["created"], UTC)))
        refunds = self._call(lambda: self.client.v1.refunds.list(
            params=cast(Any, {"created": window, "limit": 100})))
        for obj in refunds.auto_paging_iter():
            r = obj.to_dict()
            out.append(GatewayRecord(r["id"], "refund", r.get("payment_intent") or "",
                                     int(r["amount"]), str(r["currency"]).upper(),
                                     _REFUND_STATUS.get(r["status"], "pending"),
                                     datetime.fromtimestamp(r["created"], UTC)))
        return out

    @staticmethod
    def _call(fn: Any) -> Any:
        try:
            return fn()
        except stripe.CardError as exc:
            raise ProviderDeclined(reason=str(exc.code or "card_declined")) from exc
        except stripe.InvalidRequestError as exc:
            raise ProviderDeclined(reason=str(exc.code or "invalid_request")) from exc
        except stripe.StripeError as exc:  # connection, rate limit, API, authentication
            raise ProviderUnavailable() from exc
