"""Known callers: caller ID → resident, their language, open matters, elder shortcuts."""

from __future__ import annotations

import logging
import re

from hotline.call import Call
from hotline.reply import Line, spell_digits
from portal_client import PortalClient, PortalProblem

log = logging.getLogger(__name__)
ELDER_FAMILIES = ("ordering", "housekeeping")


def phone_of(caller: str) -> str | None:
    """The caller's number as residents' phones are kept (+86 mobiles as 11 digits)."""
    number = (caller or "").strip().replace(" ", "")
    if re.fullmatch(r"\+861[3-9]\d{9}", number):
        return number[3:]
    if re.fullmatch(r"\+?\d{7,15}", number):
        return number
    return None  # withheld, anonymous, a SIP address


def look_up(client: PortalClient, caller: str) -> dict | None:
    """The resident whose phone is calling (the /me view plus open_matters), or None."""
    phone = phone_of(caller)
    if phone is None:
        return None
    try:
        return client.resident_by_phone(phone)
    except PortalProblem as exc:
        if exc.status != 404:
            log.warning("caller lookup failed: %s", exc)
        return None


def greeting(call: Call) -> list[Line]:
    """Welcome; for a known caller their name and their newest open matter first."""
    lines: list[Line] = [call.t("greet.welcome")]
    res = call.state.resident
    if not res:
        return lines
    lines.append(call.t("greet.known", name=res.get("name", "")))
    numbers = res.get("open_matters") or []
    if numbers:
        lines.append(call.t("greet.open_count", count=len(numbers)))
        try:
            lines.append(matter_line(call, numbers[0]))
        except PortalProblem:
            pass
    return lines


def matter_line(call: Call, number: str) -> str:
    """'Request 1 2 3, …: <service>, <state>.'"""
    m = call.client.matter(number, lang=call.lang)
    return call.t("status.short", number=spell_digits(m.number),
                  service=call.pick(m.service_title), state=m.state_text)


def elder_services(call: Call) -> list[str]:
    """The meal and housekeeping services an elder orders from the main menu."""
    services = call.catalog.services
    configured = [s for s in call.hotline.config.elder_services if s in services]
    if configured:
        return configured[:2]
    out = []
    for fam in ELDER_FAMILIES:
        ids = sorted(s.id for s in services.values()
                     if s.family == fam and s.workflow in ("order", "booking") and s.fields)
        if ids:
            out.append(ids[0])
    return out


def can_text(phone: str | None) -> bool:
    """Whether SMS can reach this number (a mobile, or any international number)."""
    return bool(phone) and bool(re.fullmatch(r"1[3-9]\d{9}|\+\d{8,15}", phone or ""))


def sms_address(caller: str) -> str | None:
    """Where the outbox texts the caller: the E.164 number Twilio gave, when textable."""
    phone = phone_of(caller)
    if not can_text(phone):
        return None
    number = (caller or "").strip().replace(" ", "")
    return number if number.startswith("+") else f"+86{phone}"
