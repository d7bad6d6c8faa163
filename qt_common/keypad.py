"""A numeric keypad for touch: digits, optional extra key (. or X), optionally scrambled for PINs."""

from __future__ import annotations

import random

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QGridLayout, QPushButton, QSizePolicy, QWidget

from qt_common.i18n import Language, Tr

_rng = random.SystemRandom()


def key_button(text: str, name: str, parent: QWidget | None = None) -> QPushButton:
    """A key that never takes focus from the field being typed into."""
    b = QPushButton(text, parent)
    b.setObjectName(name)
    b.setProperty("role", "key")
    b.setFocusPolicy(Qt.FocusPolicy.NoFocus)
    b.setAutoRepeat(False)
    b.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
    return b


class NumericKeypad(QWidget):
    """Digits 0–9 in a 3×4 grid with backspace, clear and OK.

    With `scrambled=True` the digit positions are shuffled on every `reshuffle()` (call it
    each time a PIN entry starts) so onlookers can't read a PIN from finger positions.
    """

    key_pressed = Signal(str)
    backspace_pressed = Signal()
    cleared = Signal()
    entered = Signal()

    def __init__(self, language: Language, scrambled: bool = False, extra: str | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.tr_ = Tr(language, "qt")
        self.scrambled = scrambled
        self._grid = QGridLayout(self)
        self._grid.setSpacing(8)
        self._digits = [key_button(str(d), f"key_{d}", self) for d in range(10)]
        for b in self._digits:
            b.clicked.connect(lambda _=False, b=b: self.key_pressed.emit(b.text()))
        self._extra = key_button("", "key_extra", self)
        self._extra.clicked.connect(lambda: self.key_pressed.emit(self._extra.text()))
        self._back = key_button("", "key_backspace", self)
        self._back.clicked.connect(self.backspace_pressed)
        self._clear = key_button("", "key_clear", self)
        self._clear.clicked.connect(self.cleared)
        self._ok = key_button("", "key_enter", self)
        self._ok.setProperty("role", "primary")
        self._ok.clicked.connect(self.entered)
        self.tr_.bind(self._back, "keypad.backspace")
        self.tr_.bind(self._clear, "keypad.clear")
        self.tr_.bind(self._ok, "keypad.ok")
        self.set_extra(extra)
        self.reshuffle()

    def set_extra(self, extra: str | None) -> None:
        """Show a '.' (money) or 'X' (ID number) key beside 0, or none."""
        self._extra.setText(extra or "")
        self._extra.setVisible(bool(extra))

    def digit_order(self) -> list[str]:
        """The digits as laid out, left to right, top to bottom."""
        return [self._grid.itemAtPosition(r, c).widget().text()  # type: ignore[union-attr]
                for r, c in [(r, c) for r in range(3) for c in range(3)] + [(3, 1)]]

    def reshuffle(self) -> None:
        """Lay the digits out again (shuffled when scrambled)."""
        order = list(range(1, 10)) + [0]
        if self.scrambled:
            _rng.shuffle(order)
        for i, d in enumerate(order[:9]):
            self._grid.addWidget(self._digits[d], i // 3, i % 3)
        self._grid.addWidget(self._digits[order[9]], 3, 1)
        self._grid.addWidget(self._extra, 3, 0)
        self._grid.addWidget(self._back, 3, 2)
        self._grid.addWidget(self._clear, 4, 0)
        self._grid.addWidget(self._ok, 4, 1, 1, 2)

    def button_for(self, text: str) -> QPushButton:
        """The key showing `text` (tests and read-aloud find keys by their label)."""
        for b in [*self._digits, self._extra]:
            if b.text() == text:
                return b
        raise KeyError(text)
