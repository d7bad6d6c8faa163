"""The screen base class and small builders every kiosk screen uses."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QLabel,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from kiosk.context import KioskContext
from qt_common.i18n import reword
from qt_common.theme import restyle
from qt_common.touch import kinetic

Wording = Callable[[], str]  # a text worded anew in whichever language is shown


def core_wording(ctx: KioskContext, exc: Exception, fallback: str = "error.unexpected") -> Wording:
    """A refusal in the core's own words (the language they came in), reworded from the same
    catalog entry after a switch; the kiosk's `fallback` message when there are none."""
    detail = getattr(exc, "detail", "") or ""
    if not detail or not getattr(exc, "status", 0):  # status 0: no answer, no words
        return lambda: ctx.tr(fallback)
    said_in = ctx.lang
    return lambda: reword(detail, said_in, ctx.lang) or ctx.tr(fallback)


class Screen(QWidget):
    """One full screen of the kiosk.

    `enter(**params)` prepares it when navigated to; `reset()` wipes everything a resident
    typed or was shown (idle reset, sign-out); `speech_text()` is what read-aloud says.
    """

    name = ""
    title_key = ""

    def __init__(self, ctx: KioskContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setObjectName(f"screen_{self.name}")
        self.layout_ = QVBoxLayout(self)
        self.layout_.setSpacing(12)
        self.title = self.label("", level="title", name="title")
        self.layout_.addWidget(self.title)
        if self.title_key:
            self.ctx.tr.bind(self.title, self.title_key)
        self.status = self.label("", level="muted", name="status")
        self.status.hide()
        self.layout_.addWidget(self.status)
        self._status_wording: Wording | None = None
        self._scroll_areas: list[QScrollArea] = []  # made kinetic by make_kinetic()
        ctx.language.on_change(self.status, self._reword_status)

    # --- builders ----------------------------------------------------------------------

    def label(self, text: str = "", level: str | None = None, name: str = "",
              wrap: bool = True) -> QLabel:
        lab = QLabel(text, self)
        if name:
            lab.setObjectName(name)
        if level:
            lab.setProperty("level", level)
        lab.setWordWrap(wrap)
        lab.setTextInteractionFlags(Qt.TextInteractionFlag.NoTextInteraction)
        return lab

    def button(self, key: str | None, name: str, role: str | None = None,
               on_click=None, **params: object) -> QPushButton:
        """A button whose text follows the language (key of the kiosk domain)."""
        b = QPushButton(self)
        b.setObjectName(name)
        if role:
            b.setProperty("role", role)
        if key:
            self.ctx.tr.bind(b, key, **params)
        if on_click is not None:
            b.clicked.connect(lambda _=False: on_click())
        b.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        return b

    def scroller(self, inner: QWidget | None = None) -> QScrollArea:
        """A frameless scroll area around `inner` that a finger drags and flicks."""
        area = QScrollArea(self)
        area.setWidgetResizable(True)
        if inner is not None:
            area.setWidget(inner)
        area.setFrameShape(QScrollArea.Shape.NoFrame)
        area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self._scroll_areas.append(area)
        return area

    def make_kinetic(self) -> None:
        """Let a finger drag and flick this screen's scroll areas (the window calls it once
        the first frame is up: setting it up costs PySide6 some 30 ms the first time)."""
        for area in self._scroll_areas:
            kinetic(area)
        self._scroll_areas = []

    def bind_text(self, widget: QWidget, text_fn) -> None:
        """Keep `widget`'s text = text_fn() in the current language."""
        self.ctx.language.bind(widget, text_fn, widget.setText)  # type: ignore[attr-defined]

    # --- status line -------------------------------------------------------------------

    def show_status(self, text: str | Wording, level: str = "muted") -> None:
        """A message on the screen itself (never a pop-up); given as a Wording, it follows
        a language switch."""
        self._status_wording = text if callable(text) else None
        shown = text() if callable(text) else text
        self.status.setText(shown)
        if self.status.property("level") != level:  # a re-polish costs ~30 ms at 1080p
            self.status.setProperty("level", level)
            restyle(self.status)
        self.status.setVisible(bool(shown))

    def show_error(self, text: str | Wording) -> None:
        self.show_status(text, "error")

    def message(self, key: str, level: str = "muted", **params: object) -> None:
        """Show a kiosk message by key, in the language shown now and after any switch.

        A callable param is called each time (a value formatted for the language)."""
        def text() -> str:
            return self.ctx.tr(key, **{k: v() if callable(v) else v for k, v in params.items()})

        self.show_status(text, level)

    def error_message(self, key: str, **params: object) -> None:
        self.message(key, "error", **params)

    def _reword_status(self) -> None:
        if self._status_wording is not None:
            self.status.setText(self._status_wording())

    def clear_status(self) -> None:
        self.show_status("")

    # --- lifecycle ---------------------------------------------------------------------

    def enter(self, **params: object) -> None:
        """Called when navigated to."""
        self.clear_status()

    def resume(self) -> None:
        """Called when returned to with Back."""

    def leave(self) -> None:
        """Called when another screen is shown (stop timers and polling)."""

    def compact(self, on: bool) -> None:
        """The keyboard is up (on) or down: hide what can go to make room."""

    def context_of(self, widget: QWidget) -> QWidget | None:
        """What to keep in sight around a field being typed into (its label, say), or None."""
        return None

    def reset(self) -> None:
        """Wipe everything personal shown or typed here."""
        self.clear_status()

    def speech_text(self) -> str:
        """What read-aloud says for this screen."""
        parts = [self.title.text()]
        if self.status.isVisible():
            parts.append(self.status.text())
        return self.ctx.language.t("qt", "speech.separator").join(p for p in parts if p)
