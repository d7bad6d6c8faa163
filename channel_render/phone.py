"""A service as a caller hears it: the intro, one question per field, the photo link, the
read-back. The hotline's nodes speak these lines (in hotline.po) and add their Gathers."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TypeVar

from portal_client.i18n import gettext, pick
from portal_client.types import Field, Service

DOMAIN = "hotline"
MAX_OPTIONS = 4  # keys 1-4 on every menu page; with more items, key 4 turns the page
MAX_MULTI = 9  # multichoice is keyed as a string of option digits
DIGIT_TYPES = ("number", "money", "date", "time", "datetime", "phone", "idcard")
T = TypeVar("T")
_DIGITS_ONLY = re.compile(r"\^?(\\d|\[0-9\])(\{\d+(,\d*)?\}|\+)?\$?")


def _t(key: str, lang: str, **params: object) -> str:
    return gettext(DOMAIN, key, lang, **params)


def page(items: Sequence[T], number: int) -> tuple[list[T], bool]:
    """The items on one menu page (keys 1..n) and whether key 4 turns to the next page."""
    if len(items) <= MAX_OPTIONS:
        return list(items), False
    per = MAX_OPTIONS - 1
    pages = (len(items) + per - 1) // per
    number %= pages
    return list(items[number * per:(number + 1) * per]), True


def hotline_hints(field: Field) -> dict:
    """The field's hotline presentation hints (content/README.md lists them)."""
    hints = field.hints.get("hotline")
    return hints if isinstance(hints, dict) else {}


def hidden(field: Field) -> bool:
    """An optional field the content editor keeps off the phone."""
    return bool(hotline_hints(field).get("hidden")) and not field.required


def keyed(field: Field) -> bool:
    """Answered on the keypad: numbers, dates, phones, IDs, and text that is only digits
    (an account number with a pattern like ^\\d{8,12}$, or a dtmf_digits hint)."""
    if field.type in DIGIT_TYPES:
        return True
    return field.type == "text" and bool(
        hotline_hints(field).get("dtmf_digits")
        or (field.pattern and _DIGITS_ONLY.fullmatch(field.pattern)))


def can_ask(field: Field) -> bool:
    """Whether a phone can carry this field (a photo or a long multichoice cannot)."""
    if field.type == "photo":
        return False
    return not (field.type == "multichoice" and len(field.choices) > MAX_MULTI)


def asked_fields(service: Service) -> tuple[Field, ...]:
    """The fields a caller goes through (optional ones hidden from the phone are left out)."""
    return tuple(f for f in service.fields if f.required or not hidden(f))


def service_intro(service: Service, lang: str) -> tuple[str, ...]:
    """What a service is, its fee, and the key that starts its form."""
    lines = [_t("service.intro", lang, title=pick(service.title, lang),
                summary=pick(service.summary, lang))]
    amount = service.fee.get("amount")
    if amount and amount not in ("0", "0.00"):
        lines.append(_t("service.fee", lang, amount=amount))
    if service.workflow == "info" or not service.fields:
        lines.append(_t("service.info_only", lang))
    else:
        lines.append(_t("service.start", lang))
    lines.append(_t("menu.back", lang))
    return tuple(lines)


def choice_page(field: Field, number: int) -> tuple[list[int], bool]:
    """Indexes of the choices read out on one page, and whether key 4 turns the page
    (a multichoice is keyed as a string of digits: all its options at once)."""
    indexes = list(range(len(field.choices)))
    if field.type == "multichoice":
        return indexes, False
    return page(indexes, number)


def field_prompt(field: Field, lang: str, *, page_number: int = 0, caller_phone: bool = False,
                 home_address: bool = False) -> tuple[str, ...]:
    """One field's question: by type, with its options (a page of them), help and whether
    it can be skipped. `caller_phone`/`home_address`: '1' would take the caller's number or
    their household's address."""
    label = pick(field.label, lang)
    lines = []
    if field.type in ("choice", "multichoice"):
        lines.append(_t(f"field.ask.{field.type}", lang, label=label))
        shown, more = choice_page(field, page_number)
        for n, i in enumerate(shown, 1):
            lines.append(_t("menu.option", lang, label=pick(field.choices[i].label, lang),
                            digit=n))
        if more:
            lines.append(_t("menu.more", lang, digit=MAX_OPTIONS))
    elif field.type == "phone" and caller_phone:
        lines.append(_t("field.ask.phone_caller", lang, label=label))
    elif field.type == "address" and home_address:
        lines.append(_t("field.ask.address_home", lang, label=label))
    elif keyed(field) and field.type == "text":
        lines.append(_t("field.ask.digits", lang, label=label))
    else:
        lines.append(_t(f"field.ask.{field.type}", lang, label=label))
    if field.help:
        lines.append(pick(field.help, lang))
    if not field.required:
        lines.append(_t("field.optional", lang))
    return tuple(lines)


def photo_prompt(field: Field, lang: str, *, textable: bool) -> tuple[str, ...]:
    """A photo cannot travel over a call: the link texted after submission (when the caller
    can receive texts), and the keys to go on."""
    label = pick(field.label, lang)
    return (_t("photo.sms" if textable else "photo.no_sms", lang, label=label),
            _t("photo.keys" if field.required else "photo.keys_optional", lang))


def review_prompt(service: Service, lang: str, readback: Sequence[str] = (),
                  pin: bool = False) -> tuple[str, ...]:
    """The end of the form: the answers read back, then how to submit (by PIN when the
    service needs identity and the caller has a card)."""
    return (_t("review.intro", lang, service=pick(service.title, lang)), *readback,
            _t("review.keys_pin" if pin else "review.keys", lang))
