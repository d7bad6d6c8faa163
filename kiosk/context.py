"""What every kiosk screen shares: settings, backend, language, worker, voice, navigation."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

from kiosk.backend import KioskBackend, Receipt
from kiosk.config import KioskConfig
from portal_client import Service
from qt_common import ELDER, STANDARD, InputPanel, Language, ReadAloud, Sizes, Tr, Worker

if TYPE_CHECKING:
    from kiosk.screens.base import Screen


class Navigator(Protocol):
    def go(self, name: str, fresh: bool = False, **params: object) -> Screen: ...
    def back(self) -> None: ...
    def home(self) -> None: ...
    def current(self) -> Screen: ...
    def session_changed(self) -> None: ...

    @property
    def panel(self) -> InputPanel: ...


@dataclass
class Draft:
    """A form being filled: the service, its API values and contact details."""

    service: Service
    values: dict
    describe: Callable[[], list[tuple[str, str]]]  # (label, value) in the current language
    contact: dict | None = None


@dataclass
class KioskContext:
    """Shared by every screen; `wipe()` clears everything personal held here."""

    config: KioskConfig
    backend: KioskBackend
    language: Language
    worker: Worker
    speaker: ReadAloud
    nav: Navigator | None = None
    elder: bool = False
    draft: Draft | None = None
    receipt: Receipt | None = None

    @property
    def tr(self) -> Tr:
        """Texts of the kiosk domain in the current language."""
        return Tr(self.language, "kiosk")

    @property
    def sizes(self) -> Sizes:
        return ELDER if self.elder else STANDARD

    @property
    def lang(self) -> str:
        return self.language.lang

    def go(self, name: str, **params: object) -> None:
        assert self.nav is not None
        self.nav.go(name, **params)

    def wipe(self) -> None:
        """Forget the draft and receipt (the idle reset also resets every screen)."""
        self.draft = None
        self.receipt = None
