"""The console's language, translations and Babel formatting of dates, durations and money."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from babel.dates import format_date, format_datetime, format_timedelta
from babel.lists import format_list
from babel.numbers import format_currency, format_decimal, format_percent
from flask import g, request, session

from channel_render.clock import COMMUNITY_TZ
from portal_client.i18n import LANGS, Translator, normalize_lang, pick

DOMAIN = "console"


def current_lang() -> str:
    """?lang= (remembered in the session), else the session's, else Accept-Language."""
    if "console_lang" in g:
        return g.console_lang
    asked = request.args.get("lang")
    if asked and normalize_lang(asked, "") in LANGS:
        session["lang"] = normalize_lang(asked)
    lang = session.get("lang") or normalize_lang(request.headers.get("Accept-Language"))
    g.console_lang = lang if lang in LANGS else "zh_CN"
    return g.console_lang


def translator() -> Translator:
    """The console's translations in the current language."""
    return Translator(DOMAIN, current_lang())


def tr(key: str, **params: object) -> str:
    """Translate one console key in the current language."""
    return translator()(key, **params)


def text_of(texts: dict | None) -> str:
    """This language's text from a per-locale content field."""
    return pick(texts, current_lang())


def babel_locale() -> str:
    return {"zh_CN": "zh_Hans_CN", "zh_TW": "zh_Hant_TW", "en": "en"}[current_lang()]


def list_text(items: Iterable[object]) -> str:
    """Names or labels as this language writes a list ('甲、乙和丙', 'A, B, and C')."""
    return format_list([str(i) for i in items], locale=babel_locale())


def parse_time(value: str | datetime | None) -> datetime | None:
    """An ISO timestamp from the API as an aware datetime (UTC if it had no zone)."""
    if value is None or value == "":
        return None
    dt = value if isinstance(value, datetime) else datetime.fromisoformat(value)
    return dt if dt.tzinfo else dt.replace(tzinfo=UTC)


def when(value: str | datetime | None, fmt: str = "short") -> str:
    """A timestamp in Beijing time, formatted for the current language."""
    dt = parse_time(value)
    if dt is None:
        return ""
    return format_datetime(dt, fmt, tzinfo=COMMUNITY_TZ, locale=babel_locale())


def day(value: str | date | None) -> str:
    if not value:
        return ""
    d = date.fromisoformat(value) if isinstance(value, str) else value
    return format_date(d, "medium", locale=babel_locale())


def duration(seconds: float | timedelta | None) -> str:
    """A length of time in words ('3 hours', '2天')."""
    if seconds is None:
        return ""
    td = seconds if isinstance(seconds, timedelta) else timedelta(seconds=float(seconds))
    return format_timedelta(td, threshold=1.5, locale=babel_locale())


def number(value: float | int | None, digits: int = 1) -> str:
    if value is None:
        return ""
    return format_decimal(round(value, digits), locale=babel_locale())


def percent(value: float | None) -> str:
    if value is None:
        return "—"
    return format_percent(value, "#,##0.0%", locale=babel_locale())


def money(minor: int | None, currency: str | None) -> str:
    """Integer minor units as money in the current locale."""
    if minor is None:
        return ""
    return format_currency(Decimal(minor) / 100, currency or "CNY", locale=babel_locale())


def money_text(amount: str | None, currency: str | None) -> str:
    """A decimal string amount ('12.50') as money in the current locale."""
    if amount in (None, ""):
        return ""
    return format_currency(Decimal(str(amount)), currency or "CNY", locale=babel_locale())
