"""A docked input panel that follows focus: keyboard for text, keypad for numbers, none else.

Editors say what they need with the dynamic property ``input_mode`` on their line edit:
``text`` (keyboard with pinyin), ``digits``, ``decimal`` (keypad + '.'), ``idcard``
(keypad + 'X'), ``pin`` (scrambled keypad), or ``none``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import shiboken6
from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import QApplication, QLineEdit, QPlainTextEdit, QStackedWidget, QWidget

from qt_common.i18n import Language

if TYPE_CHECKING:  # the keyboard and keypad load when first shown
    from qt_common.keyboard import OnScreenKeyboard
    from qt_common.keypad import NumericKeypad
    from qt_common.pinyin import PinyinIndex

INPUT_MODE = "input_mode"
TEXT, DIGITS, DECIMAL, IDCARD, PIN, NONE = "text", "digits", "decimal", "idcard", "pin", "none"
_EXTRA = {DIGITS: None, DECIMAL: ".", IDCARD: "X", PIN: None}
_LIFTED = (QEvent.Type.MouseButtonRelease, QEvent.Type.TouchEnd, QEvent.Type.TouchCancel)


def set_input_mode(editor: QWidget, mode: str) -> None:
    """Declare which panel an editor needs when focused."""
    editor.setProperty(INPUT_MODE, mode)


class InputPanel(QStackedWidget):
    """Types into whichever QLineEdit/QPlainTextEdit under `scope` has focus."""

    entered = Signal(object)  # the target widget
    shown = Signal(bool)  # visible or not (screens make room for it)
    attached = Signal(object)  # the editor now receiving keys (shown: keep it in sight)

    def __init__(self, language: Language, index: PinyinIndex | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("input_panel")
        self.language = language
        self.index = index
        self._keyboard: OnScreenKeyboard | None = None
        self._keypad: NumericKeypad | None = None
        self._pinyin: bool | None = None
        self._target: QWidget | None = None
        self._scope: QWidget | None = None
        self._hide_pending = False
        self.hide()

    @property
    def keyboard(self) -> OnScreenKeyboard:
        """The on-screen keyboard (built on first use)."""
        if self._keyboard is None:
            from qt_common.keyboard import OnScreenKeyboard

            kb = OnScreenKeyboard(self.language, self.index, self)
            if self._pinyin is not None:
                kb.set_pinyin(self._pinyin)
            kb.committed.connect(self._insert)
            kb.backspace_pressed.connect(self._backspace)
            kb.entered.connect(self._enter)
            self.addWidget(kb)
            self._keyboard = kb
        return self._keyboard

    @property
    def keypad(self) -> NumericKeypad:
        """The numeric keypad (built on first use)."""
        if self._keypad is None:
            from qt_common.keypad import NumericKeypad

            pad = NumericKeypad(self.language, parent=self)
            pad.key_pressed.connect(self._insert)
            pad.backspace_pressed.connect(self._backspace)
            pad.cleared.connect(self._clear)
            pad.entered.connect(self._enter)
            self.addWidget(pad)
            self._keypad = pad
        return self._keypad

    def set_pinyin(self, on: bool) -> None:
        """Compose Chinese with pinyin (True) or type letters as they are."""
        self._pinyin = on
        if self._keyboard is not None:
            self._keyboard.set_pinyin(on)

    def setVisible(self, visible: bool) -> None:  # noqa: N802 - Qt API
        changed = visible != self.isVisible()
        super().setVisible(visible)
        if changed:
            self.shown.emit(visible)

    @property
    def target(self) -> QWidget | None:
        """The editor receiving keys, or None."""
        if self._target is not None and not shiboken6.isValid(self._target):
            self._target = None
        return self._target

    def follow_focus(self, scope: QWidget) -> None:
        """Attach to editors under `scope` when they gain focus or are tapped."""
        self._scope = scope
        app = QApplication.instance()
        assert isinstance(app, QApplication)
        app.focusChanged.connect(self._focus_changed)
        app.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt API
        if self._hide_pending and event.type() in _LIFTED:
            QTimer.singleShot(0, self._hide_if_pending)  # after the tap lands where it began
        if event.type() in (QEvent.Type.MouseButtonPress, QEvent.Type.TouchBegin):
            editor = watched
            if isinstance(watched, QWidget) and isinstance(watched.parent(), QPlainTextEdit):
                editor = watched.parent()  # the text area's viewport was tapped
            if (isinstance(editor, QLineEdit | QPlainTextEdit) and self._scope is not None
                    and shiboken6.isValid(self._scope) and self._scope.isAncestorOf(editor)
                    and editor is not self.target):
                self.attach(editor)
        return False

    def stop_following(self) -> None:
        """Detach from the application (the window is closing)."""
        app = QApplication.instance()
        if app is not None:
            app.removeEventFilter(self)
            try:
                app.focusChanged.disconnect(self._focus_changed)
            except (RuntimeError, TypeError):
                pass

    def _focus_changed(self, _old: QWidget | None, new: QWidget | None) -> None:
        if new is None or self._scope is None or not shiboken6.isValid(self._scope):
            return
        if new is self or self.isAncestorOf(new):
            return
        if isinstance(new, QLineEdit | QPlainTextEdit) and self._scope.isAncestorOf(new):
            self.attach(new)
        elif not isinstance(new, QLineEdit | QPlainTextEdit):
            self._hide_after_tap()

    def _hide_after_tap(self) -> None:
        """Hide once the finger that took focus elsewhere (a button) is lifted: hiding at
        once moves the screen under it, and the tap would end on something else."""
        self._hide_pending = True
        if QApplication.mouseButtons() == Qt.MouseButton.NoButton:
            QTimer.singleShot(0, self._hide_if_pending)

    def _hide_if_pending(self) -> None:
        if self._hide_pending:
            self.attach(None)

    def attach(self, target: QWidget | None) -> None:
        """Send keys to `target` (None hides the panel)."""
        self._hide_pending = False
        if self._keyboard is not None:
            if self.target is not None:
                self._keyboard.commit_letters()  # letters typed for the old field stay in it
            self._keyboard.reset()
        mode = str(target.property(INPUT_MODE) or TEXT) if target is not None else NONE
        if target is not None and isinstance(target, QLineEdit) and target.isReadOnly():
            mode = NONE
        self._target = target if mode != NONE else None
        if mode == NONE:
            self.hide()
            return
        if mode == TEXT:
            self.setCurrentWidget(self.keyboard)
        else:
            self.keypad.set_extra(_EXTRA.get(mode))
            self.keypad.scrambled = mode == PIN
            self.keypad.reshuffle()
            self.setCurrentWidget(self.keypad)
        self.show()
        self.attached.emit(target)

    def reset(self) -> None:
        """Detach and forget any composition (idle wipe)."""
        if self._keyboard is not None:
            self._keyboard.reset()
        self._target = None
        self._hide_pending = False
        self.hide()

    def _insert(self, text: str) -> None:
        t = self.target
        if isinstance(t, QLineEdit):
            t.insert(text)
        elif isinstance(t, QPlainTextEdit):
            t.insertPlainText(text)

    def _backspace(self) -> None:
        t = self.target
        if isinstance(t, QLineEdit):
            t.backspace()
        elif isinstance(t, QPlainTextEdit):
            t.textCursor().deletePreviousChar()

    def _clear(self) -> None:
        t = self.target
        if isinstance(t, QLineEdit | QPlainTextEdit):
            t.clear()

    def _enter(self) -> None:
        t = self.target
        if isinstance(t, QLineEdit):
            t.returnPressed.emit()
        self.entered.emit(t)
