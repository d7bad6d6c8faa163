"""A photo cannot travel over a call: the caller gets a link by SMS to add it."""

from __future__ import annotations

import logging
import secrets

from hotline.call import BaseNode, Call
from hotline.nodes import caller
from hotline.nodes.form import FieldNode, current_field, next_field
from hotline.reply import Ask, Reply
from hotline.spoken import Said
from portal_client import PortalProblem

log = logging.getLogger(__name__)
PATH = "/hotline/photo/"


def new_link(call: Call) -> str:
    """A fresh upload link; the matter keeps it as the field's value."""
    token = secrets.token_urlsafe(18)
    call.hotline.photos.expect(token)
    return call.hotline.public_base() + PATH + token


def send_links(call: Call, number: str) -> None:
    """Text the caller each upload link of a submitted matter (through the core's outbox)."""
    form = call.state.form
    if form is None or not caller.can_text(caller.phone_of(call.state.caller)):
        return
    svc = call.catalog.services[form.service_id]
    for f in svc.fields:
        link = form.answers.get(f.key)
        if f.type != "photo" or not isinstance(link, str):
            continue
        text = call.t("sms.photo_link", number=number, label=call.pick(f.label), url=link)
        try:
            call.client.post(f"/api/v1/matters/{number}/notices",
                             {"text": text, "dedupe": f"photo:{f.key}"})
        except PortalProblem as exc:
            log.warning("photo link for %s not sent: %s", number, exc)


class PhotoNode(BaseNode):
    """Explain the SMS link; 1 goes on (2 leaves out an optional photo)."""

    def _field(self, call: Call):
        return current_field(call)

    def prompt(self, call: Call) -> Reply:
        f = self._field(call)
        label = call.pick(f.label)
        textable = caller.can_text(caller.phone_of(call.state.caller))
        lines = [call.t("photo.sms" if textable else "photo.no_sms", label=label),
                 call.t("photo.keys" if f.required else "photo.keys_optional")]
        return call.reply(*lines, ask=Ask(speech=False))

    def answer(self, call: Call, said: Said) -> Reply:
        f = self._field(call)
        form = call.state.form
        assert form is not None
        if said.digits == "1":
            form.answers[f.key] = new_link(call)
        elif said.digits == "2" and not f.required:
            pass
        else:
            return call.retry("input.no_option")
        form.index += 1
        return next_field(call)

    def back(self, call: Call) -> Reply:
        return FieldNode().back(call)
