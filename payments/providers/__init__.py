"""Payment gateways behind one interface: Stripe (PaymentIntents) and an offline demo gateway."""

from __future__ import annotations

from channel_core.config import PortalConfig
from channel_core.db import Database
from payments.providers.base import (
    METHODS,
    GatewayEventData,
    GatewayRecord,
    IntentRequest,
    IntentResult,
    PaymentProvider,
    RefundRequest,
    RefundResult,
)


def make_provider(config: PortalConfig, db: Database) -> PaymentProvider:
    """The provider named by `config.payment_provider` (offline | stripe)."""
    if config.payment_provider == "stripe":
        from payments.providers.stripe_api import StripeProvider

        return StripeProvider(config.stripe_secret_key, config.stripe_webhook_secret,
                              config.stripe_api_base)
    if config.payment_provider == "offline":
        from payments.providers.offline import OfflineProvider

        return OfflineProvider(db, config.base_url)
    raise ValueError(f"unknown payment_provider {config.payment_provider!r}")


__all__ = ["METHODS", "GatewayEventData", "GatewayRecord", "IntentRequest", "IntentResult",
           "PaymentProvider", "RefundRequest", "RefundResult", "make_provider"]
