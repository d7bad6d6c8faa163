"""The screen stack, the one focus, and what each remote key does.

Back pops exactly one screen; Home pops to the home screen; every screen remembers its
last focus. Exactly one element carries the focus look (`focused` property) at any time,
and it is also Qt's focus widget, so read-aloud and tests see the same thing.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import shiboken6
from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QAbstractButton, QWidget

from qt_common.theme import restyle
from tv_app.focus import neighbour
from tv_app.remote import ARROWS, Key, Press
from tv_app.screens.base import Screen
from tv_app.widgets import join_speech, speech_of

if TYPE_CHECKING:
    from tv_app.app import TvApp


def _valid(w: QWidget | None) -> bool:
    return w is not None and shiboken6.isValid(w)


class Navigator(QObject):
    """Owns the stack of screens and dispatches remote presses."""

    screen_changed = Signal(object)  # Screen
    focus_changed = Signal(object)  # QWidget

    def __init__(self, app: TvApp) -> None:
        super().__init__(app)
        self.app = app
        self.stack: list[Screen] = []
        self.focused: QWidget | None = None
        self._memory: dict[int, str] = {}  # id(screen) → objectName of its last focus

    # --- the stack ---------------------------------------------------------------------

    @property
    def current(self) -> Screen | None:
        return self.stack[-1] if self.stack else None

    def open(self, screen: Screen) -> Screen:
        """Show `screen` one level below the current one."""
        if self.current is not None:
            self.current.leave()
        if screen in self.stack:  # a cached screen re-opened: it moves to the top
            self.stack.remove(screen)
        self.stack.append(screen)
        self._show(screen)
        return screen

    def replace(self, screen: Screen, depth: int = 1) -> Screen:
        """Close the top `depth` screens and open `screen` in their place."""
        for _ in range(min(depth, len(self.stack) - 1)):
            self._close(self.stack.pop())
        return self.open(screen)

    def back(self) -> None:
        """Up exactly one level (the home screen has no level above it)."""
        if len(self.stack) <= 1:
            self.app.hint(self.app.tr_("hint.at_home"))
            return
        self._close(self.stack.pop())
        self._show(self.stack[-1])

    def home(self, announce: bool = True) -> None:
        """Straight to the home screen."""
        while len(self.stack) > 1:
            self._close(self.stack.pop())
        if self.stack:
            self._show(self.stack[0], announce)

    def pop_to(self, screen: Screen) -> None:
        """Close everything above `screen`."""
        while self.stack and self.stack[-1] is not screen and len(self.stack) > 1:
            self._close(self.stack.pop())
        self._show(self.stack[-1])

    def _close(self, screen: Screen) -> None:
        screen.leave()
        if not screen.cached:
            self._memory.pop(id(screen), None)
            self.app.window.stack.removeWidget(screen)
            screen.deleteLater()

    def _show(self, screen: Screen, announce: bool = True) -> None:
        stack = self.app.window.stack
        if stack.indexOf(screen) < 0:
            stack.addWidget(screen)
            screen.changed.connect(lambda s=screen: self._rebuilt(s))
        stack.setCurrentWidget(screen)
        screen.enter()
        self._layout()
        self.restore_focus()
        if announce:
            self.app.narrator.say(self._announce(screen), self.app.language.lang)
        self.screen_changed.emit(screen)

    def _announce(self, screen: Screen) -> str:
        focused = speech_of(self.focused) if self.focused is not None and _valid(self.focused) \
            else ""
        return join_speech(self.app.tr_("speech.separator"), screen.intro(), focused)

    def _rebuilt(self, screen: Screen) -> None:
        if screen is self.current:
            self._layout()
            self.ensure_focus()

    def _layout(self) -> None:
        lay = self.app.window.layout()
        if lay is not None:
            lay.activate()  # geometry now, so arrows can measure where things are

    # --- focus -----------------------------------------------------------------------------

    def targets(self) -> list[QWidget]:
        """What the arrows can reach now (the alert's OK alone while an alert is up)."""
        if self.app.window.alert.isVisible():
            return [self.app.window.alert.ok]
        return self.current.focusables() if self.current else []

    def focus(self, w: QWidget, speak: bool = True) -> None:
        """Move the one focus to `w`."""
        old = self.focused
        if old is not None and _valid(old) and old is not w:
            old.setProperty("focused", False)
            restyle(old)
        self.focused = w
        w.setProperty("focused", True)
        restyle(w)
        w.setFocus()
        if self.current is not None and not self.app.window.alert.isVisible():
            self._memory[id(self.current)] = w.objectName()
        if speak:
            self.app.narrator.focus(speech_of(w), self.app.language.lang)
        self.focus_changed.emit(w)

    def restore_focus(self) -> None:
        """The screen's remembered focus, else its default."""
        targets = self.targets()
        if not targets:
            return
        name = None if self.app.window.alert.isVisible() else self._memory.get(id(self.current))
        chosen = next((w for w in targets if name and w.objectName() == name), None)
        if chosen is None and self.current is not None and not self.app.window.alert.isVisible():
            default = self.current.default_focus()
            chosen = default if default in targets else None
        self.focus(chosen or targets[0], speak=False)

    def ensure_focus(self) -> None:
        """Keep exactly one reachable element focused after the screen changed."""
        targets = self.targets()
        if _valid(self.focused) and self.focused in targets:
            self.focus(self.focused, speak=False)  # type: ignore[arg-type]
            return
        self.restore_focus()

    # --- keys --------------------------------------------------------------------------------

    def press(self, press: Press) -> None:
        """Do what one remote key means here."""
        app = self.app
        if press.key is Key.SOS:
            app.care.raise_sos()
            return
        if press.key is Key.HOME:
            app.dismiss_alert(restore=False)
            self.home()
            return
        if app.window.alert.isVisible():
            if press.key in (Key.OK, Key.BACK):
                app.dismiss_alert()
            return
        screen = self.current
        if screen is None:
            return
        focused = self.focused if _valid(self.focused) else None
        if press.key in ARROWS:
            found = screen.on_arrow(press.key, focused)
            if found is True:  # the screen used the arrow itself (scrolled a text)
                return
            target = found if isinstance(found, QWidget) else None
            if target is None and focused is not None:
                target = neighbour(focused, screen.focusables(), press.key)
            if target is not None:
                self.focus(target)
            return
        if press.key is Key.OK:
            if focused is None:
                self.ensure_focus()
            elif isinstance(focused, QAbstractButton):
                focused.click()
            return
        if press.key is Key.BACK:
            if not screen.on_back():
                self.back()
            return
        if press.key is Key.DIGIT and press.digit is not None:
            if not screen.on_digit(press.digit, focused):
                app.hint(app.tr_("hint.no_digits"))
