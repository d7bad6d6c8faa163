"""Inbound SMS: a text with a matter number gets its status back (TwiML <Message>)."""

from __future__ import annotations

import re
from collections.abc import Mapping

from hotline.nodes.caller import look_up
from portal_client import PortalClient, PortalProblem
from portal_client.i18n import LANGS, gettext, pick

_NUMBER = re.compile(r"(?<!\d)\d(?:[\s-]?\d){8}(?!\d)")
_CJK = re.compile(r"[\u4e00-\u9fff]")


def language(client: PortalClient, sender: str, body: str, default: str) -> str:
    """The sender's saved language, else the script they wrote in."""
    res = look_up(client, sender)
    if res and res.get("lang") in LANGS:
        return res["lang"]
    if _CJK.search(body):
        return default if default.startswith("zh") else "zh_CN"
    if re.search(r"[A-Za-z]{2,}", body):
        return "en"
    return default


def answer(client: PortalClient, params: Mapping[str, str], default_lang: str) -> str:
    """The reply text for one inbound SMS."""
    body = params.get("Body", "")
    lang = language(client, params.get("From", ""), body, default_lang)
    found = _NUMBER.search(body)
    if not found:
        return gettext("hotline", "sms.help", lang)
    number = re.sub(r"\D", "", found.group(0))
    try:
        m = client.matter(number, lang=lang)
    except PortalProblem as exc:
        key = "sms.unknown" if exc.status == 404 else "sms.check_digit"
        if exc.status not in (404, 422):
            key = "sms.unavailable"
        return gettext("hotline", key, lang, number=number)
    text = gettext("hotline", "sms.status", lang, number=m.number,
                   service=pick(m.service_title, lang), state=m.state_text)
    if m.next_step_text:
        text += gettext("hotline", "sms.next", lang, next=m.next_step_text)
    return text

