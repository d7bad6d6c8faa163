"""The screen base class: a title, a body, its focusable elements and hooks for the remote."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from tv_app import widgets
from tv_app.remote import Key

if TYPE_CHECKING:
    from tv_app.app import TvApp


class Screen(QWidget):
    """One level of the TV's hierarchy.

    Cached screens live for the whole session and keep their last focus; flow screens
    (order steps, results) are made for one use. `changed` tells the navigator the
    focusable elements were rebuilt, so it can keep exactly one of them focused.
    """

    cached = True
    changed = Signal()

    def __init__(self, app: TvApp, name: str) -> None:
        super().__init__()
        self.app = app
        self.tr_ = app.tr_
        self.name = name
        self.setObjectName(f"screen_{name}")
        self.setProperty("screen", True)
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.outer = QVBoxLayout(self)
        self.outer.setContentsMargins(0, 0, 0, 0)
        self.outer.setSpacing(app.sizes.gap_px)
        self.title = widgets.label(self, "", level="title", name="title")
        self.outer.addWidget(self.title)
        self.body = QVBoxLayout()
        self.body.setSpacing(app.sizes.gap_px)
        self.outer.addLayout(self.body, 1)

    # --- builders ----------------------------------------------------------------------

    def label(self, key: str | None = None, level: str | None = None, name: str = "",
              **params: object) -> QLabel:
        """A label (its text follows the language when `key` is given)."""
        lab = widgets.label(self, "", level=level, name=name)
        if key:
            self.app.language.bind(lab, lambda: self.tr_(key, **params), lab.setText)
        return lab

    def button(self, key: str | None, name: str, role: str = "action", on_ok=None,
               **params: object) -> QPushButton:
        """A focusable element; OK calls `on_ok()`."""
        b = widgets.button(self, name, role)
        if key:
            self.app.language.bind(b, lambda: self.tr_(key, **params), b.setText)
        if on_ok is not None:
            b.clicked.connect(lambda _=False: on_ok())
        return b

    def row_of(self, *items: QWidget, stretch: bool = True) -> QHBoxLayout:
        """Lay widgets side by side."""
        lay = QHBoxLayout()
        lay.setSpacing(self.app.sizes.gap_px)
        for w in items:
            lay.addWidget(w, 1 if stretch else 0)
        return lay

    def set_title(self, key: str, **params: object) -> None:
        """The screen's heading (a tv.po key)."""
        self.app.language.bind(self.title, lambda: self.tr_(key, **params), self.title.setText)

    # --- what the navigator asks ---------------------------------------------------------

    def focusables(self) -> list[QWidget]:
        """Every element the arrows can reach now, in reading order."""
        found = [w for w in self.findChildren(QWidget)
                 if w.focusPolicy() & Qt.FocusPolicy.TabFocus and w.isEnabled()
                 and w.isVisibleTo(self)]
        return sorted(found, key=lambda w: (w.mapTo(self, w.rect().topLeft()).y(),
                                            w.mapTo(self, w.rect().topLeft()).x()))

    def default_focus(self) -> QWidget | None:
        """Where focus goes on a first visit."""
        found = self.focusables()
        return found[0] if found else None

    def enter(self) -> None:
        """Called each time the screen is shown (first visit or coming Back to it)."""

    def leave(self) -> None:
        """Called when another screen covers this one or it is closed."""

    def on_arrow(self, key: Key, focused: QWidget | None) -> QWidget | bool | None:
        """A screen-specific target for an arrow (list paging), True when the screen used
        the arrow itself (scrolling a text), or None for a spatial move."""
        return None

    def on_digit(self, digit: str, focused: QWidget | None) -> bool:
        """Use a digit key; False when this screen has no use for digits."""
        return False

    def on_back(self) -> bool:
        """Handle Back inside the screen; False to go up one level."""
        return False

    def intro(self) -> str:
        """What read-aloud says when the screen opens (its title)."""
        return self.title.text()

    def spoken(self, *parts: str) -> str:
        """Sentences joined for read-aloud in the screen's language."""
        return widgets.join_speech(self.tr_("speech.separator"), *parts)
