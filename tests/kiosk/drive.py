"""Driving the kiosk the way a resident does: taps on buttons and keys, text into fields."""

from __future__ import annotations

from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import (
    QAbstractButton,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QScrollArea,
    QWidget,
)

from qt_common.accessibility import widget_text


def scroll_to(widget: QWidget) -> None:
    """Scroll the areas holding `widget` until its centre shows, as a resident would first."""
    parent = widget.parentWidget()
    while parent is not None:
        if isinstance(parent, QScrollArea) and parent.widget() is not None \
                and parent.widget().isAncestorOf(widget):
            centre = widget.mapTo(parent.viewport(), widget.rect().center())
            if not parent.viewport().rect().contains(centre):
                bar = parent.verticalScrollBar()
                at = widget.mapTo(parent.widget(), QPoint(0, widget.height() // 2)).y()
                bar.setValue(at - parent.viewport().height() // 2)
        parent = parent.parentWidget()


def tap(qtbot, widget: QWidget) -> None:
    """A finger on a button (mouse press + release at its centre), scrolled to first."""
    assert widget.isVisible() and widget.isEnabled(), widget.objectName()
    scroll_to(widget)
    qtbot.mouseClick(widget, Qt.MouseButton.LeftButton)


def find(win: QWidget, name: str, cls: type = QWidget) -> QWidget:
    w = win.findChild(cls, name)
    assert w is not None, f"no {cls.__name__} named {name}"
    return w


def type_digits(qtbot, keypad, digits: str) -> None:
    """Tap digits on a (possibly scrambled) numeric keypad by their labels."""
    for d in digits:
        tap(qtbot, keypad.button_for(d))


def focus_and_type(qtbot, win, edit: QWidget, text: str) -> None:
    """Tap a field and type: ASCII on the on-screen keys, other text with setText.

    (pytest-qt's keyClicks with Chinese aborts the process, so CJK text is set directly.)
    """
    tap(qtbot, edit)
    panel = win.panel
    if not text.isascii():
        if isinstance(edit, QPlainTextEdit):
            edit.setPlainText(text)
        else:
            edit.setText(text)
        return
    assert panel.isVisible() and panel.target is edit
    if panel.currentWidget() is panel.keypad:
        for ch in text:
            tap(qtbot, panel.keypad.button_for(ch))
        return
    kb = panel.keyboard
    if kb.pinyin:
        kb.set_pinyin(False)
    for ch in text:
        if ch == " ":
            tap(qtbot, find(kb, "key_space"))
        elif ch.isalnum():
            if ch.isupper() != kb.shift and ch.isalpha():
                tap(qtbot, find(kb, "key_shift"))
            tap(qtbot, find(kb, f"key_{ch.lower()}"))
        else:
            kb.press(ch)


def visible_texts(root: QWidget) -> list[tuple[QWidget, str]]:
    """(widget, text) of every visible label, button and field with text, placeholders too."""
    out = []
    for w in [root, *root.findChildren(QWidget)]:
        if not w.isVisible():
            continue
        text = widget_text(w) if isinstance(w, QLabel | QAbstractButton | QLineEdit |
                                            QPlainTextEdit) else ""
        if text:
            out.append((w, text))
        if isinstance(w, QLineEdit | QPlainTextEdit) and w.placeholderText():
            out.append((w, w.placeholderText()))
    return out


def all_texts(root: QWidget) -> str:
    """Every text held by any widget under root, visible or not (for the wipe check)."""
    parts = []
    for w in [root, *root.findChildren(QWidget)]:
        if isinstance(w, QLabel | QAbstractButton | QLineEdit | QPlainTextEdit):
            parts.append(widget_text(w))
        if isinstance(w, QLineEdit):
            parts.append(w.displayText())
        parts.append(w.toolTip())
        parts.append(w.windowTitle())
    return "\n".join(parts)
