"""Any service's form by phone: field by field, read back, confirmed, submitted once."""

from __future__ import annotations

import uuid
from dataclasses import replace

from channel_render import phone
from hotline import fields as kinds
from hotline.call import BaseNode, Call
from hotline.nodes import caller, identity, prefill
from hotline.reply import Ask, Reply
from hotline.spoken import Said, said_briefly, yes_no
from hotline.state import Form
from portal_client import PortalUnavailable
from portal_client.types import Field, Service


def start_form(call: Call, service_id: str, *, quick: bool = False) -> Reply:
    """Begin a service's form (after a one-time-code check when it needs identity)."""
    svc = call.catalog.services[service_id]
    call.state.family = svc.family
    if identity.needs_sign_in(call, svc.requires_identity) and not identity.card_of(call):
        return call.go("verify", then=service_id, quick=quick)
    form = Form(service_id=service_id, ref=f"hl:{call.state.sid}:{uuid.uuid4().hex[:10]}",
                quick=quick)
    call.state.form = form
    if quick:
        form.answers.update(prefill.answers(call.state, svc))
    return next_field(call)


def service_of(call: Call) -> Service:
    assert call.state.form is not None
    return call.catalog.services[call.state.form.service_id]


def current_field(call: Call) -> Field:
    form = call.state.form
    assert form is not None
    return service_of(call).fields[form.index]


def next_field(call: Call, *lead: str) -> Reply:
    """Ask the next field still unanswered, or read everything back."""
    form = call.state.form
    assert form is not None
    fields = service_of(call).fields
    while form.index < len(fields):
        f = fields[form.index]
        if f.key in form.answers or (not f.required and (form.quick or kinds.hidden(f))):
            form.index += 1
            continue
        if not kinds.can_ask(f):
            return call.go("photo", *lead, push=False)
        return call.go("field", *lead, push=False, page=0)
    return call.go("review", *lead, push=False)


def accept(call: Call, f: Field, value: object) -> Reply:
    """Check one answer with the core; keep it and move on, or say what is wrong."""
    form = call.state.form
    assert form is not None
    try:
        errors = call.client.validate(form.service_id, {f.key: value}, partial=True,
                                      lang=call.lang)
    except PortalUnavailable:
        return call.go("agent", call.t("error.unavailable"))
    if errors.get(f.key):
        call.state.node, call.state.args = "field", {"page": 0}
        return call.retry(text=errors[f.key])
    form.answers[f.key] = value
    form.pending = None
    form.index += 1
    return next_field(call, call.t("field.ok"))


class FieldNode(BaseNode):
    """One field's question, shaped by its type."""

    def prompt(self, call: Call) -> Reply:
        f = current_field(call)
        lines = phone.field_prompt(f, call.lang, page_number=int(call.state.args.get("page", 0)),
                                   caller_phone=bool(caller.phone_of(call.state.caller)),
                                   home_address=bool(prefill.home_address(call.state)))
        hints = call.catalog.hints(call.lang, [service_of(call).id])
        ask = kinds.ask_for(f, call.lang, hints)
        if self._default(call, f):  # "yes" takes the caller's number or home address
            ask = replace(ask, hints=call.hints("words.yes") + ask.hints)
        return call.reply(*lines, ask=ask)

    def _default(self, call: Call, f: Field) -> str | None:
        """What '1' (or a bare 'yes') answers: the caller's number, their home address."""
        if f.type == "phone":
            return caller.phone_of(call.state.caller)
        if f.type == "address":
            return prefill.home_address(call.state)
        return None

    def _page(self, call: Call, f: Field) -> tuple[list[int], bool]:
        return phone.choice_page(f, int(call.state.args.get("page", 0)))

    def empty_ok(self, call: Call) -> bool:
        return not current_field(call).required

    def back(self, call: Call) -> Reply:
        form = call.state.form
        assert form is not None
        fields = service_of(call).fields
        while form.index > 0:
            form.index -= 1
            f = fields[form.index]
            if kinds.can_ask(f) and (f.required or not (form.quick or kinds.hidden(f))):
                form.answers.pop(f.key, None)
                return call.go("field", push=False, page=0)
        return call.go("service", push=False, id=form.service_id)

    def answer(self, call: Call, said: Said) -> Reply:
        f = current_field(call)
        form = call.state.form
        assert form is not None
        if said.empty:  # an optional field left out
            form.index += 1
            return next_field(call)
        default = self._default(call, f)
        if default and (said.digits == "1" or (not said.digits and said_briefly(
                said.speech, call.words("words.yes"), slack=4))):
            return accept(call, f, default)
        shown, more = self._page(call, f)
        parsed = kinds.parse(f, said, call.lang, choices_on_page=shown, more=more,
                             yes_words=call.words("words.yes"), no_words=call.words("words.no"))
        if parsed.more:
            return call.go("field", push=False, page=int(call.state.args.get("page", 0)) + 1)
        if not parsed.ok:
            return call.retry(parsed.error_key)
        if parsed.use_caller:
            return accept(call, f, default) if default else call.retry("input.bad_digits")
        if f.type in kinds.SPEECH_TYPES and not kinds.keyed(f):
            form.pending = parsed.value
            return call.go("confirm", push=False)
        return accept(call, f, parsed.value)


class Confirm(BaseNode):
    """A spoken answer read back: 1 keeps it, 2 says it again."""

    def prompt(self, call: Call) -> Reply:
        form = call.state.form
        assert form is not None
        return call.reply(call.t("confirm.heard", text=str(form.pending)),
                          call.t("confirm.keys"), ask=Ask(hints=call.hints("words.yes",
                                                                            "words.no")))

    def back(self, call: Call) -> Reply:
        return call.go("field", push=False, page=0)

    def answer(self, call: Call, said: Said) -> Reply:
        form = call.state.form
        assert form is not None
        ok = yes_no(said, call.words("words.yes"), call.words("words.no"))
        if ok is None:
            return call.retry("input.no_option")
        if not ok:
            return call.go("field", call.t("confirm.again"), push=False, page=0)
        return accept(call, current_field(call), form.pending)
