"""Arrow navigation between the focusable elements of a screen, by where they are drawn."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QPoint, QRect
from PySide6.QtWidgets import QWidget

from tv_app.remote import Key


def window_rect(w: QWidget) -> QRect:
    """The widget's rectangle in its window's coordinates."""
    return QRect(w.mapTo(w.window(), QPoint(0, 0)), w.size())


def _overlap(a0: int, a1: int, b0: int, b1: int) -> int:
    return max(0, min(a1, b1) - max(a0, b0))


def neighbour(current: QWidget, candidates: Sequence[QWidget], direction: Key) -> QWidget | None:
    """The candidate the arrow `direction` leads to from `current`, or None at an edge.

    Candidates must lie beyond `current` in that direction; the nearest wins, and one that
    shares a row (or column) beats one that only lies diagonally.
    """
    cur = window_rect(current)
    best: tuple[float, QWidget] | None = None
    for w in candidates:
        if w is current:
            continue
        r = window_rect(w)
        if direction is Key.DOWN:
            gap, lined = r.top() - cur.bottom(), _overlap(cur.left(), cur.right(), r.left(), r.right())
            off = abs(r.center().x() - cur.center().x())
            ahead = r.center().y() > cur.center().y() and r.top() >= cur.center().y()
        elif direction is Key.UP:
            gap, lined = cur.top() - r.bottom(), _overlap(cur.left(), cur.right(), r.left(), r.right())
            off = abs(r.center().x() - cur.center().x())
            ahead = r.center().y() < cur.center().y() and r.bottom() <= cur.center().y()
        elif direction is Key.RIGHT:
            gap, lined = r.left() - cur.right(), _overlap(cur.top(), cur.bottom(), r.top(), r.bottom())
            off = abs(r.center().y() - cur.center().y())
            ahead = r.center().x() > cur.center().x() and r.left() >= cur.center().x()
        elif direction is Key.LEFT:
            gap, lined = cur.left() - r.right(), _overlap(cur.top(), cur.bottom(), r.top(), r.bottom())
            off = abs(r.center().y() - cur.center().y())
            ahead = r.center().x() < cur.center().x() and r.right() <= cur.center().x()
        else:
            return None
        if not ahead:
            continue
        score = max(gap, 0) + (off * 0.5 if lined else 10000 + off * 2)
        if best is None or score < best[0]:
            best = (score, w)
    return best[1] if best else None
