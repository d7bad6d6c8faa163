"""A small pinyin input method: toneless letters → ranked Chinese candidates.

Readings come from pypinyin's dictionaries, word frequencies from jieba's dictionary
(used as data only); traditional candidates for zh_TW are converted with zhconv. The index
is built once per process (about a second), lazily or in the background with `warm_up()`.
"""

from __future__ import annotations

import bisect
import re
import threading
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

_HAN = re.compile(r"^[\u4e00-\u9fff]{1,4}$")
MIN_WORD_FREQ = 20


@dataclass(frozen=True)
class Candidate:
    """A choice for the composing letters: `text`, and how many letters it uses up."""

    text: str
    consumed: int


def _toneless(reading: str) -> str:
    from pypinyin.contrib.tone_convert import to_normal

    return to_normal(reading).replace("ü", "v")


class PinyinIndex:
    """Readings → characters and words, most frequent first."""

    def __init__(self) -> None:
        self._chars: dict[str, list[str]] = {}
        self._words: dict[str, list[str]] = {}
        self._initials: dict[str, list[str]] = {}
        self._keys: list[str] = []
        self._boost: dict[str, list[str]] = defaultdict(list)
        self._pending: list[str] = []
        self._ready = threading.Event()
        self._build_lock = threading.Lock()

    # --- building ----------------------------------------------------------------------

    def build(self) -> None:
        """Load the dictionaries (idempotent, thread-safe)."""
        with self._build_lock:
            if self._ready.is_set():
                return
            self._load()
            pending, self._pending = self._pending, []
            self._add_words(pending)
            self._ready.set()

    def _load(self) -> None:
        import jieba
        from pypinyin import phrases_dict, pinyin_dict

        readings: dict[str, list[str]] = {}
        for cp, text in pinyin_dict.pinyin_dict.items():
            readings[chr(cp)] = list(dict.fromkeys(_toneless(r) for r in text.split(",")))
        freq: dict[str, int] = {}
        words: list[tuple[str, int]] = []
        path = Path(jieba.__file__).with_name("dict.txt")
        with path.open(encoding="utf-8") as fh:
            for line in fh:
                word, count, *_ = line.split(" ")
                if not _HAN.match(word):
                    continue
                n = int(count)
                if len(word) == 1:
                    freq[word] = n
                elif n >= MIN_WORD_FREQ:
                    words.append((word, n))
        chars: dict[str, list[tuple[int, int, str]]] = defaultdict(list)
        for ch, rs in readings.items():
            for rank, r in enumerate(rs):
                # a character's main reading outranks its rare ones (呆 is dai before bao)
                chars[r].append((min(rank, 1), -freq.get(ch, 0), ch))
        self._chars = {k: [c for *_, c in sorted(v)] for k, v in chars.items()}
        by_key: dict[str, list[tuple[int, str]]] = defaultdict(list)
        by_initials: dict[str, list[tuple[int, str]]] = defaultdict(list)
        phrases = phrases_dict.phrases_dict
        for word, n in words:
            if word in phrases:
                syl = [_toneless(r[0]) for r in phrases[word]]
            else:
                try:
                    syl = [readings[c][0] for c in word]
                except KeyError:
                    continue
            by_key["".join(syl)].append((-n, word))
            by_initials["".join(s[0] for s in syl)].append((-n, word))
        self._words = {k: [w for _, w in sorted(v)] for k, v in by_key.items()}
        self._initials = {k: [w for _, w in sorted(v)][:20] for k, v in by_initials.items()}
        self._keys = sorted(self._words)

    def add_words(self, words: Iterable[str]) -> None:
        """Rank these words (e.g. the catalog's titles and keywords) above the dictionary's.

        Before the index is built they are only noted (cheap); `build()` adds them.
        """
        with self._build_lock:
            if not self._ready.is_set():
                self._pending.extend(words)
                return
        self._add_words(words)

    def _add_words(self, words: Iterable[str]) -> None:
        from pypinyin import lazy_pinyin

        for word in words:
            if not word or not all("\u4e00" <= c <= "\u9fff" for c in word):
                continue
            key = "".join(_toneless(s) for s in lazy_pinyin(word))
            if word not in self._boost[key]:
                self._boost[key].append(word)

    # --- lookup ------------------------------------------------------------------------

    def syllables(self) -> set[str]:
        """Every valid toneless syllable."""
        self.build()
        return set(self._chars)

    def first_syllable(self, letters: str) -> str:
        """The longest valid syllable at the start of `letters` ('' when none)."""
        self.build()
        for end in range(min(6, len(letters)), 0, -1):
            if letters[:end] in self._chars:
                return letters[:end]
        return ""

    def segment(self, letters: str) -> list[str]:
        """Split letters into syllables greedily ('zhongguoren' → zhong guo ren)."""
        out: list[str] = []
        rest = letters
        while rest:
            syl = self.first_syllable(rest)
            if not syl:
                break
            out.append(syl)
            rest = rest[len(syl):]
        return out

    def candidates(self, letters: str, limit: int = 12, traditional: bool = False) -> list[Candidate]:
        """Ranked choices for the composing letters (words using all of them first)."""
        self.build()
        letters = letters.lower()
        if not letters:
            return []
        out: list[Candidate] = []
        whole = len(letters)
        first = self.first_syllable(letters)
        single = first == letters
        out += [Candidate(w, whole) for w in self._boost.get(letters, ())]
        if single:
            out += [Candidate(c, whole) for c in self._chars[first][:limit]]
        out += [Candidate(w, whole) for w in self._words.get(letters, ())[:limit]]
        i = bisect.bisect_left(self._keys, letters)
        while i < len(self._keys) and self._keys[i].startswith(letters) and len(out) < limit * 3:
            out += [Candidate(w, whole) for w in self._words[self._keys[i]][:2]]
            i += 1
        if len(letters) >= 2:
            out += [Candidate(w, whole) for w in self._initials.get(letters, ())[:limit]]
        segs = self.segment(letters)
        for k in range(len(segs) - 1, 1, -1):
            key = "".join(segs[:k])
            out += [Candidate(w, len(key)) for w in self._boost.get(key, ())]
            out += [Candidate(w, len(key)) for w in self._words.get(key, ())[:3]]
        if first and not single:
            out += [Candidate(c, len(first)) for c in self._chars[first][:limit]]
        seen: set[str] = set()
        ranked: list[Candidate] = []
        for cand in out:
            text = _to_traditional(cand.text) if traditional else cand.text
            if text not in seen:
                seen.add(text)
                ranked.append(Candidate(text, cand.consumed))
            if len(ranked) >= limit:
                break
        return ranked

    def warm_up(self) -> threading.Thread:
        """Build the index in a background thread (call once the screen is up)."""
        thread = threading.Thread(target=self.build, name="pinyin-index", daemon=True)
        thread.start()
        return thread


def _to_traditional(text: str) -> str:
    import zhconv

    return zhconv.convert(text, "zh-tw")


_shared: PinyinIndex | None = None


def shared_index() -> PinyinIndex:
    """The process-wide index (built on first use)."""
    global _shared
    if _shared is None:
        _shared = PinyinIndex()
    return _shared
