"""Live translation for Qt screens: one language state, texts re-applied on every switch."""

from __future__ import annotations

import re
import string
from collections.abc import Callable, Iterable
from functools import lru_cache

import shiboken6
from PySide6.QtCore import QObject, Signal

from portal_client.i18n import DEFAULT_LANG, LANGS, gettext, keys, pick

SERVER_DOMAINS = ("core", "payments")  # the catalogs the core words its answers from


class Language(QObject):
    """The screen's current language; widgets bind their texts to it and follow every switch.

    ``lang.bind(label, lambda: lang.t("kiosk", "home.title"), label.setText)`` sets the text
    now and again after each ``set_lang``, for as long as ``label`` lives.
    """

    changed = Signal(str)

    def __init__(self, lang: str = DEFAULT_LANG, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._lang = lang if lang in LANGS else DEFAULT_LANG
        self._bindings: dict[int, list[Callable[[], None]]] = {}
        self._owners: dict[int, QObject] = {}

    @property
    def lang(self) -> str:
        """One of portal_client.i18n.LANGS."""
        return self._lang

    def set_lang(self, lang: str) -> None:
        """Switch language and re-apply every bound text at once."""
        if lang not in LANGS:
            raise ValueError(f"unknown language {lang!r}")
        if lang == self._lang:
            return
        self._lang = lang
        self.refresh()
        self.changed.emit(lang)

    def t(self, domain: str, key: str, **params: object) -> str:
        """The translation of a key of `domain` in the current language."""
        return gettext(domain, key, self._lang, **params)

    def pick(self, texts: dict[str, str] | None) -> str:
        """The current language's text of a per-locale content field."""
        return pick(texts, self._lang)

    def bind(self, owner: QObject, text: Callable[[], str], apply: Callable[[str], None]) -> None:
        """Apply `text()` to `apply` now and after each switch while `owner` exists."""
        self.on_change(owner, lambda: apply(text()))

    def on_change(self, owner: QObject, refresh: Callable[[], None]) -> None:
        """Run `refresh()` now and after each switch while `owner` exists."""
        key = id(owner)
        if key not in self._owners:
            self._owners[key] = owner
            self._bindings[key] = []
            owner.destroyed.connect(lambda *_a, k=key: self._forget(k))
        self._bindings[key].append(refresh)
        refresh()

    def unbind(self, owner: QObject) -> None:
        """Stop following switches for `owner` (its widgets are about to be rebuilt)."""
        self._forget(id(owner))

    def _forget(self, key: int) -> None:
        self._bindings.pop(key, None)
        self._owners.pop(key, None)

    def refresh(self) -> None:
        """Re-apply every bound text (after a switch, or after catalog content changed)."""
        for key, owner in list(self._owners.items()):
            if not shiboken6.isValid(owner):
                self._forget(key)
                continue
            for refresh in list(self._bindings.get(key, ())):
                refresh()

    @property
    def binding_count(self) -> int:
        """How many owners follow this language (tests check rebuilt screens don't leak)."""
        return len(self._owners)


class Tr:
    """A domain bound to a Language: ``tr = Tr(lang, "kiosk"); tr("home.title")``."""

    def __init__(self, language: Language, domain: str) -> None:
        self.language = language
        self.domain = domain

    def __call__(self, key: str, **params: object) -> str:
        return self.language.t(self.domain, key, **params)

    def bind(self, owner: QObject, key: str, apply: Callable[[str], None] | None = None,
             **params: object) -> None:
        """Bind `owner`'s text (setText by default) to a key of this domain."""
        setter = apply or owner.setText  # type: ignore[attr-defined]
        self.language.bind(owner, lambda: self(key, **params), setter)


@lru_cache(maxsize=32)
def _templates(domain: str, lang: str) -> tuple[tuple[re.Pattern[str], str], ...]:
    """(pattern matching the formatted text, key) of a catalog, most specific first."""
    out: list[tuple[int, re.Pattern[str], str]] = []
    for key in keys(domain, lang):
        template = gettext(domain, key, lang)  # no params: the text as written
        parts, named, literal = [], set(), 0
        try:
            parsed = list(string.Formatter().parse(template))
        except ValueError:
            continue
        for text, field, _spec, _conv in parsed:
            parts.append(re.escape(text))
            literal += len(text)
            if field is None:
                continue
            name = re.sub(r"\W", "_", field) or "_"
            parts.append(f"(?P={name})" if name in named else f"(?P<{name}>.+?)")
            named.add(name)
        if literal:
            out.append((literal, re.compile("".join(parts), re.DOTALL), key))
    out.sort(key=lambda item: -item[0])
    return tuple((pattern, key) for _n, pattern, key in out)


def reword(text: str, from_lang: str, to_lang: str,
           domains: Iterable[str] = SERVER_DOMAINS, **known: object) -> str | None:
    """A message the server worded in `from_lang` (a problem's detail, say), worded in
    `to_lang` from the same catalog entry with the same values; None if it isn't one.

    `known` values, already in `to_lang` (a field's label), replace the ones found."""
    if from_lang == to_lang:
        return text
    for domain in domains:
        for pattern, key in _templates(domain, from_lang):
            m = pattern.fullmatch(text)
            if m is not None:
                values = m.groupdict()
                values.update({k: v for k, v in known.items() if k in values})
                return gettext(domain, key, to_lang, **values)
    return None
