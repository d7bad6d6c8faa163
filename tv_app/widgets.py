"""Building blocks of the TV screens: tiles, rows, a paged list, a digit box."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractButton,
    QLabel,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from qt_common.theme import restyle

SPEECH = "speech"  # dynamic property: what read-aloud says for an element (else its text)


def speech_of(w: QWidget) -> str:
    """What read-aloud says for a focused element."""
    said = w.property(SPEECH)
    if said:
        return str(said)
    text = w.text() if isinstance(w, QAbstractButton | QLabel) else w.accessibleName()
    return " ".join(text.split())


def join_speech(separator: str, *parts: str) -> str:
    """Sentences joined for read-aloud, without doubled full stops."""
    ends = "。.！!？?；;，, "
    kept = [" ".join(p.split()).rstrip(ends) for p in parts if p and p.strip()]
    return separator.join(k for k in kept if k)


def label(parent: QWidget, text: str = "", level: str | None = None, name: str = "",
          wrap: bool = True) -> QLabel:
    """A text that never takes focus."""
    lab = QLabel(text, parent)
    if name:
        lab.setObjectName(name)
    if level:
        lab.setProperty("level", level)
    lab.setWordWrap(wrap)
    lab.setFocusPolicy(Qt.FocusPolicy.NoFocus)
    lab.setTextInteractionFlags(Qt.TextInteractionFlag.NoTextInteraction)
    return lab


def button(parent: QWidget, name: str, role: str = "action", text: str = "") -> QPushButton:
    """A focusable element the remote's OK activates."""
    b = QPushButton(text, parent)
    b.setObjectName(name)
    b.setProperty("role", role)
    b.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
    b.setAutoDefault(False)
    b.setAutoRepeat(False)
    b.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding
                    if role in ("tile", "danger") else QSizePolicy.Policy.Fixed)
    return b


@dataclass(frozen=True)
class Row:
    """One entry of a paged list."""

    text: str
    payload: object = None
    speech: str | None = None
    marked: bool = False  # chosen (a multichoice option, the current value)


class PagedRows(QWidget):
    """A long list shown `per_page` rows at a time; Down past the last row turns the page."""

    activated = Signal(int)  # index into the items

    def __init__(self, parent: QWidget, name: str, per_page: int = 5) -> None:
        super().__init__(parent)
        self.setObjectName(name)
        self.per_page = per_page
        self.items: list[Row] = []
        self.page = 0
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.setSpacing(14)
        self.rows: list[QPushButton] = []
        for i in range(per_page):
            b = button(self, f"{name}_row{i}", role="row")
            b.clicked.connect(lambda _=False, i=i: self._clicked(i))
            lay.addWidget(b)
            self.rows.append(b)
        self.page_label = label(self, "", level="hint", name=f"{name}_page")
        self.page_label.setAlignment(Qt.AlignmentFlag.AlignRight)
        lay.addWidget(self.page_label)
        lay.addStretch(1)
        self.page_text = lambda page, pages: f"{page}/{pages}"

    @property
    def pages(self) -> int:
        return max(1, -(-len(self.items) // self.per_page))

    def set_items(self, items: Sequence[Row], page: int | None = None) -> None:
        """Show `items` (keeping the page when it still exists)."""
        self.items = list(items)
        self.page = min(self.page if page is None else page, self.pages - 1)
        self._render()

    def _render(self) -> None:
        start = self.page * self.per_page
        for i, b in enumerate(self.rows):
            k = start + i
            if k < len(self.items):
                row = self.items[k]
                b.setText(("✓ " if row.marked else "") + row.text)
                b.setProperty("speech", row.speech or b.text())
                b.setProperty("checked_mark", row.marked)
                restyle(b)
                b.show()
            else:
                b.hide()
        self.page_label.setText(self.page_text(self.page + 1, self.pages)
                                if self.pages > 1 else "")
        self.page_label.setVisible(self.pages > 1)

    def _clicked(self, i: int) -> None:
        self.activated.emit(self.page * self.per_page + i)

    def index_of(self, w: QWidget | None) -> int | None:
        """The item index a row button shows, or None."""
        if w in self.rows:
            return self.page * self.per_page + self.rows.index(w)  # type: ignore[arg-type]
        return None

    def show_index(self, index: int) -> QPushButton:
        """Turn to the page holding item `index` and return its row."""
        index = max(0, min(index, len(self.items) - 1))
        page = index // self.per_page
        if page != self.page:
            self.page = page
            self._render()
        return self.rows[index - page * self.per_page]

    def turn(self, w: QWidget | None, down: bool) -> QPushButton | None:
        """At the page's last (first) row, the first (last) row of the next (previous) page."""
        i = self.index_of(w)
        if i is None:
            return None
        start = self.page * self.per_page
        last = min(start + self.per_page, len(self.items)) - 1
        if down and i == last and last + 1 < len(self.items):
            return self.show_index(last + 1)
        if not down and i == start and start > 0:
            return self.show_index(start - 1)
        return None


class DigitBox(QPushButton):
    """The number being typed on the remote's digit keys (masked for a PIN)."""

    def __init__(self, parent: QWidget, name: str, max_len: int, masked: bool = False) -> None:
        super().__init__(parent)
        self.setObjectName(name)
        self.setProperty("role", "digits")
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setAutoDefault(False)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.max_len = max_len
        self.masked = masked
        self.digits = ""
        self.placeholder = ""
        self.spoken_name = ""
        self.masked_speech = lambda n: str(n)  # "3 digits typed", never the digits

    def type_digit(self, d: str) -> bool:
        """Append one digit; False when full."""
        if len(self.digits) >= self.max_len:
            return False
        self.digits += d
        self.refresh()
        return True

    def delete(self) -> None:
        """Remove the last digit."""
        self.digits = self.digits[:-1]
        self.refresh()

    def clear_digits(self) -> None:
        """Forget everything typed."""
        self.digits = ""
        self.refresh()

    def refresh(self) -> None:
        """Redraw (and set what read-aloud says: never the digits of a PIN)."""
        if not self.digits:
            self.setText(self.placeholder)
            self.setProperty(SPEECH, f"{self.spoken_name} {self.placeholder}".strip())
            return
        shown = "●" * len(self.digits) if self.masked else " ".join(self.digits)
        self.setText(shown)
        said = self.masked_speech(len(self.digits)) if self.masked else " ".join(self.digits)
        self.setProperty(SPEECH, f"{self.spoken_name} {said}".strip())


class TextPanel(QScrollArea):
    """A long text the arrows scroll while it has focus (read aloud as a whole)."""

    def __init__(self, parent: QWidget, name: str) -> None:
        super().__init__(parent)
        self.setObjectName(name)
        self.setProperty("panel", True)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setWidgetResizable(True)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.text = label(self, "", name=f"{name}_text")
        self.text.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.text.setContentsMargins(24, 16, 24, 16)
        self.setWidget(self.text)

    def set_text(self, text: str) -> None:
        """Show `text` from the top."""
        self.text.setText(text)
        self.setProperty(SPEECH, text)
        self.verticalScrollBar().setValue(0)

    def scroll_page(self, down: bool) -> bool:
        """Scroll about two thirds of a page; False when already at that end."""
        bar = self.verticalScrollBar()
        before = bar.value()
        step = max(40, self.viewport().height() * 2 // 3)
        bar.setValue(before + (step if down else -step))
        return bar.value() != before
