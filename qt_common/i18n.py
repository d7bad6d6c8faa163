"""Live translation for Qt screens: one language state, texts re-applied on every switch."""

from __future__ import annotations

from collections.abc import Callable

import shiboken6
from PySide6.QtCore import QObject, Signal

from portal_client.i18n import DEFAULT_LANG, LANGS, gettext, pick


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
