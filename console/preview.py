"""How a service (saved or still being edited) comes across on each channel, for the editor.

The kiosk and TV previews are drawn by templates; the hotline and chat ones are scripts of
what the caller hears and the chatter reads, one prompt per field, with the same fallbacks
the channels offer for fields their medium cannot collect.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from portal_client.i18n import Translator, pick

# Field types a medium cannot collect directly, and what the channel does instead.
UNSUPPORTED = {"hotline": {"photo"}, "tv": {"photo"}, "chatbot": set(), "kiosk": set()}


@dataclass(frozen=True)
class Line:
    speaker: str  # system | caller | bot | user
    text: str
    chips: tuple[str, ...] = field(default_factory=tuple)
    fallback: bool = False


def shown_on(f: dict, channel: str) -> bool:
    """Whether a field is asked on a channel (content may hide it there with a hint)."""
    return not ((f.get("hints") or {}).get(channel) or {}).get("hidden")


def _label(f: dict, lang: str) -> str:
    return pick(f.get("label"), lang) or f.get("key", "")


def _fee_text(svc: dict, t: Translator) -> str:
    fee = svc.get("fee") or {}
    if fee.get("amount") and fee["amount"] not in ("0", "0.00"):
        return t("preview.fee", amount=fee["amount"], currency=fee.get("currency", "CNY"))
    if fee.get("bill"):
        return t("preview.fee_bill")
    if fee.get("priced_choices"):
        return t("preview.fee_priced")
    return t("preview.free")


def hotline_script(svc: dict, lang: str) -> list[Line]:
    """What the IVR says, field by field (keypad or speech), with the photo fallback."""
    t = Translator("console", lang)
    title = pick(svc.get("title"), lang)
    lines = [Line("system", t("preview.hotline.welcome", service=title)),
             Line("system", pick(svc.get("summary"), lang)),
             Line("system", _fee_text(svc, t))]
    if svc.get("requires_identity"):
        lines.append(Line("system", t("preview.hotline.identity")))
    for f in svc.get("fields") or ():
        if not shown_on(f, "hotline"):
            continue
        label = _label(f, lang)
        ftype = f.get("type", "text")
        if ftype in UNSUPPORTED["hotline"]:
            lines.append(Line("system", t("preview.hotline.photo_fallback", field=label),
                              fallback=True))
            continue
        if ftype in ("choice", "multichoice"):
            options = [t("preview.hotline.press", digit=i, option=pick(c.get("label"), lang))
                       for i, c in enumerate(f.get("choices") or (), start=1)]
            lines.append(Line("system", t("preview.hotline.choose", field=label) + " " +
                              " ".join(options)))
        elif ftype == "yesno":
            lines.append(Line("system", t("preview.hotline.yesno", field=label)))
        elif ftype in ("number", "money", "phone", "idcard", "date", "time", "datetime"):
            digits = ((f.get("hints") or {}).get("hotline") or {}).get("dtmf_digits")
            key = f"preview.hotline.keypad_{ftype}" if ftype in ("date", "time", "datetime") \
                else "preview.hotline.keypad"
            text = t(key, field=label)
            if digits:
                text += " " + t("preview.hotline.digits", digits=digits)
            lines.append(Line("system", text))
        else:
            lines.append(Line("system", t("preview.hotline.speak", field=label)))
        if not f.get("required"):
            lines.append(Line("system", t("preview.hotline.skip")))
    lines.append(Line("system", t("preview.hotline.confirm")))
    lines.append(Line("system", t("preview.hotline.agent")))
    return lines


def chat_script(svc: dict, lang: str) -> list[Line]:
    """The chatbot's conversation: one question per field, options as quick replies."""
    t = Translator("console", lang)
    title = pick(svc.get("title"), lang)
    lines = [Line("user", title), Line("bot", pick(svc.get("summary"), lang)),
             Line("bot", _fee_text(svc, t))]
    for f in svc.get("fields") or ():
        if not shown_on(f, "chatbot"):
            continue
        label = _label(f, lang)
        ftype = f.get("type", "text")
        chips: tuple[str, ...] = ()
        if ftype in ("choice", "multichoice"):
            chips = tuple(pick(c.get("label"), lang) for c in f.get("choices") or ())
        elif ftype == "yesno":
            chips = (t("form.yes"), t("form.no"))
        key = "preview.chat.photo" if ftype == "photo" else "preview.chat.ask"
        text = t(key, field=label)
        if not f.get("required"):
            text += " " + t("preview.chat.optional")
        lines.append(Line("bot", text, chips))
    lines.append(Line("bot", t("preview.chat.confirm")))
    return lines


def channel_notes(svc: dict) -> dict[str, bool]:
    """Whether each channel offers the service at all."""
    offered = set(svc.get("channels") or UNSUPPORTED)
    return {ch: ch in offered for ch in ("kiosk", "tv", "hotline", "chatbot")}
