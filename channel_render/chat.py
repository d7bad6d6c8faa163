"""A service's form as a chat: one message per field, options as buttons (quick replies).
The chatbot's form actions send these (chatbot.po texts); text-only media such as WeChat
turn the buttons into lines."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from portal_client.i18n import gettext, pick
from portal_client.types import Field, Service

DOMAIN = "chatbot"


@dataclass(frozen=True)
class Button:
    title: str
    payload: str


@dataclass(frozen=True)
class ChatPrompt:
    """One bot message: its text and the buttons under it."""

    text: str
    buttons: tuple[Button, ...] = field(default_factory=tuple)

    def as_message(self) -> dict:
        """The message as Rasa's dispatcher takes it (`utter_message(**message)`)."""
        return {"text": self.text,
                "buttons": [{"title": b.title, "payload": b.payload} for b in self.buttons]}


def _t(key: str, lang: str, **params: object) -> str:
    return gettext(DOMAIN, key, lang, **params)


def askable_fields(service: Service) -> tuple[Field, ...]:
    """Fields the chat can collect: every field but optional photos (chat takes no photos)."""
    return tuple(f for f in service.fields if not (f.type == "photo" and not f.required))


def required_photo(service: Service) -> Field | None:
    """A required photo field, which the chat cannot collect (the form is refused)."""
    return next((f for f in service.fields if f.type == "photo" and f.required), None)


def form_start(service: Service, lang: str) -> str:
    """The message that opens a service's form."""
    return _t("msg.form_start", lang, title=pick(service.title, lang),
              count=len(askable_fields(service)))


def photo_refusal(service: Service, photo: Field, lang: str) -> str:
    """Why a service with a required photo is not done in chat."""
    return _t("msg.field_photo_unsupported", lang, title=pick(service.title, lang),
              label=pick(photo.label, lang))


def identity_refusal(service: Service, lang: str) -> str:
    """Why a service that needs identity is not done for a chatter the core does not know
    (web chat; a WeChat user whose OpenID is bound goes on to the form)."""
    return _t("msg.identity_required", lang, title=pick(service.title, lang))


def _yes_no_buttons(lang: str) -> tuple[Button, ...]:
    return tuple(Button(_t(k, lang), _t(k, lang)) for k in ("msg.yes", "msg.no"))


def field_prompt(f: Field, lang: str) -> ChatPrompt:
    """The question for one field: its label (optional or not), help, and options."""
    key = "msg.field_prompt" if f.required else "msg.field_prompt_optional"
    lines = [_t(key, lang, label=pick(f.label, lang))]
    if f.help:
        lines.append(pick(f.help, lang))
    buttons: tuple[Button, ...] = ()
    if f.type in ("choice", "multichoice"):
        names = [pick(c.label, lang) for c in f.choices]
        numbered = "  ".join(f"{i}. {n}" for i, n in enumerate(names, 1))
        lines.append(_t("msg.field_choices", lang, choices=numbered))
        buttons = tuple(Button(n, n) for n in names)
    elif f.type == "yesno":
        lines.append(_t("msg.field_yesno", lang))
        buttons = _yes_no_buttons(lang)
    return ChatPrompt("\n".join(lines), buttons)


def shown_value(f: Field, value: object, lang: str) -> str:
    """An answer as the summary shows it (choice labels, yes/no words)."""
    if value is None or value == [] or value == "":
        return _t("msg.empty", lang)
    if f.type == "yesno":
        return _t("msg.yes" if value else "msg.no", lang)
    if f.type in ("choice", "multichoice"):
        labels = {c.value: pick(c.label, lang) for c in f.choices}
        values = value if isinstance(value, list) else [value]
        return _t("msg.list_separator", lang).join(labels.get(v, str(v)) for v in values)
    return str(value)


def confirm_prompt(service: Service, filled: Mapping[str, object], lang: str) -> ChatPrompt:
    """Every answer, then yes to submit or no to discard."""
    lines = [_t("msg.form_summary_line", lang, label=pick(f.label, lang),
                value=shown_value(f, filled.get(f.key), lang))
             for f in askable_fields(service)]
    return ChatPrompt(_t("msg.form_confirm", lang, summary="\n".join(lines)),
                      _yes_no_buttons(lang))
