"""Touch use of long screens: the field being typed into stays above the keyboard, and a
finger drags and flicks lists and forms."""

from __future__ import annotations

from PySide6.QtCore import QPoint, QRect, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QPushButton, QScrollArea, QScrollBar, QScroller

from qt_common import ELDER, STANDARD
from qt_common.touch import is_kinetic
from tests.kiosk.conftest import EVERY_FIELD, settle
from tests.kiosk.drive import find, tap


def _in_window(w) -> QRect:
    return QRect(w.mapTo(w.window(), QPoint(0, 0)), w.size())


def _uncovered(win, area: QScrollArea) -> QRect:
    """The part of a scroll area's viewport the resident sees: not under the input panel."""
    view = _in_window(area.viewport())
    if win.panel.isVisible():
        view.setBottom(min(view.bottom(), _in_window(win.panel).top() - 1))
    return view


def _form_in_elder_mode(qtbot, win):
    tap(qtbot, find(win, "elder_mode", QPushButton))
    win.go("form", service_id=EVERY_FIELD)
    settle(qtbot, win)
    screen = win.screens["form"]
    qtbot.waitUntil(lambda: screen.area.verticalScrollBar().maximum() > 0, timeout=5000)
    return screen


def test_the_field_typed_into_shows_above_the_keyboard(kiosk, qtbot):
    screen = _form_in_elder_mode(qtbot, kiosk)
    area, ed = screen.area, screen.form.editors
    last = ed["f_address"].edit  # the last text field of a long form
    # the resident scrolls until the field is at the bottom of the screen and taps it
    bar = area.verticalScrollBar()
    row = screen.form.rows["f_address"]
    bar.setValue(row.mapTo(area.widget(), QPoint(0, 0)).y() + row.height() - area.viewport().height())
    qtbot.wait(30)
    assert _uncovered(kiosk, area).contains(_in_window(last))
    tap(qtbot, last)
    assert kiosk.panel.isVisible() and kiosk.panel.currentWidget() is kiosk.panel.keyboard
    seen = lambda w: _uncovered(kiosk, area).contains(_in_window(w))  # noqa: E731
    qtbot.waitUntil(lambda: seen(last), timeout=2000)
    assert seen(row.label)  # the field's label too, so the resident knows what to type
    # and a field given focus out of sight (after an error, say) is brought into view
    first = ed["f_text"].edit
    assert not seen(first)
    first.setFocus()
    qtbot.waitUntil(lambda: kiosk.panel.target is first and seen(first), timeout=2000)
    # the keyboard going away gives the room back
    kiosk.panel.attach(None)
    qtbot.waitUntil(lambda: _in_window(area.viewport()).bottom() > _in_window(kiosk.panel).top()
                    or not kiosk.panel.isVisible(), timeout=2000)


def _scrollbars(win) -> list[QScrollBar]:
    return [b for b in win.findChildren(QScrollBar) if b.isVisible()]


def test_scrollbars_are_finger_wide_in_both_modes(kiosk, qtbot):
    kiosk.go("form", service_id=EVERY_FIELD)
    settle(qtbot, kiosk)
    qtbot.wait(30)
    bars = _scrollbars(kiosk)
    assert bars and all(b.width() >= STANDARD.target_px for b in bars)
    screen = _form_in_elder_mode(qtbot, kiosk)
    qtbot.wait(30)
    bars = [b for b in _scrollbars(kiosk) if screen.isAncestorOf(b)]
    assert bars and all(b.width() >= ELDER.target_px for b in bars)


def _drag(qtbot, win, widget, dy: int) -> None:
    """A finger (a touch panel acting as a mouse) put on `widget` and moved up by `dy`."""
    window = win.windowHandle()
    start = widget.mapTo(win, widget.rect().center())
    QTest.mousePress(window, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, start)
    steps = 12
    for i in range(1, steps + 1):
        QTest.mouseMove(window, start - QPoint(0, dy * i // steps), 8)
    QTest.mouseRelease(window, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier,
                       start - QPoint(0, dy), 8)


def test_a_finger_drags_and_flicks_a_long_list(kiosk, qtbot):
    kiosk.go("services", family="gov")
    settle(qtbot, kiosk)
    screen = kiosk.screens["services"]
    area = screen.findChild(QScrollArea)
    bar = area.verticalScrollBar()
    qtbot.waitUntil(lambda: bar.maximum() > 0 and is_kinetic(area), timeout=5000)
    assert bar.value() == 0
    first = screen._items[0]
    _drag(qtbot, kiosk, first, 300)
    qtbot.waitUntil(lambda: bar.value() > 100, timeout=10000)  # slow under a loaded CI
    assert kiosk.current() is screen  # a drag over a service is a scroll, not a tap
    moved = bar.value()
    qtbot.wait(300)
    assert bar.value() >= moved  # a flick keeps going for a moment (kinetic), never back
    scroller = QScroller.scroller(area)
    qtbot.waitUntil(lambda: scroller.state() == QScroller.State.Inactive, timeout=5000)
    # once the list has come to rest, a tap still opens a service
    target = next(b for b in screen._items if _in_window(area.viewport()).contains(
        _in_window(b).center()))
    tap(qtbot, target)
    qtbot.waitUntil(lambda: kiosk.current().name == "form", timeout=3000)


def test_a_touch_drag_scrolls_a_form(kiosk, qtbot):
    from PySide6.QtGui import QPointingDevice

    kiosk.go("form", service_id=EVERY_FIELD)
    settle(qtbot, kiosk)
    area = kiosk.screens["form"].area
    bar = area.verticalScrollBar()
    qtbot.waitUntil(lambda: bar.maximum() > 0 and is_kinetic(area), timeout=5000)
    device = QTest.createTouchDevice(QPointingDevice.DeviceType.TouchScreen)
    window = kiosk.windowHandle()
    start = area.viewport().mapTo(kiosk, area.viewport().rect().center())
    QTest.touchEvent(window, device).press(0, start, window)
    for i in range(1, 13):
        qtbot.wait(8)
        QTest.touchEvent(window, device).move(0, start - QPoint(0, 25 * i), window)
    QTest.touchEvent(window, device).release(0, start - QPoint(0, 300), window)
    qtbot.waitUntil(lambda: bar.value() > 100, timeout=10000)  # slow under a loaded CI
