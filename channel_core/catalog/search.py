"""Search services and FAQ entries by title, keywords and pinyin in any of the three languages."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from channel_core.catalog.schema import FaqEntry, ServiceDef

_SPACE = re.compile(r"[\s'’·\-_]+")


def _norm(text: str) -> str:
    return _SPACE.sub("", text.lower())


@lru_cache(maxsize=16384)
def pinyin_forms(text: str) -> tuple[str, str]:
    """Full toneless pinyin and initials of a Chinese text ('物业报修' → 'wuyebaoxiu', 'wybx')."""
    from pypinyin import Style, lazy_pinyin  # imported on first search: 0.4 s of start-up

    syllables = [s for s in lazy_pinyin(text, errors="ignore") if s.strip()]
    initials = lazy_pinyin(text, style=Style.FIRST_LETTER, errors="ignore")
    return "".join(syllables).lower(), "".join(i for i in initials if i.strip()).lower()


@dataclass(frozen=True)
class _Entry:
    ident: str
    titles: tuple[str, ...]
    keywords: tuple[str, ...]
    pinyin_full: tuple[str, ...]
    pinyin_initials: tuple[str, ...]
    body: tuple[str, ...]


def _entry(ident: str, titles: list[str], keywords: list[str], body: list[str]) -> _Entry:
    full: list[str] = []
    initials: list[str] = []
    for text in [*titles, *keywords]:
        f, i = pinyin_forms(text)
        if f and not text.isascii():
            full.append(f)
            initials.append(i)
    return _Entry(
        ident,
        tuple(_norm(t) for t in titles),
        tuple(_norm(k) for k in keywords),
        tuple(full),
        tuple(initials),
        tuple(_norm(b) for b in body),
    )


def _score(e: _Entry, q: str) -> float:
    score = 0.0
    if any(t == q for t in e.titles):
        score = max(score, 100)
    if any(q in t for t in e.titles):
        score = max(score, 60 + 20 * max(len(q) / len(t) for t in e.titles if q in t))
    if any(k == q for k in e.keywords):
        score = max(score, 70)
    if any(q in k or (len(k) >= 2 and k in q) for k in e.keywords):
        score = max(score, 50)
    if q.isascii() and q.isalpha():
        if any(p == q for p in e.pinyin_full):
            score = max(score, 65)
        elif any(p.startswith(q) for p in e.pinyin_full):
            score = max(score, 45)
        elif len(q) >= 3 and any(q in p for p in e.pinyin_full):
            score = max(score, 35)
        if len(q) >= 2 and any(i.startswith(q) for i in e.pinyin_initials):
            score = max(score, 40 if any(i == q for i in e.pinyin_initials) else 30)
    if score == 0 and len(q) >= 2 and any(q in b for b in e.body):
        score = 10
    return score


class SearchIndex:
    """An in-memory index built once per catalog version."""

    def __init__(self, entries: list[_Entry]) -> None:
        self._entries = entries

    @classmethod
    def for_services(cls, services: list[ServiceDef]) -> SearchIndex:
        entries = []
        for s in services:
            titles = [s.title.zh_CN, s.title.zh_TW, s.title.en]
            body = [s.summary.zh_CN, s.summary.zh_TW, s.summary.en]
            entries.append(_entry(s.id, titles, list(s.keywords.all()), body))
        return cls(entries)

    @classmethod
    def for_faq(cls, faq: list[FaqEntry]) -> SearchIndex:
        entries = []
        for e in faq:
            titles = [e.question.zh_CN, e.question.zh_TW, e.question.en]
            body = [e.answer.zh_CN, e.answer.zh_TW, e.answer.en]
            entries.append(_entry(e.id, titles, list(e.keywords.all()), body))
        return cls(entries)

    def search(self, query: str, limit: int = 20) -> list[tuple[str, float]]:
        """Ids ranked by relevance; a multi-word query scores the sum over its words."""
        q = _norm(query)
        if not q:
            return []
        words = [_norm(w) for w in query.split() if _norm(w)]
        results = []
        for e in self._entries:
            s = _score(e, q)
            if len(words) > 1:
                s = max(s, sum(_score(e, w) for w in words) / len(words))
            if s > 0:
                results.append((e.ident, s))
        results.sort(key=lambda r: (-r[1], r[0]))
        return results[:limit]
