"""Reading what a caller keyed or said: digits, numbers, yes/no, a choice among labels."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from portal_client.i18n import LANGS, gettext


@lru_cache(maxsize=1)
def digit_words() -> dict[str, str]:
    """Words and characters callers say for each digit, in every language (hotline.po
    `words.digits`: ten groups, alternatives split by '/'), since callers mix languages."""
    out: dict[str, str] = {}
    for lang in LANGS:
        for digit, group in enumerate(gettext("hotline", "words.digits", lang).split()):
            for word in group.split("/"):
                out[word.lower()] = str(digit)
    return out


@dataclass(frozen=True)
class Said:
    """One answer from the caller: keys pressed and/or recognised speech."""

    digits: str = ""
    speech: str = ""

    @property
    def empty(self) -> bool:
        return not self.digits and not self.speech.strip()


def normalize(text: str) -> str:
    """Lower case without spaces or punctuation (for comparing speech with labels)."""
    text = unicodedata.normalize("NFKC", text).lower()
    return "".join(ch for ch in text if ch.isalnum())


def digits_in(text: str) -> str:
    """The digits a caller said, read one by one, as digits or digit words."""
    words = digit_words()
    out: list[str] = []
    for word in re.findall(r"[A-Za-z]+|\d|[^\sA-Za-z\d]", unicodedata.normalize("NFKC", text)):
        if word.isdigit():
            out.append(word)
        elif word.lower() in words:
            out.append(words[word.lower()])
    return "".join(out)


def option_number(said: Said) -> int | None:
    """The option a caller chose by one key or by saying its number."""
    if said.digits:
        return int(said.digits) if said.digits.isdigit() and len(said.digits) == 1 else None
    found = digits_in(said.speech)
    return int(found) if len(found) == 1 else None


def match_label(speech: str, labels: Sequence[Sequence[str]]) -> int | None:
    """Index of the one option whose label (or keyword) the caller said, if exactly one."""
    said = normalize(speech)
    if len(said) < 2:
        return None
    hits = []
    for i, names in enumerate(labels):
        for name in names:
            n = normalize(name)
            if len(n) >= 2 and (n in said or (len(said) >= 2 and said in n)):
                hits.append(i)
                break
    return hits[0] if len(hits) == 1 else None


def yes_no(said: Said, yes_words: Sequence[str], no_words: Sequence[str]) -> bool | None:
    """1 / a yes word → True; 2 / a no word → False; otherwise None."""
    if said.digits in ("1", "2"):
        return said.digits == "1"
    text = normalize(said.speech)
    if not text:
        return None
    # "不是" contains "是": test the negative words first.
    if any(normalize(w) and normalize(w) in text for w in no_words):
        return False
    if any(normalize(w) and normalize(w) in text for w in yes_words):
        return True
    return None
