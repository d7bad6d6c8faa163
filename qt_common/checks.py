"""The core's rules for one field value, checked on the device while the core can't be asked.

A kiosk that queues a submission offline forwards it later; whatever the core would refuse
then is caught here first, so the resident can still correct it. The rules mirror the core's
per-field validation (channel_core.matters.validate, which a channel may not import): phone
and resident-ID formats, lengths, the catalog's own pattern, number and date bounds, money
precision, choices. Messages are keys of the "qt" domain.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation

from channel_render import resolve_date_bound
from channel_render.clock import community_today
from portal_client.types import Field

PHONE = re.compile(r"^(1[3-9]\d{9}|0\d{2,3}-?\d{7,8}|\+\d{8,15})$")
PHOTO = re.compile(r"^(https?://\S+|upload:[A-Za-z0-9_-]{8,64})$")
MAX_LENGTH = {"text": 200, "longtext": 2000, "address": 200, "photo": 500}
TEXT_TYPES = ("text", "longtext", "address", "phone", "idcard", "photo")
_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"


@dataclass(frozen=True)
class Refusal:
    """What the core would say about a value: a "qt" message key and its values."""

    key: str
    params: dict = field(default_factory=dict)


def idcard_ok(value: str, today: date | None = None) -> bool:
    """GB 11643-1999: 18 characters, a real birth date, the ISO 7064 MOD 11-2 check digit."""
    if not re.fullmatch(r"\d{17}[\dXx]", value):
        return False
    try:
        born = date(int(value[6:10]), int(value[10:12]), int(value[12:14]))
    except ValueError:
        return False
    if born.year < 1900 or born > (today or community_today()):
        return False
    total = sum(int(d) * w for d, w in zip(value[:17], _ID_WEIGHTS, strict=True))
    return _ID_CHECK[total % 11] == value[17].upper()


def _text(f: Field, raw: object) -> Refusal | None:
    if not isinstance(raw, str | int) or isinstance(raw, bool):
        return Refusal("check.text")
    value = str(raw).strip()
    if f.type == "phone":
        value = value.replace(" ", "")
        if not PHONE.match(value):
            return Refusal("check.phone")
    elif f.type == "idcard":
        value = value.upper()
        if not idcard_ok(value):
            return Refusal("check.idcard")
    elif f.type == "photo" and not PHOTO.match(value):
        return Refusal("check.photo")
    limit = MAX_LENGTH.get(f.type, 200)
    if len(value) > limit:
        return Refusal("check.too_long", {"max": limit})
    if f.pattern:
        try:
            matched = re.fullmatch(f.pattern, value)
        except re.error:
            return None  # the core checks its own content; nothing to hold the resident on
        if not matched:
            return Refusal("check.pattern")
    return None


def _number(f: Field, raw: object) -> Refusal | None:
    if isinstance(raw, bool) or raw is None:
        return Refusal("check.number")
    try:
        num = Decimal(str(raw).strip().replace(",", ""))
    except InvalidOperation:
        return Refusal("check.number")
    if not num.is_finite():
        return Refusal("check.number")
    if f.type == "money":
        exponent = num.as_tuple().exponent
        if not isinstance(exponent, int) or exponent < -2:
            return Refusal("check.money_precision")
        if num <= 0:
            return Refusal("check.money_positive")
    if f.min is not None and num < Decimal(str(f.min)):
        return Refusal("check.min", {"min": f.min})
    if f.max is not None and num > Decimal(str(f.max)):
        return Refusal("check.max", {"max": f.max})
    return None


def refusal(f: Field, value: object, today: date | None = None) -> Refusal | None:
    """Why the core would refuse this (non-empty) value of field `f`, or None."""
    if f.type in TEXT_TYPES:
        return _text(f, value)
    if f.type in ("number", "money"):
        return _number(f, value)
    if f.type == "date":
        try:
            day = date.fromisoformat(str(value).strip())
        except ValueError:
            return Refusal("check.date")
        today = today or community_today()
        lo, hi = resolve_date_bound(f.min, today), resolve_date_bound(f.max, today)
        if lo is not None and day < lo:
            return Refusal("check.date_min", {"min": lo.isoformat()})
        if hi is not None and day > hi:
            return Refusal("check.date_max", {"max": hi.isoformat()})
        return None
    if f.type in ("choice", "multichoice"):
        allowed = {c.value for c in f.choices}
        items = value if isinstance(value, list) else [value]
        if not items or not all(isinstance(i, str) and i in allowed for i in items) \
                or len(set(items)) != len(items):
            return Refusal("check.choice")
    return None
