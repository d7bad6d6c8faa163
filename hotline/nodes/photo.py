"""A photo cannot travel over a call: the caller gets a link by SMS to add it.

The link is an upload session of the core (the page kiosks show as a QR): it works once and
expires, and the photo goes into the core's uploads. The session tells in advance the upload
reference the photo will have, so the matter filed at the end of the call holds it (staff
see the image once the caller has sent it), and the link is texted after submission.
"""

from __future__ import annotations

import logging

from channel_render import phone
from hotline.call import BaseNode, Call
from hotline.nodes import caller
from hotline.nodes.form import FieldNode, current_field, next_field
from hotline.reply import Ask, Reply
from hotline.spoken import Said, yes_no
from portal_client import PortalProblem

log = logging.getLogger(__name__)


def new_link(call: Call) -> dict:
    """A fresh upload link from the core: {url, upload} (the field takes `upload`)."""
    session = call.client.start_photo_upload(ttl_s=call.hotline.config.photo_link_ttl_s,
                                             texted=True)
    sep = "&" if "?" in session["url"] else "?"
    return {"url": f"{session['url']}{sep}lang={call.lang}", "upload": session["upload"]}


def send_links(call: Call, number: str) -> None:
    """Text the caller each upload link of a submitted matter (through the core's outbox)."""
    form = call.state.form
    if form is None or not caller.can_text(caller.phone_of(call.state.caller)):
        return
    svc = call.catalog.services[form.service_id]
    for f in svc.fields:
        url = form.links.get(f.key)
        if f.type != "photo" or not url:
            continue
        text = call.t("sms.photo_link", number=number, label=call.pick(f.label), url=url,
                      hours=call.hotline.config.photo_link_ttl_s // 3600)
        try:
            call.client.send_matter_notice(number, text, f"photo:{f.key}")
        except PortalProblem as exc:
            log.warning("photo link for %s not sent: %s", number, exc)


class PhotoNode(BaseNode):
    """Explain the SMS link; 1 (or yes) goes on (2, or no, leaves out an optional photo)."""

    def _field(self, call: Call):
        return current_field(call)

    def prompt(self, call: Call) -> Reply:
        f = self._field(call)
        textable = caller.can_text(caller.phone_of(call.state.caller))
        return call.reply(*phone.photo_prompt(f, call.lang, textable=textable), ask=Ask(hints=call.hints("words.yes", "words.photo",
                                                           "words.no", "words.skip")))

    def answer(self, call: Call, said: Said) -> Reply:
        f = self._field(call)
        form = call.state.form
        assert form is not None
        wanted = yes_no(said, call.words("words.yes") + call.words("words.photo"),
                        call.words("words.no") + call.words("words.skip"))
        if wanted:
            try:
                link = new_link(call)
            except PortalProblem as exc:
                log.warning("no photo link for %s: %s", call.state.sid, exc)
                return call.go("agent", call.t("error.unavailable"), push=False)
            form.answers[f.key] = link["upload"]
            form.links[f.key] = link["url"]
        elif wanted is False and not f.required:
            pass
        else:
            return call.retry("input.no_option")
        form.index += 1
        return next_field(call)

    def back(self, call: Call) -> Reply:
        return FieldNode().back(call)
