"""Answers an elder's quick order takes from what is known: home, phone, today."""

from __future__ import annotations

import re
from datetime import date, timedelta

from channel_render.clock import community_today
from hotline.fields import hotline_hints
from hotline.nodes.caller import phone_of
from hotline.state import CallState
from portal_client.types import Field, Service


def home_address(state: CallState) -> str | None:
    """The caller's household address, when caller ID found them."""
    res = state.resident or {}
    household = res.get("household") or {}
    return household.get("address") or None


def earliest_date(bound: object, today: date) -> date:
    """A date field's lower bound ('today', 'today+1d', an ISO date), or today."""
    if isinstance(bound, str):
        m = re.fullmatch(r"today([+-]\d+)d", bound)
        if m:
            return today + timedelta(days=int(m.group(1)))
        if bound != "today":
            try:
                return max(today, date.fromisoformat(bound))
            except ValueError:
                return today
    return today


def quick_default(f: Field, state: CallState, today: date) -> object:
    """`hints: {hotline: {quick: …}}`: a choice's value (or a multichoice's list), `name`
    for the caller's name in a text field, `tomorrow HH:MM` for a datetime."""
    quick = hotline_hints(f).get("quick")
    if quick is None:
        return None
    values = {c.value for c in f.choices}
    if f.type == "choice" and quick in values:
        return quick
    if f.type == "multichoice" and isinstance(quick, list) and set(quick) <= values:
        return list(quick)
    if f.type == "text" and quick == "name":
        return (state.resident or {}).get("name") or None
    m = re.fullmatch(r"tomorrow (\d{2}):(\d{2})", str(quick))
    if f.type == "datetime" and m:
        return f"{(today + timedelta(days=1)).isoformat()}T{m.group(1)}:{m.group(2)}"
    return None


def answers(state: CallState, svc: Service) -> dict:
    """Fields that need not be asked: phone, home address, the first possible day, the
    smallest quantity, a choice's only option, and content editors' `hints.hotline.quick`
    defaults (see `quick_default`)."""
    out: dict = {}
    today = community_today()
    for f in svc.fields:
        default = quick_default(f, state, today)
        if default is not None:
            out[f.key] = default
            continue
        if f.type == "phone" and phone_of(state.caller):
            out[f.key] = phone_of(state.caller)
            continue
        if f.type == "address" and home_address(state):
            out[f.key] = home_address(state)
            continue
        if not f.required:
            continue
        if f.type == "date":
            out[f.key] = earliest_date(f.min, today).isoformat()
        elif f.type == "number":
            low = float(f.min) if f.min is not None else 1
            out[f.key] = int(max(low, 1))
        elif f.type == "choice" and len(f.choices) == 1:
            out[f.key] = f.choices[0].value
    return out
