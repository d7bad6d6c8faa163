"""Money as integer minor units with a currency; parsing refuses floats and over-precision."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from babel.numbers import format_currency

from payments.errors import InvalidAmount, UnknownCurrency

# ISO 4217 minor-unit exponents of the currencies the portal accepts.
EXPONENTS: dict[str, int] = {"CNY": 2, "HKD": 2, "TWD": 2, "USD": 2, "EUR": 2, "JPY": 0}
# ISO 4217 numeric codes (EMVCo tag 53).
NUMERIC: dict[str, str] = {"CNY": "156", "HKD": "344", "TWD": "901", "USD": "840",
                           "EUR": "978", "JPY": "392"}
_DECIMAL = re.compile(r"^\d+(\.\d+)?$")
MAX_MINOR = 10**12  # ten billion yuan: anything larger is a typo, not a payment


def exponent(currency: str) -> int:
    """Minor-unit exponent of a currency, or UnknownCurrency."""
    try:
        return EXPONENTS[currency]
    except KeyError:
        raise UnknownCurrency(currency=str(currency)[:8]) from None


@dataclass(frozen=True, order=True)
class Money:
    """An amount in integer minor units (fen for CNY) and its ISO currency."""

    minor: int
    currency: str

    def __post_init__(self) -> None:
        if not isinstance(self.minor, int) or isinstance(self.minor, bool):
            raise TypeError("Money.minor must be an int")
        exponent(self.currency)

    @classmethod
    def parse(cls, amount: object, currency: str) -> Money:
        """A strictly positive decimal string ('12.30') → Money; floats and bad input refused."""
        exp = exponent(currency)
        if not isinstance(amount, str) or not _DECIMAL.match(amount.strip()):
            raise InvalidAmount("problem.payment.amount.format")
        try:
            value = Decimal(amount.strip())
        except InvalidOperation:
            raise InvalidAmount("problem.payment.amount.format") from None
        scaled = value.scaleb(exp)
        if scaled != scaled.to_integral_value():
            raise InvalidAmount("problem.payment.amount.precision", places=exp)
        minor = int(scaled)
        return cls.of_minor(minor, currency)

    @classmethod
    def of_minor(cls, minor: object, currency: str) -> Money:
        """Money from minor units given by a client; zero, negative and huge are refused."""
        exponent(currency)
        if not isinstance(minor, int) or isinstance(minor, bool):
            raise InvalidAmount("problem.payment.amount.format")
        if minor <= 0:
            raise InvalidAmount("problem.payment.amount.positive")
        if minor > MAX_MINOR:
            raise InvalidAmount("problem.payment.amount.too_large")
        return cls(minor, currency)

    def decimal(self) -> Decimal:
        """The amount as a Decimal in major units (for display and CSV)."""
        return Decimal(self.minor).scaleb(-exponent(self.currency))

    def text(self) -> str:
        """'12.30' — the plain major-unit string."""
        exp = exponent(self.currency)
        return f"{self.decimal():.{exp}f}"

    def format(self, lang: str) -> str:
        """'¥12.30' / 'CN¥12.30' formatted for a portal language by Babel."""
        return format_currency(self.decimal(), self.currency, locale=lang)


def format_minor(minor: int, currency: str, lang: str) -> str:
    """Format a signed minor-unit amount for a language."""
    value = Decimal(minor).scaleb(-exponent(currency))
    return format_currency(value, currency, locale=lang)
