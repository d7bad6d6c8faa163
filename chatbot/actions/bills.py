"""Paying a bill: look it up by account number, then send a payment link and QR image.

Uses the payments part of ``portal_client``: ``bills_for_account`` and ``create_payment``
(one gateway payment per open bill, keyed so a repeated request never creates a second one).
"""

from __future__ import annotations

import hashlib
import re
from decimal import Decimal
from typing import Any

from babel.numbers import format_currency
from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from chatbot.actions import field_values, portal
from chatbot.actions.texts import input_channel, lang_of, say, text
from portal_client import PortalClient, PortalProblem, PortalUnavailable
from portal_client.payments import Bill

_ACCOUNT = re.compile(r"[0-9]{6,20}|[A-Za-z][A-Za-z0-9-]{3,31}")
MAX_LINKS = 3


def payment_key(sender_id: str, bill: Bill, amount: str | None) -> str:
    """The same request for the same bill state reuses one payment intent (no double pay)."""
    raw = f"chat:{sender_id}:{bill.number}:{bill.outstanding_minor}:{amount or ''}"
    return hashlib.sha256(raw.encode()).hexdigest()[:40]


def money(minor: int, currency: str, lang: str) -> str:
    """An amount in minor units, formatted for the user's locale."""
    return format_currency(Decimal(minor) / 100, currency, locale=lang)


class ValidateBillForm(FormValidationAction):
    """Accepts the first account-number-looking token of the answer."""

    def name(self) -> str:
        return "validate_bill_form"

    async def validate_account_no(self, slot_value: Any, dispatcher: CollectingDispatcher,
                                  tracker: Tracker, domain: DomainDict) -> dict[str, Any]:
        m = _ACCOUNT.search(str(slot_value or ""))
        if m is None:
            say(dispatcher, tracker, "msg.bill_unknown", account=str(slot_value or "")[:40])
            return {"account_no": None}
        return {"account_no": m.group(0).upper()}


class ActionPayBill(Action):
    """Shows what is owed on the account and a link / QR image to pay each open bill."""

    def name(self) -> str:
        return "action_pay_bill"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: DomainDict) -> list[EventType]:
        account = tracker.get_slot("account_no")
        if not account:
            return []
        lang = lang_of(tracker)
        c = portal.client(lang, input_channel(tracker))
        try:
            bills = await portal.call(c.bills_for_account, account)
        except PortalUnavailable:
            say(dispatcher, tracker, "msg.backend_down")
            return []
        except PortalProblem:
            say(dispatcher, tracker, "msg.bill_unknown", account=account)
            return [SlotSet("account_no", None), SlotSet("amount", None)]
        open_bills = [b for b in bills if b.outstanding_minor > 0]
        if not open_bills:
            say(dispatcher, tracker, "msg.bill_unknown" if not bills else "msg.bill_none",
                account=account)
            return [SlotSet("account_no", None), SlotSet("amount", None)]
        items = "\n".join(text(tracker, "msg.bill_item", name=f"{b.kind_label} {b.period}",
                               amount=b.outstanding_text) for b in open_bills)
        total = money(sum(b.outstanding_minor for b in open_bills), open_bills[0].currency, lang)
        say(dispatcher, tracker, "msg.bill_summary", account=account, items=items, total=total)
        try:
            await self._links(dispatcher, tracker, c, open_bills[:MAX_LINKS])
        except PortalUnavailable:
            say(dispatcher, tracker, "msg.backend_down")
        except PortalProblem as problem:
            say(dispatcher, tracker, "msg.pay_failed", error=problem.detail or problem.code)
        return [SlotSet("account_no", None), SlotSet("amount", None)]

    async def _links(self, dispatcher: CollectingDispatcher, tracker: Tracker, c: PortalClient,
                     bills: list[Bill]) -> None:
        # An amount the user named ("交100元电费") pays part of the first bill only.
        named = tracker.get_slot("amount")
        partial = field_values.number(str(named)) if named else None
        for i, bill in enumerate(bills):
            amount = partial if i == 0 and partial else None
            intent = await portal.call(
                c.create_payment, "bill", bill.number, "wechat_pay",
                payment_key(tracker.sender_id, bill, amount), amount=amount,
                currency=bill.currency)
            link = intent.pay_url or c.payment_qr_url(intent.id)
            dispatcher.utter_message(
                text=text(tracker, "msg.pay_link", url=link) + f" ({bill.kind_label} {intent.amount_text})",
                image=c.payment_qr_url(intent.id))
