"""Payments' exceptions: subclasses of the core's hierarchy, each with its own problem code.

The core maps every PortalError to application/problem+json; `code` becomes the problem
type and the translation keys `problem.<code>.title` / `problem.<code>.detail` (core.po).
"""

from __future__ import annotations

from channel_core.errors import (
    BadRequest,
    Conflict,
    Forbidden,
    Gone,
    NotFound,
    PortalError,
    ValidationFailed,
)


class InvalidAmount(ValidationFailed):
    """Zero, negative, over-precise, huge or non-decimal amounts."""

    code = "payment.amount"


class UnknownCurrency(ValidationFailed):
    code = "payment.currency"


class CurrencyMismatch(ValidationFailed):
    """Legs or accounts in different currencies, or a transfer that does not sum to zero."""

    code = "payment.currency_mismatch"


class Unbalanced(ValidationFailed):
    code = "payment.unbalanced"


class UnknownAccount(NotFound):
    code = "payment.account_unknown"


class InsufficientFunds(Conflict):
    code = "payment.insufficient_funds"


class IdempotencyReused(Conflict):
    """The idempotency key was used before with a different request body."""

    code = "payment.idempotency_reused"


class HoldResolved(Conflict):
    code = "payment.hold_resolved"


class HoldExpired(Gone):
    code = "payment.hold_expired"


class NotAHold(Conflict):
    code = "payment.not_a_hold"


class RefundExceeds(Conflict):
    code = "payment.refund_exceeds"


class NotRefundable(Conflict):
    code = "payment.not_refundable"


class CodeInvalid(BadRequest):
    """A customer-presented code that is malformed or not signed by us."""

    code = "payment.code_invalid"


class MerchantUnknown(NotFound):
    """A merchant-presented code that names no merchant of this portal."""

    code = "payment.qr_merchant_unknown"


class AmountMismatch(ValidationFailed):
    """An amount entered for a dynamic merchant code that differs from the code's own."""

    code = "payment.qr_amount_mismatch"


class CodeExpired(Gone):
    code = "payment.code_expired"


class CodeUsed(Gone):
    code = "payment.code_used"


class BillUnknown(NotFound):
    code = "payment.bill_unknown"


class BillSettled(Conflict):
    """The bill is already paid in full."""

    code = "payment.bill_paid"


class BillOverpay(Conflict):
    code = "payment.bill_overpay"


class IntentUnknown(NotFound):
    code = "payment.intent_unknown"


class IntentClosed(Conflict):
    code = "payment.intent_closed"


class ReceiptUnknown(NotFound):
    code = "payment.receipt_unknown"


class NotYours(Forbidden):
    code = "payment.not_yours"


class PaymentMethodUnsupported(ValidationFailed):
    code = "payment.method"


class ProviderUnavailable(PortalError):
    status = 502
    code = "payment.provider_unavailable"


class ProviderDeclined(PortalError):
    status = 402
    code = "payment.declined"


class WebhookRejected(BadRequest):
    """A webhook whose signature is missing, forged or outside the tolerance window."""

    code = "payment.webhook_rejected"


class SettlementOpen(Conflict):
    """The day has not ended at the cut-off yet."""

    code = "payment.settlement_open"


class StatementUnknown(NotFound):
    code = "payment.statement_unknown"
