"""How a catalog service's fields are asked with a remote: one step per field, lists and digits.

The TV app asks with this plan, and the console previews the TV with it. Choices, yes/no,
small numbers, days and time slots become lists picked with the arrows; phone numbers, digit
codes and larger numbers are typed on the digit keys; the household's address is filled in
from the box's household. A required field the remote cannot give (free text, a photo, an ID
number with an X) makes the plan a call-back offer.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from channel_render.bounds import resolve_date_bound
from channel_render.clock import COMMUNITY_TZ, community_today
from portal_client.types import Field, Service

CHOICE, MULTI, DIGITS, DAY, SLOT = "choice", "multi", "digits", "day", "slot"
MAX_LIST_NUMBER = 12  # numbers up to this many options are a list, larger ones are typed
MAX_DAYS = 14  # a day list never longer than two weeks
SLOT_HOURS = tuple(range(8, 20))  # bookable hours shown for time/datetime fields
_DIGIT_PATTERN = re.compile(r"^\^?(?:\\d|\[0-9\])(?:\{(\d+)(?:,(\d+))?\}|(\+))\$?$")
_DT_BOUND = re.compile(r"^now(?:([+-]\d+)([mhd]))?$")


@dataclass(frozen=True)
class Option:
    """One entry of a list step: the API value and its content label (None: UI formats it)."""

    value: object
    label: dict | None = None
    price: str | None = None


@dataclass(frozen=True)
class Step:
    """One screen of the order flow."""

    key: str  # the field key (datetime fields have two steps with the same key)
    kind: str  # choice | multi | digits | day | slot
    field: Field
    options: tuple[Option, ...] = ()
    min_len: int = 1
    max_len: int = 12
    part: str | None = None  # datetime: "day" then "slot"

    @property
    def optional(self) -> bool:
        return not self.field.required


@dataclass(frozen=True)
class Plan:
    """Everything the TV will ask for one service, what it fills itself, what it can't ask."""

    service: Service
    steps: tuple[Step, ...]
    fixed: dict = field(default_factory=dict)
    skipped: tuple[str, ...] = ()
    blockers: tuple[Field, ...] = ()

    @property
    def needs_callback(self) -> bool:
        """A required field can't be given with a remote: offer a call-back instead."""
        return bool(self.blockers)


def digit_bounds(f: Field) -> tuple[int, int] | None:
    """(min, max) digits when a text-like field accepts only digits, else None."""
    if f.type == "phone":
        return 7, 12
    if f.type == "text" and f.pattern:
        m = _DIGIT_PATTERN.match(f.pattern)
        if m:
            if m.group(3):
                return 1, 30
            lo = int(m.group(1))
            return lo, int(m.group(2) or lo)
    return None


def _dt_bound(value: object, now: datetime) -> datetime | None:
    if not isinstance(value, str):
        return None
    m = _DT_BOUND.match(value)
    if m:
        if not m.group(1):
            return now
        n, unit = int(m.group(1)), m.group(2)
        return now + {"m": timedelta(minutes=n), "h": timedelta(hours=n),
                      "d": timedelta(days=n)}[unit]
    if value.startswith("today"):  # a date bound: midnight of that day
        d = resolve_date_bound(value, now.date())
        return datetime.combine(d, time(0), COMMUNITY_TZ) if d else None
    try:
        dt = datetime.fromisoformat(value)
    except ValueError:
        return None
    return dt if dt.tzinfo else dt.replace(tzinfo=COMMUNITY_TZ)


def day_options(f: Field, today: date) -> tuple[Option, ...]:
    """At most two weeks of the days a date field allows: all of a short range, else the
    first ones from today (or from its start), or the latest ones when it lies in the past."""
    lo = resolve_date_bound(f.min, today)
    hi = resolve_date_bound(f.max, today)
    if lo is not None and hi is not None and hi < lo:
        return ()
    if hi is not None and hi <= today and (lo is None or lo < today):
        first = max(lo or hi - timedelta(days=MAX_DAYS - 1), hi - timedelta(days=MAX_DAYS - 1))
        days = [hi - timedelta(days=i) for i in range((hi - first).days + 1)]  # latest first
    else:
        first = max(lo or today, today) if (lo is None or lo < today) else lo
        last = hi or first + timedelta(days=MAX_DAYS - 1)
        days = [first + timedelta(days=i)
                for i in range(min((last - first).days + 1, MAX_DAYS))]
    return tuple(Option(d.isoformat()) for d in days)


def slot_times(f: Field, day: date, now: datetime) -> tuple[Option, ...]:
    """Hour slots on `day` for a time/datetime field, after its lower bound and an hour from now."""
    if f.type == "time":
        return tuple(Option(f"{h:02d}:00") for h in SLOT_HOURS)
    lo = max(_dt_bound(f.min, now) or now, now + timedelta(hours=1))
    hi = _dt_bound(f.max, now)
    out = []
    for h in SLOT_HOURS:
        at = datetime.combine(day, time(h), COMMUNITY_TZ)
        if at >= lo and (hi is None or at <= hi):
            out.append(Option(f"{h:02d}:00"))
    return tuple(out)


def datetime_days(f: Field, now: datetime) -> tuple[Option, ...]:
    """Days of the next two weeks that still have a bookable slot."""
    lo = _dt_bound(f.min, now) or now
    start = max(lo, now).date()
    days = [start + timedelta(days=i) for i in range(MAX_DAYS)]
    return tuple(Option(d.isoformat()) for d in days if slot_times(f, d, now))


def _number_options(f: Field) -> tuple[Option, ...]:
    lo = int(Decimal(str(f.min))) if f.min is not None else None
    hi = int(Decimal(str(f.max))) if f.max is not None else None
    if lo is None or hi is None or hi - lo + 1 > MAX_LIST_NUMBER or hi < lo:
        return ()
    return tuple(Option(n) for n in range(lo, hi + 1))


def _steps_for(f: Field, now: datetime) -> tuple[Step, ...] | None:
    """The steps asking `f`, or None when a remote can't give it."""
    t = f.type
    if t == "choice":
        return (Step(f.key, CHOICE, f, tuple(Option(c.value, c.label, c.price)
                                              for c in f.choices)),)
    if t == "multichoice":
        return (Step(f.key, MULTI, f, tuple(Option(c.value, c.label, c.price)
                                             for c in f.choices)),)
    if t == "yesno":
        return (Step(f.key, CHOICE, f, (Option(True), Option(False))),)
    if t == "number":
        options = _number_options(f)
        if options:
            return (Step(f.key, CHOICE, f, options),)
        return (Step(f.key, DIGITS, f, min_len=1, max_len=9),)
    if t == "money":
        return (Step(f.key, DIGITS, f, min_len=1, max_len=7),)
    if t == "date":
        options = day_options(f, now.date())
        return (Step(f.key, DAY, f, options),) if options else None
    if t == "time":
        return (Step(f.key, SLOT, f, slot_times(f, now.date(), now)),)
    if t == "datetime":
        days = datetime_days(f, now)
        if not days:
            return None
        return (Step(f.key, DAY, f, days, part="day"), Step(f.key, SLOT, f, part="slot"))
    bounds = digit_bounds(f)
    if bounds:
        return (Step(f.key, DIGITS, f, min_len=bounds[0], max_len=bounds[1]),)
    return None


def plan_for(service: Service, address: str | None, now: datetime | None = None) -> Plan:
    """The TV's plan for `service` given the household's address."""
    now = (now or datetime.now(COMMUNITY_TZ)).astimezone(COMMUNITY_TZ)
    steps: list[Step] = []
    fixed: dict = {}
    skipped: list[str] = []
    blockers: list[Field] = []
    for f in service.fields:
        if (f.hints.get("tv") or {}).get("hidden") and not f.required:
            skipped.append(f.key)
            continue
        if f.type == "address" and address:
            fixed[f.key] = address
            continue
        found = _steps_for(f, now)
        if found is None:
            if f.required:
                blockers.append(f)
            else:
                skipped.append(f.key)
            continue
        steps.extend(found)
    return Plan(service, tuple(steps), fixed, tuple(skipped), tuple(blockers))


def day_text(iso: str, tr: Callable[..., str], lang: str) -> str:
    """'今天 11月24日 星期一' / 'Today, Mon 24 Nov' (`tr`: the TV's texts, tv.po)."""
    from babel.dates import format_skeleton

    d = date.fromisoformat(iso)
    today = community_today()
    shown = format_skeleton("MMMMEEEEd", d, locale=lang)  # 11月24日周二 / Tue, Nov 24
    delta = (d - today).days
    if delta == 0:
        return tr("day.today", date=shown)
    if delta == 1:
        return tr("day.tomorrow", date=shown)
    return shown


def option_text(step: Step, opt: Option, tr: Callable[..., str], lang: str,
                pick: Callable[[dict], str]) -> str:
    """How one option reads on screen and aloud (`tr`: the TV's texts, tv.po)."""
    from babel.numbers import format_currency

    if step.kind == DAY:
        return day_text(str(opt.value), tr, lang)
    if step.kind == SLOT:
        return str(opt.value)
    if isinstance(opt.value, bool):
        return tr("answer.yes" if opt.value else "answer.no")
    text = pick(opt.label) if opt.label else str(opt.value)
    if opt.price is not None:
        text = f"{text}  {format_currency(Decimal(str(opt.price)), 'CNY', locale=lang)}"
    return text


def api_value(step: Step, raw: object) -> object:
    """The API value of one step's answer (digits become numbers where the field is numeric)."""
    if step.kind == DIGITS and step.field.type == "number":
        return int(str(raw))
    if step.kind == DIGITS and step.field.type == "money":
        return f"{int(str(raw))}.00"
    return raw


def values(plan: Plan, answers: dict[tuple[str, str | None], object]) -> dict:
    """The submission's fields: fixed values, then answers (datetime day + slot joined)."""
    out = dict(plan.fixed)
    for step in plan.steps:
        raw = answers.get((step.key, step.part))
        if raw is None or raw == []:
            continue
        if step.part == "day":
            slot = answers.get((step.key, "slot"))
            if slot is not None:
                out[step.key] = f"{raw}T{slot}"
        elif step.part == "slot":
            continue
        else:
            out[step.key] = api_value(step, raw)
    return out


def total_minor(service: Service, fields: dict) -> int | None:
    """What the order will cost in minor units (as the core computes it), None when free."""
    fee = service.fee
    if fee.get("amount") is not None:
        return int(Decimal(str(fee["amount"])) * 100) or None
    key = fee.get("priced_choices")
    if key:
        f = next((x for x in service.fields if x.key == key), None)
        chosen = fields.get(key)
        if f is None or chosen is None:
            return None
        picked = chosen if isinstance(chosen, list) else [chosen]
        prices = {c.value: Decimal(c.price or "0") for c in f.choices}
        total = sum((prices.get(str(v), Decimal(0)) for v in picked), Decimal(0))
        qty = fields.get("quantity")
        if isinstance(qty, int) and qty > 0:
            total *= qty
        return int(total * 100) or None
    amount = fields.get("amount")
    return int(Decimal(str(amount)) * 100) if amount is not None else None
