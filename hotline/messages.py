"""Voicemails and call-back requests become matters in the department of the caller's topic.

The target is a catalog "message service": a service whose fields carry the hint
``hints: {hotline: {fill: message|recording|callback|kind}}``. The one in the family the
caller last visited wins (property → property office, gov → street office...), so the right
department gets it without any routing code here.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from hotline.menus import message_fields
from hotline.nodes import prefill
from hotline.nodes.caller import phone_of, sms_address
from hotline.state import CallState
from portal_client import PortalClient, PortalProblem
from portal_client.i18n import gettext, pick
from portal_client.types import Matter, Service

if TYPE_CHECKING:
    from hotline.call import Call
    from hotline.service import Hotline

log = logging.getLogger(__name__)


def leave(hotline: Hotline, client: PortalClient, state: CallState, *, kind: str, text: str,
          ref: str, recording: str | None = None, family: str | None = None) -> Matter | None:
    """File a message matter (idempotent by `ref`); None when it cannot be filed."""
    for svc in hotline.catalog.get().message_services(family or state.family,
                                                      hotline.config.message_service):
        fields = message_answers(svc, state, kind, text, recording)
        if fields is not None:
            break
    else:
        log.error("no message service in the catalog can take a %s from %s", kind, state.sid)
        return None
    phone = phone_of(state.caller)
    sms = sms_address(state.caller)
    name = (state.resident or {}).get("name")
    contact = {k: v for k, v in (("phone", phone), ("name", name)) if v}
    try:
        return client.submit_matter(svc.id, fields, "hotline", contact=contact or None,
                                    lang=state.lang, client_ref=ref[:80],
                                    notify_via="sms" if sms else None, notify_address=sms)
    except PortalProblem as exc:
        log.error("message matter %s refused: %s %s", ref, exc, exc.errors)
        return None


def message_answers(svc: Service, state: CallState, kind: str, text: str,
                    recording: str | None) -> dict | None:
    """A message service's fields for this message, or None if a required one stays empty.

    The recording's link goes in a `recording` field, else at the end of the message."""
    roles = message_fields(svc)
    fields = prefill.answers(state, svc)
    if recording and "recording" not in roles:
        text = f"{text}\n{recording}"
    fields[roles["message"]] = text[:2000]
    if recording and "recording" in roles:
        fields[roles["recording"]] = recording
    phone = phone_of(state.caller)
    if phone and "callback" in roles:
        fields[roles["callback"]] = phone
    kind_field = next((f for f in svc.fields if f.key == roles.get("kind")), None)
    if kind_field is not None and any(c.value == kind for c in kind_field.choices):
        fields[kind_field.key] = kind
    if any(f.required and f.key not in fields for f in svc.fields):
        return None
    return fields


def file_voicemail(hotline: Hotline, client: PortalClient, state: CallState, recording: dict,
                   transcript: str | None) -> Matter | None:
    """The voicemail as a matter: the transcript (or a note of its length) and the recording."""
    text = transcript or gettext("hotline", "message.untranscribed", state.lang,
                                 seconds=recording.get("seconds", 0))
    ref = f"hl:vm:{recording.get('sid') or state.sid}"
    return leave(hotline, client, state, kind="voicemail", text=text, ref=ref,
                 recording=recording.get("url"), family=recording.get("family"))


def callback_text(call: Call) -> str:
    """What staff read on a call-back matter: where in the menus the caller was."""
    form = call.state.form
    topic = ""
    if form is not None and form.service_id in call.catalog.services:
        topic = pick(call.catalog.services[form.service_id].title, call.lang)
    return call.t("message.callback", topic=topic or call.t("message.no_topic"))


def hang_up_report(hotline: Hotline, client: PortalClient, state: CallState) -> Matter | None:
    """A report abandoned mid-form: a call-back matter with the answers given so far."""
    form = state.form
    if form is None or form.submitted or not form.answers:
        return None
    svc = hotline.catalog.get().services.get(form.service_id)
    if svc is None or svc.workflow != "report":
        return None
    labels = {f.key: pick(f.label, state.lang) for f in svc.fields}
    given = "; ".join(f"{labels.get(k, k)}: {v}" for k, v in form.answers.items())
    text = gettext("hotline", "message.hung_up", state.lang, topic=pick(svc.title, state.lang),
                   answers=given)
    return leave(hotline, client, state, kind="callback", text=text, ref=f"hl:hup:{state.sid}",
                 family=svc.family)
