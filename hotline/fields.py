"""Each catalog field type as a phone question: how it is asked, how the answer is read.

Keys or speech for numbers, money, dates, times, phone and ID numbers ('20250308' or
'san yue ba hao'); speech (read back for confirmation) for text; numbered choices, keyed or
named; a photo cannot travel over a call, so it gets a link by SMS instead. The core
validates every value; this only turns keys and words into raw values.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from channel_render.clock import community_today
from channel_render.phone import (  # how fields are asked: shared with the console's preview
    DIGIT_TYPES,
    MAX_MULTI,
    can_ask,
    hidden,
    hotline_hints,
    keyed,
)
from hotline import numerals
from hotline.reply import Ask, spell_digits
from hotline.spoken import Said, match_label, option_number, yes_no
from portal_client.i18n import gettext, pick
from portal_client.types import Field

__all__ = ["DIGIT_TYPES", "MAX_MULTI", "SPEECH_TYPES", "Parsed", "ask_for", "can_ask",
           "digit_hints", "hidden", "hotline_hints", "keyed", "parse", "spoken_value", "today"]
SPEECH_TYPES = ("text", "longtext", "address")
# What a recogniser is told to expect for each keyed type (word lists of hotline.po).
VOCABULARY = {"money": ("words.yuan",), "idcard": ("words.letter_x",),
              "date": ("words.relative_days", "words.months", "words.date_marks"),
              "time": ("words.am", "words.pm", "words.clock", "words.half"),
              "datetime": ("words.relative_days", "words.months", "words.date_marks",
                           "words.am", "words.pm", "words.clock")}


@dataclass(frozen=True)
class Parsed:
    """The outcome of reading one answer."""

    value: object = None
    ok: bool = False
    error_key: str | None = None  # hotline.po key to speak before asking again
    more: bool = False  # the caller asked for the next page of choices
    use_caller: bool = False  # phone field: the number the caller is calling from


def digit_hints(lang: str) -> tuple[str, ...]:
    """Speech hints for a number said digit by digit, in the caller's language."""
    return numerals.words_for("words.digits", lang)


def ask_for(field: Field, lang: str, hints: tuple[str, ...] = ()) -> Ask:
    """The Gather settings for one field (speech hints in the caller's language)."""
    fixed = hotline_hints(field).get("dtmf_digits")
    t = field.type
    if keyed(field):
        digits = {"date": 8, "time": 4, "datetime": 12}.get(t)
        vocabulary = tuple(w for key in VOCABULARY.get(t, ()) for w in
                           numerals.words_for(key, lang))
        return Ask(num_digits=int(fixed or 0) or digits, finish_on_key="#", timeout_s=8,
                   hints=vocabulary + digit_hints(lang))
    if t in SPEECH_TYPES:
        return Ask(num_digits=1, timeout_s=6, hints=hints)
    if t in ("choice", "multichoice"):
        labels = tuple(pick(c.label, lang) for c in field.choices)
        if t == "multichoice":
            return Ask(num_digits=None, finish_on_key="#", timeout_s=8, hints=labels)
        return Ask(num_digits=1, hints=labels + _words("words.more", lang))
    return Ask(num_digits=1, hints=_words("words.yes", lang) + _words("words.no", lang))


def _words(key: str, lang: str) -> tuple[str, ...]:
    return tuple(w.strip() for w in gettext("hotline", key, lang).split(",") if w.strip())


today = community_today  # what 'tomorrow' and a date without a year are counted from


def _dated(digits: str, t: str) -> str | None:
    if t == "date" and re.fullmatch(r"\d{8}", digits):
        return f"{digits[:4]}-{digits[4:6]}-{digits[6:]}"
    if t == "time" and re.fullmatch(r"\d{4}", digits):
        return f"{digits[:2]}:{digits[2:]}"
    if t == "datetime" and re.fullmatch(r"\d{12}", digits):
        return f"{digits[:4]}-{digits[4:6]}-{digits[6:8]}T{digits[8:10]}:{digits[10:]}"
    return None


def _from_speech(field: Field, speech: str) -> str | None:
    """A keyed type's raw value from speech, in the form keys would give ('' if unheard)."""
    t = field.type
    star = str(hotline_hints(field).get("star_means") or ("X" if t == "idcard" else ""))
    if t == "number":
        return numerals.spoken_number(speech)
    if t == "money":
        return numerals.spoken_amount(speech)
    if t == "date":
        found = numerals.spoken_date(speech, today())
        return found.replace("-", "") if found else None
    if t == "time":
        found = numerals.spoken_time(speech)
        return found.replace(":", "") if found else None
    if t == "datetime":
        found = numerals.spoken_datetime(speech, today())
        return re.sub(r"\D", "", found) if found else None
    return numerals.spoken_digits(speech, letters=star.upper())  # phone, ID: one by one


def parse(field: Field, said: Said, lang: str, *, choices_on_page: list[int] | None = None,
          more: bool = False, yes_words: tuple[str, ...] = (),
          no_words: tuple[str, ...] = ()) -> Parsed:
    """Turn keys or speech into the raw value the core validates."""
    t = field.type
    keys = said.digits
    if t == "text" and keyed(field):
        raw = keys or numerals.spoken_digits(said.speech)
        return Parsed(raw, True) if raw.isdigit() else Parsed(error_key="input.bad_digits")
    if t in DIGIT_TYPES:
        raw = keys if keys else (_from_speech(field, said.speech) or "")
        if t == "money":
            raw = raw.replace("*", ".")
            if not re.fullmatch(r"\d+(\.\d{1,2})?", raw):
                return Parsed(error_key="input.bad_money")
            return Parsed(raw, True)
        if t == "idcard" or hotline_hints(field).get("star_means"):
            raw = raw.replace("*", str(hotline_hints(field).get("star_means") or "X"))
            return Parsed(raw, True) if raw else Parsed(error_key="input.bad_digits")
        if t == "phone":
            if raw == "1":
                return Parsed(ok=True, use_caller=True)
            return Parsed(raw, True) if raw.isdigit() else Parsed(error_key="input.bad_digits")
        if t in ("date", "time", "datetime"):
            value = _dated(raw, t)
            return Parsed(value, True) if value else Parsed(error_key=f"input.bad_{t}")
        if "*" in raw:
            raw = raw.replace("*", ".")
        if not re.fullmatch(r"\d+(\.\d+)?", raw):
            return Parsed(error_key="input.bad_digits")
        return Parsed(raw, True)
    if t in SPEECH_TYPES:
        text = said.speech.strip()
        return Parsed(text, True) if text else Parsed(error_key="input.say_it")
    if t == "yesno":
        answer = yes_no(said, yes_words, no_words)
        return Parsed(answer, True) if answer is not None else Parsed(error_key="input.no_match")
    if t == "choice":
        shown = choices_on_page if choices_on_page is not None else list(range(len(field.choices)))
        idx = match_label(said.speech, [_names(c.label) for c in field.choices]) \
            if not keys else None
        if idx is not None:  # a label said, on this page or another
            return Parsed(field.choices[idx].value, True)
        if more and not keys and match_label(said.speech, [_words("words.more", lang)]) == 0:
            return Parsed(more=True)
        n = option_number(said)
        if n is not None:
            if more and n == 4:
                return Parsed(more=True)
            if 1 <= n <= len(shown):
                return Parsed(field.choices[shown[n - 1]].value, True)
            return Parsed(error_key="input.no_option")
        return Parsed(error_key="input.no_match")
    if t == "multichoice":
        picked: list[str] = []
        if keys:
            for ch in keys.replace("#", ""):
                if not ch.isdigit() or not 1 <= int(ch) <= len(field.choices):
                    return Parsed(error_key="input.no_option")
                value = field.choices[int(ch) - 1].value
                if value not in picked:
                    picked.append(value)
        else:
            for c in field.choices:
                if any(n and n.lower() in said.speech.lower() for n in _names(c.label)):
                    picked.append(c.value)
        return Parsed(picked, True) if picked else Parsed(error_key="input.no_match")
    return Parsed(error_key="input.no_match")


def _names(label: dict) -> list[str]:
    return [v for v in label.values() if v]


def spoken_value(field: Field, value: object, lang: str, yes: str, no: str) -> str:
    """How an answer is read back: choice labels, digits one by one, yes/no words."""
    if field.type == "choice":
        c = next((c for c in field.choices if c.value == value), None)
        return pick(c.label, lang) if c else str(value)
    if field.type == "multichoice" and isinstance(value, list):
        labels = {c.value: pick(c.label, lang) for c in field.choices}
        return ", ".join(labels.get(str(v), str(v)) for v in value)
    if field.type == "yesno":
        return yes if value else no
    if field.type in ("phone", "idcard") or (keyed(field) and field.type == "text"):
        return spell_digits(str(value))
    return str(value)
