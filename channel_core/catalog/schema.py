"""The content schema (SPEC.md §2) as frozen pydantic models; unknown keys are rejected."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from channel_render.clock import COMMUNITY_TZ

LANGS = ("zh_CN", "zh_TW", "en")
FAMILIES = ("gov", "property", "payment", "ordering", "housekeeping", "themed")
THEMES = ("mall", "school", "hospital", "transport", "tourism")
WORKFLOWS = ("application", "report", "order", "booking", "payment", "sos", "info")
CHANNELS = ("kiosk", "tv", "hotline", "chatbot")
FIELD_TYPES = (
    "text", "longtext", "number", "money", "date", "time", "datetime", "choice",
    "multichoice", "yesno", "phone", "idcard", "address", "photo",
)
BILL_KINDS = ("water", "electricity", "gas", "heating", "property", "cable_tv", "phone", "fine")
_DURATION = re.compile(r"^(\d+)([mhd])$")
_MONEY = re.compile(r"^\d+(\.\d{1,2})?$")
_DATE_BOUND = re.compile(r"^today([+-]\d+d)?$")
_DATETIME_BOUND = re.compile(r"^now([+-]\d+[mhd])?$")


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Texts(Strict):
    """One text in each of the three languages."""

    zh_CN: str = Field(min_length=1)
    zh_TW: str = Field(min_length=1)
    en: str = Field(min_length=1)

    def get(self, lang: str) -> str:
        return getattr(self, lang, None) or self.zh_CN


class KeywordTexts(Strict):
    zh_CN: tuple[str, ...] = ()
    zh_TW: tuple[str, ...] = ()
    en: tuple[str, ...] = ()

    def all(self) -> tuple[str, ...]:
        return self.zh_CN + self.zh_TW + self.en


def parse_duration(text: str) -> timedelta:
    """'15m' / '2h' / '3d' → timedelta."""
    m = _DURATION.match(text)
    if not m:
        raise ValueError(f"duration {text!r} is not <int><m|h|d>")
    n, unit = int(m.group(1)), m.group(2)
    return {"m": timedelta(minutes=n), "h": timedelta(hours=n), "d": timedelta(days=n)}[unit]


def resolve_datetime_bound(value: str | None, now: datetime) -> datetime | None:
    """'now', 'now+2h', 'now-1d' or an ISO datetime (local time if naive) → a datetime."""
    if value is None:
        return None
    m = _DATETIME_BOUND.match(value)
    if m:
        offset = m.group(1)
        if not offset:
            return now
        delta = parse_duration(offset[1:])
        return now + delta if offset[0] == "+" else now - delta
    parsed = datetime.fromisoformat(value)
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=now.tzinfo)


def resolve_date_bound(value: str | None, today: date) -> date | None:
    """'today', 'today+30d', 'today-1d' or an ISO date → a date."""
    if value is None:
        return None
    m = _DATE_BOUND.match(value)
    if m:
        offset = m.group(1)
        return today + (timedelta(days=int(offset[:-1])) if offset else timedelta())
    return date.fromisoformat(value)


class Choice(Strict):
    value: str = Field(min_length=1, max_length=64)
    label: Texts
    price: str | None = None

    @field_validator("price")
    @classmethod
    def _price(cls, v: str | None) -> str | None:
        if v is not None and not _MONEY.match(v):
            raise ValueError("price must be a decimal string with at most 2 places")
        return v


class FieldDef(Strict):
    key: str = Field(pattern=r"^[a-z][a-z0-9_]*$", max_length=40)
    type: Literal[
        "text", "longtext", "number", "money", "date", "time", "datetime", "choice",
        "multichoice", "yesno", "phone", "idcard", "address", "photo",
    ]
    required: bool = False
    label: Texts
    help: Texts | None = None
    choices: tuple[Choice, ...] = ()
    min: float | str | None = None
    max: float | str | None = None
    pattern: str | None = None
    hints: dict[str, dict[str, object]] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _consistent(self) -> FieldDef:
        if self.type in ("choice", "multichoice"):
            if not self.choices:
                raise ValueError(f"field {self.key}: {self.type} needs choices")
            values = [c.value for c in self.choices]
            if len(set(values)) != len(values):
                raise ValueError(f"field {self.key}: duplicate choice values")
        elif self.choices:
            raise ValueError(f"field {self.key}: only choice fields have choices")
        if self.pattern is not None:
            try:
                re.compile(self.pattern)
            except re.error as exc:
                raise ValueError(f"field {self.key}: bad pattern: {exc}") from exc
        for bound in (self.min, self.max):
            if bound is None:
                continue
            if self.type == "date":
                if not isinstance(bound, str):
                    raise ValueError(f"field {self.key}: date bounds are 'today[+Nd]' or ISO")
                resolve_date_bound(bound, datetime.now(COMMUNITY_TZ).date())
            elif self.type == "datetime":
                if not isinstance(bound, str):
                    raise ValueError(f"field {self.key}: datetime bounds are 'now[+Nh]' or ISO")
                resolve_datetime_bound(bound, datetime.now(COMMUNITY_TZ))
            elif self.type in ("number", "money"):
                if isinstance(bound, str):
                    try:
                        Decimal(bound)
                    except InvalidOperation as exc:
                        raise ValueError(f"field {self.key}: bound {bound!r} not a number") from exc
            else:
                raise ValueError(f"field {self.key}: min/max only for number, money, date, datetime")
        for channel in self.hints:
            if channel not in CHANNELS:
                raise ValueError(f"field {self.key}: hints for unknown channel {channel!r}")
        return self


class Sla(Strict):
    accept: str
    complete: str

    @field_validator("accept", "complete")
    @classmethod
    def _duration(cls, v: str) -> str:
        parse_duration(v)
        return v


class Fee(Strict):
    amount: str | None = None
    currency: str = "CNY"
    bill: Literal["water", "electricity", "gas", "heating", "property", "cable_tv", "phone",
                  "fine"] | None = None
    priced_choices: str | None = None

    @model_validator(mode="after")
    def _one_kind(self) -> Fee:
        kinds = [k for k in (self.amount, self.bill, self.priced_choices) if k is not None]
        if len(kinds) != 1:
            raise ValueError("fee needs exactly one of amount, bill, priced_choices")
        if self.amount is not None and not _MONEY.match(self.amount):
            raise ValueError("fee amount must be a decimal string with at most 2 places")
        if not re.fullmatch(r"[A-Z]{3}", self.currency):
            raise ValueError("currency must be an ISO 4217 code")
        return self


class ServiceDef(Strict):
    """One catalog service, exactly as content editors write it."""

    id: str = Field(pattern=r"^(gov|property|payment|ordering|housekeeping|themed)\.[a-z0-9-]+$")
    family: Literal["gov", "property", "payment", "ordering", "housekeeping", "themed"]
    theme: Literal["mall", "school", "hospital", "transport", "tourism"] | None = None
    title: Texts
    summary: Texts
    keywords: KeywordTexts = KeywordTexts()
    workflow: Literal["application", "report", "order", "booking", "payment", "sos", "info"]
    handler: str = Field(min_length=1)
    sla: Sla
    fee: Fee = Fee(amount="0.00")
    requires_identity: bool = False
    channels: tuple[Literal["kiosk", "tv", "hotline", "chatbot"], ...] = (
        "kiosk", "tv", "hotline", "chatbot")
    fields: tuple[FieldDef, ...] = ()

    @model_validator(mode="after")
    def _consistent(self) -> ServiceDef:
        if self.id.split(".", 1)[0] != self.family:
            raise ValueError(f"id {self.id!r} must start with its family {self.family!r}")
        if self.family == "themed" and self.theme is None:
            raise ValueError("themed services need a theme")
        if self.family != "themed" and self.theme is not None:
            raise ValueError("only themed services have a theme")
        keys = [f.key for f in self.fields]
        if len(set(keys)) != len(keys):
            raise ValueError("duplicate field keys")
        if self.fee.priced_choices is not None:
            target = next((f for f in self.fields if f.key == self.fee.priced_choices), None)
            if target is None or target.type not in ("choice", "multichoice"):
                raise ValueError("fee.priced_choices must name a choice field")
            if any(c.price is None for c in target.choices):
                raise ValueError("every choice of a priced field needs a price")
        return self

    def field(self, key: str) -> FieldDef | None:
        return next((f for f in self.fields if f.key == key), None)


class Department(Strict):
    id: str = Field(pattern=r"^[a-z][a-z0-9-]*$")
    name: Texts
    phone: str | None = None


class Notice(Strict):
    id: str
    kind: Literal["news", "air_quality", "reminder", "outage"]
    title: Texts
    body: Texts
    published: date
    expires: date | None = None
    audience: str = "all"
    aqi: int | None = None
    pm25: int | None = None
    pm10: int | None = None
    level: Literal["good", "moderate", "unhealthy", "very_unhealthy", "hazardous"] | None = None


class FaqEntry(Strict):
    id: str
    question: Texts
    answer: Texts
    keywords: KeywordTexts = KeywordTexts()
    services: tuple[str, ...] = ()
