"""The screen base class and small builders every kiosk screen uses."""

from __future__ import annotations

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
from qt_common.theme import restyle


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

    def scroller(self, inner: QWidget) -> QScrollArea:
        area = QScrollArea(self)
        area.setWidgetResizable(True)
        area.setWidget(inner)
        area.setFrameShape(QScrollArea.Shape.NoFrame)
        return area

    def bind_text(self, widget: QWidget, text_fn) -> None:
        """Keep `widget`'s text = text_fn() in the current language."""
        self.ctx.language.bind(widget, text_fn, widget.setText)  # type: ignore[attr-defined]

    # --- status line -------------------------------------------------------------------

    def show_status(self, text: str, level: str = "muted") -> None:
        """A message on the screen itself (never a pop-up)."""
        self.status.setText(text)
        self.status.setProperty("level", level)
        restyle(self.status)
        self.status.setVisible(bool(text))

    def show_error(self, text: str) -> None:
        self.show_status(text, "error")

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

    def reset(self) -> None:
        """Wipe everything personal shown or typed here."""
        self.clear_status()

    def speech_text(self) -> str:
        """What read-aloud says for this screen."""
        parts = [self.title.text()]
        if self.status.isVisible():
            parts.append(self.status.text())
        return self.ctx.language.t("qt", "speech.separator").join(p for p in parts if p)
