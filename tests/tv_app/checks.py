"""What every TV screen must satisfy, measured on the rendered window."""

from __future__ import annotations

from PySide6.QtCore import QRect
from PySide6.QtGui import QColor, QFontInfo, QImage
from PySide6.QtWidgets import QAbstractButton, QApplication, QLabel, QWidget

from qt_common.accessibility import MIN_CONTRAST, background_of, contrast_ratio
from tests.tv_app.walk import Explorer, node
from tv_app import look
from tv_app.focus import window_rect

FOCUS = QColor(look.PALETTE.focus)


def _visible(root: QWidget) -> list[QWidget]:
    return [w for w in root.findChildren(QWidget)
            if w.isVisible() and not w.visibleRegion().isEmpty()]


def focus_share(img: QImage, rect: QRect) -> float:
    """How much of `rect` is drawn in the focus colour."""
    rect = rect.intersected(img.rect())
    hits = total = 0
    for y in range(rect.top(), rect.bottom() + 1, 4):
        for x in range(rect.left(), rect.right() + 1, 4):
            total += 1
            c = QColor(img.pixel(x, y))
            if abs(c.red() - FOCUS.red()) + abs(c.green() - FOCUS.green()) + \
                    abs(c.blue() - FOCUS.blue()) < 30:
                hits += 1
    return hits / max(total, 1)


def ring_share(img: QImage, rect: QRect, width: int = 6) -> float:
    """How much of the rim of `rect` (a focus border) is drawn in the focus colour."""
    inner = rect.adjusted(width, width, -width, -width)
    rect = rect.intersected(img.rect())
    hits = total = 0
    for y in range(rect.top(), rect.bottom() + 1, 2):
        for x in range(rect.left(), rect.right() + 1, 2):
            if inner.contains(x, y):
                continue
            total += 1
            c = QColor(img.pixel(x, y))
            if abs(c.red() - FOCUS.red()) + abs(c.green() - FOCUS.green()) + \
                    abs(c.blue() - FOCUS.blue()) < 30:
                hits += 1
    return hits / max(total, 1)


def shows_focus(img: QImage, rect: QRect) -> bool:
    """A focus look: filled with the focus colour, or framed by it."""
    return focus_share(img, rect) > 0.05 or ring_share(img, rect) > 0.5


def one_visible_focus(tv) -> QWidget:
    """Exactly one element carries the focus, it is Qt's focus widget, and only it is drawn
    in the focus colour."""
    window = tv.app.window
    QApplication.processEvents()
    marked = [w for w in _visible(window) if w.property("focused")]
    assert len(marked) == 1, [w.objectName() for w in marked]
    focused = marked[0]
    assert focused is tv.focused
    assert QApplication.focusWidget() is focused
    img = window.grab().toImage()
    assert shows_focus(img, window_rect(focused)), focused.objectName()
    for w in tv.app.nav.targets():
        if w is not focused:
            assert not shows_focus(img, window_rect(w)), w.objectName()
            assert focus_share(img, window_rect(w)) < 0.01, w.objectName()
    return focused


def ten_foot_rules(tv) -> None:
    """Text ≥ 30 px, inside the 5% safe area, ≤ 6 focusable elements, contrast ≥ 4.5:1."""
    window = tv.app.window
    safe = QRect(look.SAFE_X, look.SAFE_Y, look.SCREEN_W - 2 * look.SAFE_X,
                 look.SCREEN_H - 2 * look.SAFE_Y)
    img = window.grab().toImage().convertToFormat(QImage.Format.Format_RGB32)
    targets = tv.app.nav.targets()
    assert 1 <= len(targets) <= look.MAX_TILES, [w.objectName() for w in targets]
    alert = tv.app.window.alert
    shown = _visible(alert.box) if alert.isVisible() else _visible(window)  # what can be read
    for w in shown:
        text = w.text() if isinstance(w, QLabel | QAbstractButton) else ""
        if not text.strip() and w not in targets:
            continue
        r = window_rect(w)
        assert safe.contains(r), (w.objectName(), r, safe)
        if text.strip():
            px = QFontInfo(w.font()).pixelSize()
            assert px >= look.MIN_TEXT_PX, (w.objectName(), px)
            fg = w.palette().color(w.foregroundRole())
            ratio = contrast_ratio(fg, background_of(w, img))
            assert ratio >= MIN_CONTRAST, (w.objectName(), text[:20], ratio)


def all_reachable(tv) -> None:
    """Every focusable element of the screen is reachable with the arrows."""
    start = node(tv)
    explorer = Explorer(tv)
    seen = {n[0] for n in explorer.explore()}
    names = {w.objectName() for w in tv.app.nav.targets()}
    assert names <= seen, (names - seen, start)
    explorer.goto(start)  # leave the focus where the user had it


def screen_ok(tv) -> None:
    """All of the above for the current screen."""
    one_visible_focus(tv)
    ten_foot_rules(tv)
    all_reachable(tv)
    one_visible_focus(tv)
