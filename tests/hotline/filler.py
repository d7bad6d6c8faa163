"""A caller who knows their answers: fills any catalog form the way the prompts ask."""

from __future__ import annotations

from hotline.fields import keyed
from portal_client.i18n import pick
from portal_client.types import Field, Service
from tests.hotline.simulator import Call

REVIEW = ("请核对", "請核對", "Please check")


def asked_field(call: Call, svc: Service, lang: str) -> Field:
    """The field the last prompt asks for (its label is in the question)."""
    text = " ".join(x for x in call.last if "：" in x or ":" in x or "?" in x or "？" in x)
    text = text or " ".join(call.last)
    found = [f for f in svc.fields if pick(f.label, lang) in text]
    assert found, f"no field of {svc.id} asked in {call.last}"
    return max(found, key=lambda f: len(pick(f.label, lang)))


def answer(call: Call, f: Field, value: object, lang: str) -> None:
    """Give one answer by keypad or speech, as the field's question invites."""
    t = f.type
    if t == "choice":
        label = pick(next(c.label for c in f.choices if c.value == value), lang)
        call.choose(label)
    elif t == "multichoice":
        keys = "".join(str(i + 1) for i, c in enumerate(f.choices) if c.value in value)
        call.press(keys)
    elif t == "yesno":
        call.press("1" if value else "2")
    elif t in ("text", "longtext", "address") and not keyed(f):
        call.say(str(value))
        assert call.hears(str(value)), call.last  # read back for confirmation
        call.press("1")
    elif t == "photo":
        call.press("1" if value else "2")
    elif t == "phone" and value == "caller":
        call.press("1")
    else:
        raw = str(value)
        keys = {"money": raw.replace(".", "*"), "idcard": raw.replace("X", "*"),
                "date": raw.replace("-", ""), "time": raw.replace(":", ""),
                "datetime": raw.replace("-", "").replace("T", "").replace(":", "")}.get(t, raw)
        call.press(keys)


def fill(call: Call, svc: Service, values: dict, lang: str, limit: int = 40) -> None:
    """Answer every question until the answers are read back (values by field key)."""
    for _ in range(limit):
        if any(r in " ".join(call.last) for r in REVIEW):
            return
        f = asked_field(call, svc, lang)
        answer(call, f, values[f.key], lang)
    raise AssertionError("the form never ended")
