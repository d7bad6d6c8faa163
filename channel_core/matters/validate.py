"""Per-field validation of a submission against its catalog service, answered per language."""

from __future__ import annotations

import re
from datetime import date, datetime, time
from decimal import Decimal, InvalidOperation

from channel_core.catalog.schema import (
    FieldDef,
    ServiceDef,
    resolve_date_bound,
    resolve_datetime_bound,
)
from channel_render.clock import COMMUNITY_TZ, community_today
from portal_client.i18n import gettext, pick

MAX_LEN = {"text": 200, "longtext": 2000, "address": 200, "photo": 500}
_PHONE = re.compile(r"^(1[3-9]\d{9}|0\d{2,3}-?\d{7,8}|\+\d{8,15})$")
_PHOTO = re.compile(r"^(https?://\S+|upload:[A-Za-z0-9_-]{8,64})$")
_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"
_YES = {"yes", "y", "true", "1", "是", "是的", "对", "對", "好"}
_NO = {"no", "n", "false", "0", "否", "不", "不是", "不要"}


class FieldError(Exception):
    def __init__(self, key: str, **params: object) -> None:
        self.key = key
        self.params = params


def idcard_ok(value: str) -> bool:
    """GB 11643-1999 check: 18 characters, a real birth date, ISO 7064 MOD 11-2 check digit."""
    if not re.fullmatch(r"\d{17}[\dXx]", value):
        return False
    try:
        born = date(int(value[6:10]), int(value[10:12]), int(value[12:14]))
    except ValueError:
        return False
    if born.year < 1900 or born > community_today():
        return False
    total = sum(int(d) * w for d, w in zip(value[:17], _ID_WEIGHTS, strict=True))
    return _ID_CHECK[total % 11] == value[17].upper()


def _decimal(raw: object) -> Decimal:
    if isinstance(raw, bool) or raw is None:
        raise FieldError("field.number")
    if isinstance(raw, float):
        raw = repr(raw)
    try:
        value = Decimal(str(raw).strip().replace(",", ""))
    except InvalidOperation as exc:
        raise FieldError("field.number") from exc
    if not value.is_finite():
        raise FieldError("field.number")
    return value


def _bound(v: float | str | None) -> Decimal | None:
    return None if v is None else Decimal(str(v))


def clean_field(f: FieldDef, raw: object, today: date | None = None) -> object:
    """The canonical value of one field, or FieldError naming what is wrong."""
    today = today or community_today()
    t = f.type
    if t in ("text", "longtext", "address", "phone", "idcard", "photo"):
        if not isinstance(raw, str | int) or isinstance(raw, bool):
            raise FieldError("field.text")
        value = str(raw).strip()
        if t == "phone":
            value = value.replace(" ", "")
            if not _PHONE.match(value):
                raise FieldError("field.phone")
        elif t == "idcard":
            value = value.upper()
            if not idcard_ok(value):
                raise FieldError("field.idcard")
        elif t == "photo":
            if not _PHOTO.match(value):
                raise FieldError("field.photo")
        limit = MAX_LEN.get(t, 200)
        if len(value) > limit:
            raise FieldError("field.too_long", max=limit)
        if f.pattern and not re.fullmatch(f.pattern, value):
            raise FieldError("field.pattern")
        return value
    if t in ("number", "money"):
        num = _decimal(raw)
        if t == "money":
            exponent = num.as_tuple().exponent
            if not isinstance(exponent, int) or exponent < -2:
                raise FieldError("field.money_precision")
            if num <= 0:
                raise FieldError("field.money_positive")
        lo, hi = _bound(f.min), _bound(f.max)
        if lo is not None and num < lo:
            raise FieldError("field.min", min=lo)
        if hi is not None and num > hi:
            raise FieldError("field.max", max=hi)
        if t == "money":
            return str(num.quantize(Decimal("0.01")))
        return int(num) if num == num.to_integral_value() else str(num)
    if t == "date":
        try:
            value_d = date.fromisoformat(str(raw).strip())
        except ValueError as exc:
            raise FieldError("field.date") from exc
        lo_d = resolve_date_bound(f.min, today) if isinstance(f.min, str) else None
        hi_d = resolve_date_bound(f.max, today) if isinstance(f.max, str) else None
        if lo_d and value_d < lo_d:
            raise FieldError("field.date_min", min=lo_d.isoformat())
        if hi_d and value_d > hi_d:
            raise FieldError("field.date_max", max=hi_d.isoformat())
        return value_d.isoformat()
    if t == "time":
        try:
            value_t = time.fromisoformat(str(raw).strip())
        except ValueError as exc:
            raise FieldError("field.time") from exc
        return value_t.strftime("%H:%M")
    if t == "datetime":
        try:
            value_dt = datetime.fromisoformat(str(raw).strip())
        except ValueError as exc:
            raise FieldError("field.datetime") from exc
        if value_dt.tzinfo is None:
            value_dt = value_dt.replace(tzinfo=COMMUNITY_TZ)
        now = datetime.now(COMMUNITY_TZ).replace(second=0, microsecond=0)
        lo_dt = resolve_datetime_bound(f.min, now) if isinstance(f.min, str) else None
        hi_dt = resolve_datetime_bound(f.max, now) if isinstance(f.max, str) else None
        if lo_dt and value_dt < lo_dt:
            raise FieldError("field.datetime_min", min=lo_dt.strftime("%Y-%m-%d %H:%M"))
        if hi_dt and value_dt > hi_dt:
            raise FieldError("field.datetime_max", max=hi_dt.strftime("%Y-%m-%d %H:%M"))
        return value_dt.astimezone(COMMUNITY_TZ).strftime("%Y-%m-%dT%H:%M")
    if t == "choice":
        allowed = {c.value for c in f.choices}
        if not isinstance(raw, str) or raw not in allowed:
            raise FieldError("field.choice")
        return raw
    if t == "multichoice":
        items = raw if isinstance(raw, list) else None
        if items is None and isinstance(raw, str):
            items = [p.strip() for p in raw.split(",") if p.strip()]
        allowed = {c.value for c in f.choices}
        if not items or not all(isinstance(i, str) and i in allowed for i in items):
            raise FieldError("field.choice")
        if len(set(items)) != len(items):
            raise FieldError("field.choice_duplicate")
        return list(items)
    if t == "yesno":
        if isinstance(raw, bool):
            return raw
        text = str(raw).strip().lower()
        if text in _YES:
            return True
        if text in _NO:
            return False
        raise FieldError("field.yesno")
    raise FieldError("field.type")


def _empty(raw: object) -> bool:
    return raw is None or (isinstance(raw, str) and not raw.strip()) or raw == []


def validate_fields(service: ServiceDef, fields: object, lang: str, *,
                    partial: bool = False) -> tuple[dict[str, object], dict[str, str]]:
    """Clean every field; return (values, errors) with errors localized per field key.

    With partial=True only the fields given are checked (forms filled one slot at a time).
    """
    errors: dict[str, str] = {}
    values: dict[str, object] = {}
    if not isinstance(fields, dict):
        return {}, {"fields": gettext("core", "field.object", lang)}
    known = {f.key for f in service.fields}
    for key in fields:
        if key not in known:
            errors[str(key)[:40]] = gettext("core", "field.unknown", lang)
    for f in service.fields:
        label = pick(f.label.model_dump(), lang)
        if f.key not in fields or _empty(fields[f.key]):
            if f.required and not partial:
                errors[f.key] = gettext("core", "field.required", lang, label=label)
            continue
        try:
            values[f.key] = clean_field(f, fields[f.key])
        except FieldError as err:
            errors[f.key] = gettext("core", err.key, lang, label=label, **err.params)
    return values, errors


def fee_minor(service: ServiceDef, values: dict[str, object]) -> int | None:
    """The amount due in minor units for a cleaned submission, or None when free."""
    fee = service.fee
    if fee.amount is not None:
        minor = int(Decimal(fee.amount) * 100)
        return minor or None
    if fee.priced_choices is not None:
        f = service.field(fee.priced_choices)
        chosen = values.get(fee.priced_choices)
        if f is None or chosen is None:
            return None
        picked = chosen if isinstance(chosen, list) else [chosen]
        prices = {c.value: Decimal(c.price or "0") for c in f.choices}
        total = sum((prices[str(v)] for v in picked), Decimal("0"))
        qty = values.get("quantity")
        if isinstance(qty, int) and qty > 0:
            total *= qty
        return int(total * 100) or None
    amount = values.get("amount")
    if isinstance(amount, str):
        return int(Decimal(amount) * 100)
    return None
