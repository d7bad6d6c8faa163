"""Turn what a user typed into a catalog field's value (pure Python, no Rasa imports).

The core validates every value and answers with per-field messages; this module only
maps chat idioms onto the field's type: option numbers or labels for choices, yes/no words,
numbers out of sentences, and common date spellings.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

from channel_render.clock import community_today
from portal_client.i18n import gettext

DOMAIN = "chatbot"
_NUMBER = re.compile(r"-?\d+(?:\.\d+)?")
_SPLIT = re.compile(r"\s*(?:[,，、;；/]|\band\b|和|及)\s*")
_ISO_LIKE = re.compile(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*[日号號]?")
_RELATIVE_DAYS = {"今天": 0, "今日": 0, "today": 0, "明天": 1, "明日": 1, "tomorrow": 1,
                  "后天": 2, "後天": 2, "day after tomorrow": 2}


@dataclass(frozen=True)
class ChoiceOption:
    """One option of a choice field, with its labels in every language."""

    value: str
    labels: tuple[str, ...]


class NotUnderstood(ValueError):
    """The text cannot be read as a value of the field's type (message key in args[0])."""


def words(key: str, lang: str) -> frozenset[str]:
    """A '|'-separated word list from chatbot.po (word.yes, word.no, word.skip), lowercased."""
    return frozenset(w.strip().lower() for w in gettext(DOMAIN, key, lang).split("|") if w.strip())


def _norm(text: str) -> str:
    return re.sub(r"[\s。．.!！?？~～]+$", "", text.strip()).strip().lower()


def is_skip(text: str, lang: str) -> bool:
    """Whether the user declined to fill an optional field."""
    return _norm(text) in words("word.skip", lang)


def yes_no(text: str, lang: str, intent: str | None = None) -> bool | None:
    """True/False for a yes/no answer (by intent or by word), None when it is neither."""
    if intent == "affirm":
        return True
    if intent == "deny":
        return False
    norm = _norm(text)
    if norm in words("word.yes", lang) or norm in words("word.yes", "en"):
        return True
    if norm in words("word.no", lang) or norm in words("word.no", "en"):
        return False
    return None


def _match_choice(text: str, options: tuple[ChoiceOption, ...]) -> str | None:
    norm = _norm(text)
    if norm.isdigit() and 1 <= int(norm) <= len(options):
        return options[int(norm) - 1].value
    for opt in options:
        if norm == opt.value.lower() or norm in (label.lower() for label in opt.labels):
            return opt.value
    for opt in options:  # a sentence that names exactly one label ("要素食套餐")
        if any(label and label.lower() in norm for label in opt.labels):
            return opt.value
    return None


def choice(text: str, options: tuple[ChoiceOption, ...]) -> str:
    """The value of the option the user named, by number, value or label."""
    value = _match_choice(text, options)
    if value is None:
        raise NotUnderstood("msg.field_choice_invalid")
    return value


def multichoice(text: str, options: tuple[ChoiceOption, ...]) -> list[str]:
    """Values of several options separated by commas, 、 or 'and'."""
    values = []
    for part in (p for p in _SPLIT.split(text) if p.strip()):
        value = _match_choice(part, options)
        if value is None:
            raise NotUnderstood("msg.field_choice_invalid")
        if value not in values:
            values.append(value)
    if not values:
        raise NotUnderstood("msg.field_choice_invalid")
    return values


def number(text: str) -> str:
    """The first number in the text, as a decimal string (the core checks bounds)."""
    m = _NUMBER.search(text.replace(",", "").replace("，", ""))
    return m.group(0) if m else text.strip()


def iso_date(text: str, today: date | None = None) -> str:
    """ISO date for 2024-5-1, 2024/05/01, 2024年5月1日, today/明天/后天; else the text as is."""
    today = today or community_today()
    norm = _norm(text)
    if norm in _RELATIVE_DAYS:
        return (today + timedelta(days=_RELATIVE_DAYS[norm])).isoformat()
    m = _ISO_LIKE.search(text)
    if m:
        try:
            return date(int(m.group(1)), int(m.group(2)), int(m.group(3))).isoformat()
        except ValueError:
            return text.strip()
    return text.strip()


def parse(field_type: str, text: str, lang: str, options: tuple[ChoiceOption, ...] = (),
          intent: str | None = None) -> object:
    """The value to send to the core for one field, from the user's text."""
    if field_type == "yesno":
        answer = yes_no(text, lang, intent)
        if answer is None:
            raise NotUnderstood("msg.field_yesno")
        return answer
    if field_type == "choice":
        return choice(text, options)
    if field_type == "multichoice":
        return multichoice(text, options)
    if field_type in ("number", "money"):
        return number(text)
    if field_type == "date":
        return iso_date(text)
    return text.strip()
