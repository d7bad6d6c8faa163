"""Request helpers shared by the payments blueprints: context, amounts, keys, who may act."""

from __future__ import annotations

import re

from flask import current_app, request
from pydantic import BaseModel, ConfigDict, Field

from channel_core.actors import Actor
from channel_core.api.context import actor, channel, lang, require_actor, require_staff
from channel_core.errors import Forbidden, PortalError, Unauthorized, ValidationFailed
from payments.context import Payments
from payments.errors import InvalidAmount, UnknownCurrency
from payments.ledger import merchant_code
from payments.money import Money
from portal_client.i18n import gettext

_KEY = re.compile(r"^[\x21-\x7e]{8,100}$")


class In(BaseModel):
    """Base of payments request bodies: unknown keys are refused."""

    model_config = ConfigDict(extra="forbid")


class AmountIn(In):
    """An amount as a decimal string ('12.30') or in minor units; floats are refused."""

    amount: str | None = Field(default=None, max_length=20)
    amount_minor: int | None = None
    currency: str = Field(default="CNY", min_length=3, max_length=3)


def pctx() -> Payments:
    return current_app.extensions["payments"]


def money_of(body: AmountIn, *, required: bool = True) -> Money | None:
    """The body's amount as Money, or a 422 naming the field in the user's language."""
    try:
        if body.amount is not None and body.amount_minor is not None:
            raise InvalidAmount("problem.payment.amount.format")
        if body.amount is not None:
            return Money.parse(body.amount, body.currency)
        if body.amount_minor is not None:
            return Money.of_minor(body.amount_minor, body.currency)
    except (InvalidAmount, UnknownCurrency) as exc:
        field = "currency" if isinstance(exc, UnknownCurrency) else \
            "amount" if body.amount is not None else "amount_minor"
        raise type(exc)(exc.detail_key, errors={
            field: gettext("core", exc.detail_key, lang(), **exc.params)}, **exc.params) from None
    if required:
        raise InvalidAmount("problem.payment.amount.required", errors={
            "amount": gettext("core", "problem.payment.amount.required", lang())})
    return None


def idempotency_key(body_key: str | None) -> str:
    """The client's idempotency key (body field or Idempotency-Key header), required."""
    key = body_key or request.headers.get("Idempotency-Key")
    if not key or not _KEY.match(key):
        raise ValidationFailed("problem.payment.key_required", errors={
            "idempotency_key": gettext("core", "problem.payment.key_required", lang())})
    return key


def require_finance() -> Actor:
    """Staff of finance (or admin): they move money by hand and run settlement."""
    return require_staff("finance")


def require_caller() -> Actor | str:
    """A channel (kiosk, TV, hotline, chatbot, console) or a signed-in person."""
    a = actor()
    if a is not None:
        return a
    ch = channel()
    if ch is None:
        raise Unauthorized("problem.auth.channel_required")
    return ch


def merchant_payee(a: Actor | None) -> str | None:
    """A merchant/provider user's own payee account, if the actor is one."""
    if a is not None and a.kind == "staff" and "provider" in a.roles and a.department:
        return merchant_code(a.department)
    return None


def require_finance_or_payee(payee_codes: set[str]) -> Actor:
    """Finance staff, or the merchant whose account is among `payee_codes`."""
    a = require_actor()
    if a.kind == "staff" and ("finance" in a.roles or "admin" in a.roles):
        return a
    mine = merchant_payee(a)
    if mine is not None and mine in payee_codes:
        return a
    raise Forbidden("problem.auth.role", role="finance")


def commit_errors() -> tuple[type[PortalError], ...]:
    """Errors after which the transaction is still committed (PIN failure counters)."""
    from channel_core.errors import Locked

    return (Unauthorized, Locked)
