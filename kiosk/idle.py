"""Idle reset: any touch or key restarts the clock; a countdown shows before the wipe."""

from __future__ import annotations

import time

from PySide6.QtCore import QEvent, QObject, QTimer, Signal
from PySide6.QtWidgets import QApplication

_ACTIVITY = {QEvent.Type.MouseButtonPress, QEvent.Type.KeyPress, QEvent.Type.TouchBegin,
             QEvent.Type.TouchUpdate, QEvent.Type.Wheel, QEvent.Type.InputMethod}


class IdleWatcher(QObject):
    """Counts idle time while the kiosk holds anything of a resident's ("dirty").

    `warning(seconds_left)` fires every tick during the last `warn_s` seconds,
    `activity()` when the user touches the screen again, `expired()` at the timeout.
    """

    warning = Signal(int)
    activity = Signal()
    expired = Signal()

    def __init__(self, timeout_s: float, warn_s: float, parent: QObject | None = None,
                 tick_ms: int = 200, install: bool = True) -> None:
        super().__init__(parent)
        self.timeout_s = timeout_s
        self.warn_s = warn_s
        self.dirty = False
        self._last = time.monotonic()
        self._warned = False
        self._timer = QTimer(self)
        self._timer.setInterval(tick_ms)
        self._timer.timeout.connect(self._tick)
        self._installed = False
        if install:
            self.start()

    def start(self) -> None:
        """Watch every touch and key of the application (`install=False` defers this)."""
        if not self._installed:
            app = QApplication.instance()
            assert app is not None
            app.installEventFilter(self)
            self._installed = True
        self._timer.start()

    def set_timeout(self, timeout_s: float) -> None:
        """Change the timeout (elder mode) and restart the clock."""
        self.timeout_s = timeout_s
        self.poke()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt API
        if event.type() in _ACTIVITY:
            self.poke()
        return False

    def poke(self) -> None:
        """Activity: restart the clock and mark the kiosk as holding a session."""
        self._last = time.monotonic()
        self.dirty = True
        if self._warned:
            self._warned = False
            self.activity.emit()

    def seconds_left(self) -> float:
        return self.timeout_s - (time.monotonic() - self._last)

    def _tick(self) -> None:
        if not self.dirty:
            return
        left = self.seconds_left()
        if left <= 0:
            self.dirty = False
            self._warned = False
            self.expired.emit()
        elif left <= self.warn_s:
            self._warned = True
            self.warning.emit(int(left + 0.999))

    def clean(self) -> None:
        """The kiosk was reset: nothing personal left, so stop counting."""
        self.dirty = False
        self._warned = False

    def stop(self) -> None:
        self._timer.stop()
        app = QApplication.instance()
        if app is not None and self._installed:
            app.removeEventFilter(self)
            self._installed = False
