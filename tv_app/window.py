"""The full-screen TV window: a safe-area frame, the screen stack, a hint line and alerts."""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import QFrame, QLabel, QStackedWidget, QVBoxLayout, QWidget

from qt_common.theme import restyle
from tv_app import look, widgets


class Alert(QFrame):
    """The only pop-up the TV shows: an alert with one OK, over the whole screen."""

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.setObjectName("alert")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.setStyleSheet("QFrame#alert { background-color: rgba(0, 0, 0, 200); }")
        outer = QVBoxLayout(self)
        outer.setContentsMargins(look.SAFE_X * 3, look.SAFE_Y * 3, look.SAFE_X * 3,
                                 look.SAFE_Y * 3)
        self.box = QFrame(self)
        self.box.setObjectName("alert_box")
        inner = QVBoxLayout(self.box)
        inner.setContentsMargins(48, 40, 48, 40)
        inner.setSpacing(28)
        self.heading = widgets.label(self.box, "", level="title", name="alert_title")
        self.text = widgets.label(self.box, "", name="alert_text")
        self.ok = widgets.button(self.box, "alert_ok", role="tile")
        inner.addWidget(self.heading)
        inner.addWidget(self.text, 1)
        inner.addWidget(self.ok)
        outer.addWidget(self.box)
        self.hide()

    def open(self, heading: str, text: str, ok: str) -> None:
        """Show an alert covering the window."""
        self.heading.setText(heading)
        self.text.setText(text)
        self.ok.setText(ok)
        parent = self.parentWidget()
        if parent is not None:
            self.setGeometry(parent.rect())
        self.show()
        self.raise_()


class TvWindow(QWidget):
    """1920×1080, everything inside the 5% safe area; screens live in `stack`.

    `first_frame` is emitted once, when the window has painted for the first time.
    """

    first_frame = Signal()

    def __init__(self) -> None:
        super().__init__()
        self._painted = False
        self.setObjectName("tv_window")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.setFixedSize(look.SCREEN_W, look.SCREEN_H)
        self.setCursor(Qt.CursorShape.BlankCursor)  # nothing here needs a pointer
        lay = QVBoxLayout(self)
        lay.setContentsMargins(look.SAFE_X, look.SAFE_Y, look.SAFE_X, look.SAFE_Y)
        lay.setSpacing(16)
        self.stack = QStackedWidget(self)
        self.stack.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        lay.addWidget(self.stack, 1)
        self.hint: QLabel = widgets.label(self, "", level="hint", name="hint_line")
        self.hint.setMinimumHeight(48)
        lay.addWidget(self.hint)
        self.alert = Alert(self)
        self._hint_timer = QTimer(self)
        self._hint_timer.setSingleShot(True)
        self._hint_timer.timeout.connect(self._show_legend)
        self.legend = ""  # which keys do what, shown whenever there is no hint

    def paintEvent(self, event) -> None:  # noqa: N802 - Qt API
        super().paintEvent(event)
        if not self._painted:
            self._painted = True
            self.first_frame.emit()

    def set_legend(self, text: str) -> None:
        """The resting text of the hint line."""
        self.legend = text
        if not self._hint_timer.isActive():
            self._show_legend()

    def _show_legend(self) -> None:
        self.hint.setText(self.legend)
        self.hint.setProperty("level", "hint")
        restyle(self.hint)

    def show_hint(self, text: str, seconds: float = 6.0) -> None:
        """A short message on the hint line (never a pop-up)."""
        self.hint.setText(text)
        self.hint.setProperty("level", "notice")
        restyle(self.hint)
        self._hint_timer.start(int(seconds * 1000))

    def resizeEvent(self, event) -> None:  # noqa: N802 - Qt API
        super().resizeEvent(event)
        if self.alert.isVisible():
            self.alert.setGeometry(self.rect())
