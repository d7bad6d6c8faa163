"""Touch scrolling and keeping the field being typed into in sight above the on-screen keyboard.

`kinetic(area)` lets a finger drag and flick a scroll area's content (QScroller), whether the
screen sends touch events or, as many kiosk panels do, emulates a mouse. `reveal(widget)`
scrolls every scroll area holding `widget` so that it shows, with a margin.
"""

from __future__ import annotations

from PySide6.QtCore import QPoint
from PySide6.QtWidgets import QAbstractScrollArea, QScrollArea, QScroller, QWidget

_GESTURE = QScroller.ScrollerGestureType


def kinetic(area: QAbstractScrollArea) -> QAbstractScrollArea:
    """Drag and flick `area` with a finger (touch) and with a touch panel that acts as a mouse.

    One scroller gesture per object: touch on the viewport, the left button on the area.
    A touch that Qt also turns into mouse events moves the content once: the touch scroller
    is active first, and an active scroller has priority over the other.
    """
    QScroller.grabGesture(area.viewport(), _GESTURE.TouchGesture)
    QScroller.grabGesture(area, _GESTURE.LeftMouseButtonGesture)
    return area


def is_kinetic(area: QAbstractScrollArea) -> bool:
    """Whether `kinetic()` was applied to `area` (both gestures grabbed)."""
    return QScroller.hasScroller(area.viewport()) and QScroller.hasScroller(area)


def reveal(widget: QWidget, margin: int, context: QWidget | None = None) -> None:
    """Scroll every scroll area holding `widget` (innermost first) until the whole widget
    shows, `margin` px clear of the visible edges; one taller than the view shows its top.

    `context` (a field's row, with its label above the editor) is shown whole where it
    fits; where it doesn't, its top is, as long as the top half of the view still holds
    the widget's first lines."""
    parent = widget.parentWidget()
    while parent is not None:
        inner = parent.widget() if isinstance(parent, QScrollArea) else None
        if isinstance(parent, QScrollArea) and inner is not None and inner.isAncestorOf(widget):
            bar = parent.verticalScrollBar()
            view = parent.viewport().height()
            top = widget.mapTo(inner, QPoint(0, 0)).y()
            _show(bar, top, top + widget.height(), view, margin)
            if context is not None and context.isAncestorOf(widget):
                above = context.mapTo(inner, QPoint(0, 0)).y()
                below = above + context.height()
                if below - above + 2 * min(margin, 8) <= view:
                    _show(bar, above, below, view, margin)
                elif top - above + min(widget.height(), view // 2) <= view:
                    bar.setValue(above)
        parent = parent.parentWidget()


def _show(bar, top: int, bottom: int, view: int, margin: int) -> None:
    """Scroll `bar` so that top..bottom is in the view, with up to `margin` around it."""
    first = bar.value()
    room = max(0, min(margin, (view - (bottom - top)) // 2))
    if top - room < first or bottom - top + 2 * room > view:
        bar.setValue(top - room)
    elif bottom + room > first + view:
        bar.setValue(bottom + room - view)
