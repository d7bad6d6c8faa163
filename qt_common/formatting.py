"""Money, dates and numbers formatted with Babel for the screen's language.

Babel's locale data is imported on first use, so start-up doesn't wait for it.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal


def money(amount: Decimal | str | int, currency: str, lang: str) -> str:
    """'¥12.50' (zh) / 'CN¥12.50' (en) for a decimal amount."""
    from babel.numbers import format_currency

    return format_currency(Decimal(str(amount)), currency, locale=lang)


def money_minor(minor: int, currency: str, lang: str) -> str:
    """Format an amount held in minor units (fen)."""
    return money(Decimal(minor) / 100, currency, lang)


def number(value: Decimal | str | int, lang: str) -> str:
    """A number with the language's separators."""
    from babel.numbers import format_decimal

    return format_decimal(Decimal(str(value)), locale=lang)


def day(value: date | str, lang: str) -> str:
    """A date in the language's medium form ('2025年3月1日', 'Mar 1, 2025')."""
    from babel.dates import format_date

    d = date.fromisoformat(value) if isinstance(value, str) else value
    return format_date(d, format="medium", locale=lang)


def moment(value: datetime | str, lang: str) -> str:
    """A date and time (minutes) in the language's short-medium form."""
    from babel.dates import format_date, format_time

    dt = datetime.fromisoformat(value) if isinstance(value, str) else value
    return f"{format_date(dt.date(), format='medium', locale=lang)} " \
           f"{format_time(dt.time(), format='short', locale=lang)}"
