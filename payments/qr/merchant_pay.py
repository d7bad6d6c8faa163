"""Paying a scanned merchant-presented EMVCo code: which payee it names, and how much."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from payments.cards.service import PAYEE_KINDS, check_payee
from payments.errors import (
    AmountMismatch,
    CurrencyMismatch,
    InvalidAmount,
    MerchantUnknown,
    UnknownAccount,
    UnknownCurrency,
)
from payments.money import NUMERIC, Money
from payments.qr import emvco
from portal_client.i18n import gettext

# The globally unique identifier in the merchant account template (tag 26) of the codes this
# portal prints; field 01 carries the payee's ledger account code.
GUID = "CN.COMMUNITY.PORTAL"
ALPHA = {numeric: alpha for alpha, numeric in NUMERIC.items()}


@dataclass(frozen=True)
class MerchantCharge:
    """What a scanned code asks the payer for: the payee and the amount."""

    payee_code: str
    money: Money
    dynamic: bool
    merchant_name: str


def payee_of(code: emvco.MerchantCode) -> str:
    """The payee a code's merchant account information names (one of ours, or an error)."""
    for account in code.accounts:
        payee = dict(account.fields).get("01")
        if account.guid == GUID and payee:
            return payee
    raise MerchantUnknown(merchant=code.merchant_name[:25])


def resolve(session: Session, payload: str, entered: Money | None, lang: str) -> MerchantCharge:
    """Decode (CRC checked), resolve the merchant, and settle the amount to pay.

    A dynamic code's amount (tag 54) is the amount; an entered amount must equal it. A static
    code is paid the amount the payer entered, in the code's currency.
    """
    code = emvco.decode(payload)
    payee = payee_of(code)
    try:
        check_payee(session, payee, PAYEE_KINDS)
    except UnknownAccount:
        raise MerchantUnknown(merchant=code.merchant_name[:25]) from None
    currency = ALPHA.get(code.currency_numeric)
    if currency is None:
        raise UnknownCurrency(currency=code.currency_numeric)
    if code.amount is not None:
        asked = Money.parse(code.amount, currency)
        if entered is not None and entered != asked:
            raise AmountMismatch(amount=asked.text(), errors={
                "amount": gettext("core", "problem.payment.qr_amount_mismatch.detail", lang,
                                  amount=asked.text())})
        return MerchantCharge(payee, asked, True, code.merchant_name)
    if entered is None:
        raise InvalidAmount("problem.payment.amount.required", errors={
            "amount": gettext("core", "problem.payment.amount.required", lang)})
    if entered.currency != currency:
        raise CurrencyMismatch()
    return MerchantCharge(payee, entered, False, code.merchant_name)
