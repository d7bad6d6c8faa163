"""Finding services, answering from the knowledge base, and tracking matters."""

from __future__ import annotations

import re
from typing import Any

import jieba
from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from chatbot.actions import catalog_view, portal
from chatbot.actions.service_form import SERVICE_ID, service_buttons
from chatbot.actions.texts import lang_of, local, say, text
from portal_client import PortalProblem, PortalUnavailable, Service, ServiceSummary

MAX_RESULTS = 5
_MATTER_NUMBER = re.compile(r"(?<!\d)\d{9}(?!\d)")
_QUERY_LIMIT = 100


def _terms(message: str) -> list[str]:
    """Search terms for a sentence: the sentence, then its longer Jieba words."""
    words = [w.strip() for w in jieba.cut_for_search(message) if len(w.strip()) >= 2]
    return [message, *dict.fromkeys(words)]


async def search_services(tracker: Tracker, message: str) -> list[ServiceSummary | Service]:
    """Services for a message: the ones NLU named first, then a search by its words."""
    lang = lang_of(tracker)
    c = portal.client(lang)
    named = list(tracker.get_latest_entity_values("service"))
    found: dict[str, ServiceSummary | Service] = {}
    for sid in (n for n in named if SERVICE_ID.match(n)):
        try:
            found.setdefault(sid, await portal.service(sid, lang))
        except PortalUnavailable:
            raise
        except PortalProblem:
            continue  # a retired id in an old model: fall back to searching
    if found:
        return list(found.values())[:MAX_RESULTS]
    for term in [*named, *_terms(message[:_QUERY_LIMIT])]:
        for svc in await portal.call(c.search, term, lang, catalog_view.FORM_CHANNEL, MAX_RESULTS):
            found.setdefault(svc.id, svc)
        if len(found) >= MAX_RESULTS or (found and term in (message, *named)):
            break
    return list(found.values())[:MAX_RESULTS]


class ActionFindService(Action):
    """Lists the services that match what the user asked for, with buttons to start one."""

    def name(self) -> str:
        return "action_find_service"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: DomainDict) -> list[EventType]:
        try:
            found = await search_services(tracker, tracker.latest_message.get("text") or "")
        except PortalProblem:
            say(dispatcher, tracker, "msg.backend_down")
            return []
        if not found:
            say(dispatcher, tracker, "msg.service_none")
            return []
        lines = [text(tracker, "msg.services_found")]
        lines += [text(tracker, "msg.service_item", index=i, title=local(tracker, s.title),
                       summary=local(tracker, s.summary)) for i, s in enumerate(found, 1)]
        dispatcher.utter_message(text="\n".join(lines), buttons=service_buttons(tracker, found))
        return []


class ActionAnswerQuestion(Action):
    """Answers from the shared knowledge base (content/faq via the core)."""

    def name(self) -> str:
        return "action_answer_question"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: DomainDict) -> list[EventType]:
        lang = lang_of(tracker)
        question = (tracker.latest_message.get("text") or "")[:200]
        c = portal.client(lang)
        try:
            hits = await portal.call(c.faq, question, lang)
            if not hits:
                for term in _terms(question)[1:]:
                    hits = await portal.call(c.faq, term, lang)
                    if hits:
                        break
        except PortalProblem:
            say(dispatcher, tracker, "msg.backend_down")
            return []
        if not hits:
            say(dispatcher, tracker, "msg.faq_none")
            return []
        dispatcher.utter_message(text=local(tracker, hits[0].get("answer")))
        return []


class ValidateTrackForm(FormValidationAction):
    """Accepts a 9-digit matter number found anywhere in the answer."""

    def name(self) -> str:
        return "validate_track_form"

    async def validate_matter_number(self, slot_value: Any, dispatcher: CollectingDispatcher,
                                     tracker: Tracker, domain: DomainDict) -> dict[str, Any]:
        m = _MATTER_NUMBER.search(str(slot_value or ""))
        if m is None:
            say(dispatcher, tracker, "msg.matter_invalid")
            return {"matter_number": None}
        return {"matter_number": m.group(0)}


class ActionTrackMatter(Action):
    """Tells the state and next step of a matter, in the user's language."""

    def name(self) -> str:
        return "action_track_matter"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: DomainDict) -> list[EventType]:
        number = tracker.get_slot("matter_number")
        if not number:
            return []
        lang = lang_of(tracker)
        try:
            matter = await portal.call(portal.client(lang).matter, number, lang)
        except PortalUnavailable:
            say(dispatcher, tracker, "msg.backend_down")
            return []
        except PortalProblem as problem:
            if problem.status in (404, 400, 422):
                say(dispatcher, tracker, "msg.matter_unknown", number=number)
                return [SlotSet("matter_number", None)]
            say(dispatcher, tracker, "msg.backend_down")
            return []
        status = text(tracker, "msg.matter_status", number=matter.number,
                      service=local(tracker, matter.service_title), status=matter.state_text)
        lines = [status, matter.next_step_text] if matter.next_step_text else [status]
        dispatcher.utter_message(text="\n".join(lines))
        return []
