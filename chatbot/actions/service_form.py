"""One dynamic form for every catalog service: fields and validation come from the core.

Slots: ``service_id`` (which service), ``form_fields`` (answers so far), ``form_value``
(the answer to the field being asked, moved into form_fields once the core accepts it),
``form_confirm`` (None until the user confirms; then submitted / discarded / aborted),
``form_ref`` (the client_ref that makes a retried submission land once).
"""

from __future__ import annotations

import re
import uuid
from typing import Any

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import ActiveLoop, EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from channel_render import chat
from chatbot.actions import catalog_view, field_values, portal
from chatbot.actions.texts import (
    chat_address,
    input_channel,
    lang_of,
    local,
    say,
    text,
)
from portal_client import PortalProblem, PortalUnavailable, Service

FINAL = ("submitted", "discarded", "aborted")
FORM_SLOTS = ("service_id", "service_candidates", "form_fields", "form_ref", "form_value",
              "form_confirm")
SERVICE_ID = re.compile(r"^[a-z]+\.[a-z0-9-]+$")
MAX_CANDIDATES = 5


def _intent(tracker: Tracker) -> str | None:
    return (tracker.latest_message.get("intent") or {}).get("name")


def _filled(tracker: Tracker) -> dict[str, Any]:
    return dict(tracker.get_slot("form_fields") or {})


async def _current_service(tracker: Tracker) -> Service | None:
    sid = tracker.get_slot("service_id")
    if not sid:
        return None
    return await portal.service(sid, lang_of(tracker))


def _named_in(text: str, found: list[Any]) -> str | None:
    """The one result, or the result whose title the user typed (longest title wins)."""
    if len(found) == 1:
        return found[0].id
    lowered = text.lower()
    titled = [(len(t), s.id) for s in found for t in s.title.values()
              if t and t.lower() in lowered]
    return max(titled)[1] if titled else None


def service_buttons(tracker: Tracker, items: list[Any]) -> list[dict[str, str]]:
    """One button per service that starts its form (the id travels as the service entity)."""
    return [{"title": text(tracker, "msg.service_start_button", title=local(tracker, s.title)),
             "payload": f'/start_request{{"service": "{s.id}"}}'} for s in items]


async def _resident_token(tracker: Tracker) -> str | None:
    """A resident session for a WeChat user whose OpenID is bound in the core."""
    if tracker.get_latest_input_channel() != "wechat":
        return None
    c = portal.client(lang_of(tracker), "wechat")
    try:
        session = await portal.call(c.sign_in_wechat, tracker.sender_id)
    except PortalUnavailable:
        raise
    except PortalProblem:
        return None
    return session.token


class ValidateServiceForm(FormValidationAction):
    """Chooses the service, asks its fields one by one, and submits on confirmation."""

    def name(self) -> str:
        return "validate_service_form"

    async def required_slots(self, domain_slots: list[str], dispatcher: CollectingDispatcher,
                             tracker: Tracker, domain: DomainDict) -> list[str]:
        """service_id, then form_value while fields remain, then form_confirm."""
        if tracker.get_slot("form_confirm") in FINAL:
            return []
        if not tracker.get_slot("service_id"):
            return ["service_id"]
        try:
            svc = await _current_service(tracker)
        except PortalProblem:
            return ["service_id", "form_value"]  # the ask action explains the outage
        if svc is not None and catalog_view.next_field(svc, _filled(tracker)) is not None:
            return ["service_id", "form_value"]
        return ["service_id", "form_confirm"]

    async def _resolve(self, value: str, dispatcher: CollectingDispatcher,
                       tracker: Tracker) -> tuple[Service | None, dict[str, Any]]:
        """The service the user means, or slots that keep asking (with a list to pick from)."""
        lang = lang_of(tracker)
        candidates = tracker.get_slot("service_candidates") or []
        choice = value.strip()
        if choice.isdigit() and 1 <= int(choice) <= len(candidates):
            return await portal.service(candidates[int(choice) - 1], lang), {}
        if SERVICE_ID.match(choice):
            try:
                return await portal.service(choice, lang), {}
            except PortalUnavailable:
                raise
            except PortalProblem:
                pass
        found = await portal.call(portal.client(lang).search, choice, lang,
                                  catalog_view.FORM_CHANNEL, MAX_CANDIDATES)
        named = _named_in(choice, found)
        if named is not None:
            return await portal.service(named, lang), {}
        if not found:
            say(dispatcher, tracker, "msg.service_none")
            return None, {"service_id": None}
        lines = [text(tracker, "msg.service_pick")]
        lines += [f"{i}. {local(tracker, s.title)}" for i, s in enumerate(found, 1)]
        dispatcher.utter_message(text="\n".join(lines), buttons=service_buttons(tracker, found))
        return None, {"service_id": None, "service_candidates": [s.id for s in found]}

    async def _refusal(self, svc: Service, tracker: Tracker) -> str | None:
        """Why this service cannot be done in chat for this user (the message), if so."""
        if catalog_view.FORM_CHANNEL not in svc.channels:
            return text(tracker, "msg.service_not_on_chat", title=local(tracker, svc.title))
        photo = catalog_view.required_photo(svc)
        if photo is not None:
            return chat.photo_refusal(svc, photo, lang_of(tracker))
        if svc.requires_identity and await _resident_token(tracker) is None:
            return chat.identity_refusal(svc, lang_of(tracker))
        return None

    async def validate_service_id(self, slot_value: Any, dispatcher: CollectingDispatcher,
                                  tracker: Tracker, domain: DomainDict) -> dict[str, Any]:
        """Resolve the service; start its form, or resume one already under way."""
        # A button payload (/start_request{"service": ...}) carries the id as an entity.
        entity = next(tracker.get_latest_entity_values("service"), None)
        value = str(entity or slot_value or "").strip()[:200]
        if not value:
            return {"service_id": None}
        try:
            svc, asking = await self._resolve(value, dispatcher, tracker)
            if svc is None:
                return asking
            refusal = await self._refusal(svc, tracker)
        except PortalProblem:
            say(dispatcher, tracker, "msg.backend_down")
            return {"service_id": None}
        title = local(tracker, svc.title)
        if refusal is not None:
            dispatcher.utter_message(text=refusal)
            return {"service_id": None, "form_confirm": "aborted"}
        ref = tracker.get_slot("form_ref") or ""
        if ref.startswith(f"{svc.id}:") and _filled(tracker):
            say(dispatcher, tracker, "msg.form_resume", title=title)
            return {"service_id": svc.id, "service_candidates": None}
        dispatcher.utter_message(text=chat.form_start(svc, lang_of(tracker)))
        return {"service_id": svc.id, "service_candidates": None, "form_fields": {},
                "form_ref": f"{svc.id}:{uuid.uuid4().hex}", "form_confirm": None}

    async def validate_form_value(self, slot_value: Any, dispatcher: CollectingDispatcher,
                                  tracker: Tracker, domain: DomainDict) -> dict[str, Any]:
        """Read the answer for the field being asked and let the core validate it."""
        lang = lang_of(tracker)
        filled = _filled(tracker)
        try:
            svc = await _current_service(tracker)
        except PortalProblem:
            say(dispatcher, tracker, "msg.backend_down")
            return {"form_value": None}
        field = catalog_view.next_field(svc, filled) if svc else None
        if svc is None or field is None:
            return {"form_value": None}
        answer = str(slot_value or "")[:2000]
        label = local(tracker, field.label)
        if not field.required and field.type != "yesno" and field_values.is_skip(answer, lang):
            return {"form_fields": {**filled, field.key: None}, "form_value": None}
        try:
            value = field_values.parse(field.type, answer, lang, catalog_view.options(field),
                                       _intent(tracker))
        except field_values.NotUnderstood as exc:
            say(dispatcher, tracker, "msg.field_invalid", label=label, error=text(tracker, exc.args[0]))
            return {"form_value": None}
        trial = {**catalog_view.submitted_values(filled), field.key: value}
        try:
            errors = await portal.call(portal.client(lang).validate, svc.id, trial, True, lang)
        except PortalProblem:
            say(dispatcher, tracker, "msg.backend_down")
            return {"form_value": None}
        if errors.get(field.key):
            say(dispatcher, tracker, "msg.field_invalid", label=label, error=errors[field.key])
            return {"form_value": None}
        return {"form_fields": {**filled, field.key: value}, "form_value": None}

    async def validate_form_confirm(self, slot_value: Any, dispatcher: CollectingDispatcher,
                                    tracker: Tracker, domain: DomainDict) -> dict[str, Any]:
        """Yes submits (idempotently, by form_ref), no discards, anything else asks again."""
        answer = field_values.yes_no(str(slot_value or ""), lang_of(tracker), _intent(tracker))
        if answer is None:
            say(dispatcher, tracker, "msg.form_confirm_retry")
            return {"form_confirm": None}
        if not answer:
            say(dispatcher, tracker, "msg.form_discarded")
            return {"form_confirm": "discarded"}
        return await self._submit(dispatcher, tracker)

    async def _submit(self, dispatcher: CollectingDispatcher,
                      tracker: Tracker) -> dict[str, Any]:
        lang = lang_of(tracker)
        filled = _filled(tracker)
        channel = input_channel(tracker)
        try:
            svc = await _current_service(tracker)
            if svc is None:
                return {"form_confirm": "aborted"}
            c = portal.client(lang, channel)
            token = await _resident_token(tracker) if svc.requires_identity else None
            c.token = token
            matter = await portal.call(
                c.submit_matter, svc.id, catalog_view.submitted_values(filled), channel,
                lang=lang, client_ref=tracker.get_slot("form_ref"), notify_via="chat",
                notify_address=chat_address(tracker))
        except PortalUnavailable:
            say(dispatcher, tracker, "msg.form_submit_failed", error=text(tracker, "msg.backend_down"))
            return {"form_confirm": None}
        except PortalProblem as problem:
            return self._rejected(problem, svc, filled, dispatcher, tracker)
        say(dispatcher, tracker, "msg.form_submitted", number=matter.number)
        return {"form_confirm": "submitted", "matter_number": matter.number}

    def _rejected(self, problem: PortalProblem, svc: Service | None, filled: dict[str, Any],
                  dispatcher: CollectingDispatcher, tracker: Tracker) -> dict[str, Any]:
        """A 4xx from the core: fields it rejects are asked again; other problems abort."""
        if problem.status == 401 and svc is not None:
            say(dispatcher, tracker, "msg.identity_required", title=local(tracker, svc.title))
            return {"form_confirm": "aborted"}
        field_errors = {k: v for k, v in problem.field_errors.items() if k in filled}
        if not field_errors or svc is None:
            say(dispatcher, tracker, "msg.form_submit_failed", error=problem.detail or problem.code)
            return {"form_confirm": None}
        labels = {f.key: local(tracker, f.label) for f in svc.fields}
        for key, message in field_errors.items():
            say(dispatcher, tracker, "msg.field_invalid", label=labels.get(key, key), error=message)
        kept = {k: v for k, v in filled.items() if k not in field_errors}
        return {"form_fields": kept, "form_confirm": None}


class ActionAskFormValue(Action):
    """Asks for the next field of the chosen service, with its options."""

    def name(self) -> str:
        return "action_ask_form_value"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: DomainDict) -> list[EventType]:
        try:
            svc = await _current_service(tracker)
        except PortalProblem:
            say(dispatcher, tracker, "msg.backend_down")
            return []
        field = catalog_view.next_field(svc, _filled(tracker)) if svc else None
        if field is None:
            return []
        dispatcher.utter_message(**chat.field_prompt(field, lang_of(tracker)).as_message())
        return []


class ActionAskFormConfirm(Action):
    """Shows every answer and asks for confirmation before submitting."""

    def name(self) -> str:
        return "action_ask_form_confirm"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: DomainDict) -> list[EventType]:
        try:
            svc = await _current_service(tracker)
        except PortalProblem:
            say(dispatcher, tracker, "msg.backend_down")
            return []
        if svc is None:
            return []
        prompt = chat.confirm_prompt(svc, _filled(tracker), lang_of(tracker))
        dispatcher.utter_message(**prompt.as_message())
        return []


def cleared_form_slots() -> list[EventType]:
    """Events that forget the service form (after submit, discard, abort or cancel)."""
    return [SlotSet(slot, None) for slot in FORM_SLOTS]


class ActionResetForm(Action):
    """Forgets a finished service form (its outcome was already told to the user)."""

    def name(self) -> str:
        return "action_reset_form"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: DomainDict) -> list[EventType]:
        return cleared_form_slots()


class ActionCancelForm(Action):
    """Stops whichever form is active and forgets its answers."""

    def name(self) -> str:
        return "action_cancel_form"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: DomainDict) -> list[EventType]:
        say(dispatcher, tracker, "utter.cancelled")
        return [ActiveLoop(None), SlotSet("requested_slot", None), *cleared_form_slots(),
                SlotSet("matter_number", None), SlotSet("account_no", None)]
