"""How a service (saved or still being edited) comes across on each channel, for the editor.

Nothing here decides how a channel presents a field: the hotline's prompts, the chatbot's
messages, the TV's remote plan and the kiosk's editor kinds come from `channel_render`, the
module the channels themselves present services with, in their own words (hotline.po,
chatbot.po, tv.po). This only turns the editor's form into the catalog's typed Service and
lays the results out for the preview tabs.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from channel_render import chat, phone, remote_plan, touch
from portal_client.i18n import gettext, pick
from portal_client.types import Choice, Field, Service

CHANNELS = ("kiosk", "tv", "hotline", "chatbot")
MAX_TV_OPTIONS = 6  # options listed per TV step in the preview (a screen pages the rest)


@dataclass(frozen=True)
class Line:
    speaker: str  # system | caller | bot | user
    text: str
    chips: tuple[str, ...] = field(default_factory=tuple)
    fallback: bool = False  # the medium cannot collect the field and offers this instead


@dataclass(frozen=True)
class ScreenField:
    """One field of the kiosk's form: its label and the kind of touch editor it gets."""

    label: str
    required: bool
    kind: str
    options: tuple[str, ...] = ()


@dataclass(frozen=True)
class RemoteStep:
    """One screen of the TV's order flow."""

    label: str
    kind: str
    optional: bool
    options: tuple[str, ...] = ()
    more: bool = False  # more options than the preview lists


@dataclass(frozen=True)
class RemotePreview:
    steps: tuple[RemoteStep, ...]
    household: tuple[str, ...]  # labels filled in from the household's address
    callback: tuple[str, ...]  # required labels a remote cannot give: a call-back instead


def _texts(value: Any) -> dict:
    return value if isinstance(value, dict) else {}


def _field(d: dict) -> Field:
    choices = tuple(Choice(str(c.get("value", "")), _texts(c.get("label")), c.get("price"))
                    for c in d.get("choices") or () if isinstance(c, dict))
    return Field(key=str(d.get("key") or ""), type=str(d.get("type") or "text"),
                 required=bool(d.get("required")), label=_texts(d.get("label")),
                 help=_texts(d.get("help")) or None, choices=choices, min=d.get("min"),
                 max=d.get("max"), pattern=d.get("pattern") or None,
                 hints=_texts(d.get("hints")))


def service_of(body: dict) -> Service:
    """The editor's body (possibly incomplete or invalid) as the catalog's typed Service."""
    return Service(
        id=str(body.get("id") or ""), family=str(body.get("family") or ""),
        theme=body.get("theme"), title=_texts(body.get("title")),
        summary=_texts(body.get("summary")), keywords=_texts(body.get("keywords")),
        workflow=str(body.get("workflow") or ""), handler=str(body.get("handler") or ""),
        sla=_texts(body.get("sla")),
        fee={k: v for k, v in _texts(body.get("fee")).items() if v is not None},
        requires_identity=bool(body.get("requires_identity")),
        channels=tuple(body.get("channels") or ()),
        fields=tuple(_field(f) for f in body.get("fields") or () if isinstance(f, dict)))


def hotline_script(svc: dict, lang: str) -> list[Line]:
    """What a caller with caller ID hears: the service, each field's question (first page of
    options), the photo link in place of a photo, and the read-back's keys."""
    service = service_of(svc)
    lines = [Line("system", text) for text in phone.service_intro(service, lang)]
    for f in phone.asked_fields(service):
        if phone.can_ask(f):
            lines += [Line("system", text)
                      for text in phone.field_prompt(f, lang, caller_phone=True)]
        else:
            lines += [Line("system", text, fallback=True)
                      for text in phone.photo_prompt(f, lang, textable=True)]
    if service.fields and service.workflow != "info":
        lines += [Line("system", text) for text in phone.review_prompt(service, lang)]
    return lines


def chat_script(svc: dict, lang: str) -> list[Line]:
    """The chatbot's conversation: the service asked for, then one message per field with
    its buttons (or why the chat cannot take it: a required photo; identity, which only a
    bound WeChat user has)."""
    service = service_of(svc)
    lines = [Line("user", pick(service.title, lang))]
    photo = chat.required_photo(service)
    if photo is not None:
        return [*lines, Line("bot", chat.photo_refusal(service, photo, lang), fallback=True)]
    if service.requires_identity:
        lines.append(Line("bot", chat.identity_refusal(service, lang), fallback=True))
    lines.append(Line("bot", chat.form_start(service, lang)))
    for f in chat.askable_fields(service):
        prompt = chat.field_prompt(f, lang)
        lines.append(Line("bot", prompt.text, tuple(b.title for b in prompt.buttons)))
    return lines


def kiosk_form(svc: dict, lang: str) -> list[ScreenField]:
    """The kiosk's form: the fields it shows and the touch editor kind of each."""
    service = service_of(svc)
    return [ScreenField(pick(f.label, lang) or f.key, f.required, touch.editor_kind(f),
                        tuple(pick(c.label, lang) for c in f.choices))
            for f in touch.shown_fields(service.fields, "kiosk")]


def tv_plan(svc: dict, lang: str, household: str = "…") -> RemotePreview:
    """The TV's plan for a household with an address: its steps with their options as the
    TV words them, the fields the household fills, and what makes it offer a call-back."""
    service = service_of(svc)
    plan = remote_plan.plan_for(service, household)

    def tv_text(key: str, **params: object) -> str:
        return gettext("tv", key, lang, **params)

    steps = []
    for step in plan.steps:
        options = [remote_plan.option_text(step, o, tv_text, lang, lambda t: pick(t, lang))
                   for o in step.options[:MAX_TV_OPTIONS]]
        steps.append(RemoteStep(pick(step.field.label, lang) or step.key,
                                step.part or step.kind, step.optional, tuple(options),
                                len(step.options) > MAX_TV_OPTIONS))
    labels = {f.key: pick(f.label, lang) or f.key for f in service.fields}
    return RemotePreview(tuple(steps), tuple(labels[k] for k in plan.fixed),
                         tuple(labels[f.key] for f in plan.blockers))


def channel_notes(svc: dict) -> dict[str, bool]:
    """Whether each channel offers the service at all."""
    offered = set(svc.get("channels") or CHANNELS)
    return {ch: ch in offered for ch in CHANNELS}
