"""The remote control: Qt keys → remote keys, with bounce and held-key handling.

Remote keys (and their PC keyboard equivalents):

    arrows          ↑ ↓ ← →
    OK              Enter / Return / Space (remote Select)
    Back            Esc / Backspace (remote Back, Exit)
    Home            Home (remote Home page)
    digits          0–9 (main row or keypad)
    SOS (red key)   F12 (remote Red)

An IR remote repeats codes and elderly hands hold keys down: a held OK, digit, Back or SOS
counts once; a held arrow moves at a steady pace; the same key again within a few hundred
milliseconds is a bounce. Every other key is "unknown" and answered with a hint, never acted on.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum
from functools import cache

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QWidget

from tv_app.config import Timing


class Key(Enum):
    """What a remote can say."""

    UP = "up"
    DOWN = "down"
    LEFT = "left"
    RIGHT = "right"
    OK = "ok"
    BACK = "back"
    HOME = "home"
    DIGIT = "digit"
    SOS = "sos"


ARROWS = (Key.UP, Key.DOWN, Key.LEFT, Key.RIGHT)
# Qt key names → remote keys; resolved on the first key press (Qt.Key is a large enum and
# building it is measurable at start-up).
_NAMES: dict[str, Key] = {
    "Up": Key.UP, "Down": Key.DOWN, "Left": Key.LEFT, "Right": Key.RIGHT,
    "Return": Key.OK, "Enter": Key.OK, "Space": Key.OK, "Select": Key.OK,
    "Escape": Key.BACK, "Backspace": Key.BACK, "Back": Key.BACK, "Exit": Key.BACK,
    "Home": Key.HOME, "HomePage": Key.HOME,
    "Red": Key.SOS, "F12": Key.SOS,
}
_MODIFIERS = ("Shift", "Control", "Alt", "Meta")


@cache
def keymap() -> tuple[dict[int, Key], dict[int, str], frozenset[int]]:
    """(Qt key → remote key, Qt key → digit, modifier keys) as plain ints."""
    k = Qt.Key
    keys = {int(getattr(k, f"Key_{n}").value): key for n, key in _NAMES.items()}
    digits = {int(getattr(k, f"Key_{d}").value): str(d) for d in range(10)}
    mods = frozenset(int(getattr(k, f"Key_{n}").value) for n in _MODIFIERS)
    return keys, digits, mods


@dataclass(frozen=True)
class Press:
    """One accepted key press of the remote."""

    key: Key
    digit: str | None = None
    held: bool = False  # an auto-repeat of a held arrow


def translate(qt_key: int) -> Press | None:
    """The remote key for a Qt key, or None for a key the remote does not have."""
    keys, digits, _ = keymap()
    code = int(getattr(qt_key, "value", qt_key))
    if code in digits:
        return Press(Key.DIGIT, digits[code])
    key = keys.get(code)
    return Press(key) if key is not None else None


class Debouncer:
    """Decides which raw key events are real presses (pure logic, clock injectable)."""

    def __init__(self, timing: Timing, clock: Callable[[], float] = time.monotonic) -> None:
        self.timing = timing
        self.clock = clock
        self._last: tuple[Key, str | None] | None = None
        self._last_at = -1e9
        self._last_move_at = -1e9

    def accept(self, press: Press, auto_repeat: bool) -> str | None:
        """None if `press` counts; otherwise why not ("held" or "bounce")."""
        now = self.clock()
        if press.key in ARROWS:
            if auto_repeat and (now - self._last_move_at) * 1000 < self.timing.arrow_repeat_ms:
                return "held"
            self._last_move_at = now
            self._last, self._last_at = (press.key, None), now
            return None
        if auto_repeat:
            return "held"
        window = (self.timing.digit_debounce_ms if press.key is Key.DIGIT
                  else self.timing.ok_debounce_ms)
        ident = (press.key, press.digit)
        if ident == self._last and (now - self._last_at) * 1000 < window:
            self._last_at = now  # a chattering contact keeps bouncing until it settles
            return "bounce"
        self._last, self._last_at = ident, now
        return None


class RemoteFilter(QObject):
    """Application event filter: every key meant for `window` becomes a remote press.

    Widgets never see key events (a focused button can't be "clicked" by Space behind the
    app's back), so what a key does is decided in one place, the window's navigator.
    """

    pressed = Signal(object)  # Press
    dropped = Signal(object, str)  # Press, "held" | "bounce"
    unknown = Signal(int)  # Qt key

    def __init__(self, window: QWidget, timing: Timing,
                 clock: Callable[[], float] = time.monotonic) -> None:
        super().__init__(window)
        self.window = window
        self.debouncer = Debouncer(timing, clock)

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt API
        kind = event.type()
        if kind not in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease,
                        QEvent.Type.ShortcutOverride):
            return False
        if not isinstance(obj, QWidget) or obj.window() is not self.window:
            return False
        if kind == QEvent.Type.KeyPress:
            assert isinstance(event, QKeyEvent)
            self.handle(event.key(), event.isAutoRepeat())
        return True

    def handle(self, qt_key: int, auto_repeat: bool = False) -> None:
        """Turn one raw key into a press, a dropped repeat, or an unknown key."""
        press = translate(qt_key)
        if press is None:
            if int(getattr(qt_key, "value", qt_key)) not in keymap()[2]:
                self.unknown.emit(int(getattr(qt_key, "value", qt_key)))
            return
        why = self.debouncer.accept(press, auto_repeat)
        if why is not None:
            self.dropped.emit(press, why)
            return
        if auto_repeat:
            press = Press(press.key, press.digit, held=True)
        self.pressed.emit(press)
