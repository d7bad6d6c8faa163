"""Handing the conversation to staff, and relaying their replies back.

The handoff opens a matter for staff with the transcript (service CHATBOT_HANDOFF_SERVICE,
default gov.policy-enquiry) whose notices go to ``chat:<channel>:<sender>``; then the bot
pauses. chatbot/channels/staff_relay.py delivers the staff replies on the user's channel and
resumes the bot when staff close the matter.
"""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ConversationPaused, EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from chatbot.actions import portal
from chatbot.actions.catalog_view import handoff_service_id
from chatbot.actions.texts import chat_address, input_channel, lang_of, say, text
from portal_client import PortalProblem, Service

TRANSCRIPT_EVENTS = 40
TRANSCRIPT_CHARS = 1900
TEXT_TYPES = ("text", "longtext", "address")


def transcript(tracker: Tracker) -> str:
    """The recent conversation, oldest first, trimmed to fit one text field."""
    lines = []
    for event in tracker.events[-TRANSCRIPT_EVENTS:]:
        said = (event.get("text") or "").strip()
        if not said or said.startswith("/"):
            continue
        who = "transcript.user" if event.get("event") == "user" else "transcript.bot"
        if event.get("event") in ("user", "bot"):
            lines.append(f"{text(tracker, who)}: {said}")
    return "\n".join(lines)[-TRANSCRIPT_CHARS:]


def last_user_text(tracker: Tracker) -> str:
    """What the user said before asking for a person (the question staff should answer)."""
    texts = [e.get("text") for e in tracker.events if e.get("event") == "user" and e.get("text")]
    earlier = [t for t in texts[:-1] if not t.startswith("/")]
    return (earlier[-1] if earlier else (texts[-1] if texts else "")).strip()[:500]


def handoff_fields(service: Service, tracker: Tracker) -> dict[str, Any]:
    """The handoff matter's fields: transcript in long texts, the question in required texts."""
    fields: dict[str, Any] = {}
    talk = transcript(tracker) or last_user_text(tracker) or "-"
    question = last_user_text(tracker) or talk[:200]
    for f in service.fields:
        if f.type == "longtext":
            fields[f.key] = talk
        elif f.type in TEXT_TYPES and f.required:
            fields[f.key] = question
        elif f.type == "choice" and f.required and f.choices:
            values = [c.value for c in f.choices]
            fields[f.key] = "other" if "other" in values else values[-1]
    return fields


class ActionHandoff(Action):
    """Opens a matter for staff with the transcript and pauses the bot."""

    def name(self) -> str:
        return "action_handoff"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: DomainDict) -> list[EventType]:
        lang = lang_of(tracker)
        channel = input_channel(tracker)
        try:
            svc = await portal.service(handoff_service_id(), lang)
            c = portal.client(lang, channel)
            matter = await portal.call(
                c.submit_matter, svc.id, handoff_fields(svc, tracker), channel, lang=lang,
                client_ref=f"handoff:{tracker.sender_id}:{len(tracker.events)}"[:80],
                notify_via="chat", notify_address=chat_address(tracker))
        except PortalProblem:
            say(dispatcher, tracker, "msg.handoff_failed")
            return []
        say(dispatcher, tracker, "msg.handoff_done", number=matter.number)
        # A form under way was deactivated by the rule; its answers stay in their slots,
        # so it can be resumed after the handoff.
        return [SlotSet("handoff_matter", matter.number), ConversationPaused()]
