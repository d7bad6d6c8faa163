"""Reading what a caller keyed or said: digits, numbers, yes/no, a choice among labels."""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

from hotline.numerals import spoken_digits


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
    return spoken_digits(text)


def option_number(said: Said) -> int | None:
    """The option a caller chose by one key or by saying its number ('er', 'di er ge',
    'two', 'the second')."""
    if said.digits:
        return int(said.digits) if said.digits.isdigit() and len(said.digits) == 1 else None
    found = digits_in(said.speech)
    return int(found) if len(found) == 1 else None


def chosen(said: Said, options: Sequence[Sequence[str]]) -> int | None:
    """The option (1-based) a caller picked at any menu: its key; the words of exactly one
    option ('liu yan', 'call me back'); or its number said. Every menu reads answers with this."""
    if said.digits:
        return option_number(said)
    idx = match_label(said.speech, options)
    if idx is not None:
        return idx + 1
    return option_number(said)


def said_briefly(speech: str, words: Sequence[str], slack: int = 8) -> bool:
    """Whether the caller said little more than one of the words ('English please', 'shuo ying wen'),
    so a word inside a longer sentence ('I'd like Chinese food') does not count."""
    said = normalize(speech)
    return any(n and n in said and len(said) - len(n) <= slack
               for n in (normalize(w) for w in words))


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
