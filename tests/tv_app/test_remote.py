"""The remote's bad input: held and bouncing keys, keys it doesn't have, a lapsed session."""

from __future__ import annotations

from PySide6.QtCore import Qt

from tests.conftest import client_for
from tests.tv_app.checks import one_visible_focus
from tests.tv_app.conftest import DOWN, OK, UP
from tv_app.config import Timing
from tv_app.remote import Debouncer, Key, Press, translate


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_debouncer_rules():
    clock = Clock()
    d = Debouncer(Timing(), clock)
    ok, down, one = Press(Key.OK), Press(Key.DOWN), Press(Key.DIGIT, "1")
    assert d.accept(ok, False) is None
    clock.now += 0.05
    assert d.accept(ok, False) == "bounce"  # an IR repeat of the same code
    clock.now += 0.5
    assert d.accept(ok, True) == "held"  # OK held down counts once
    clock.now += 0.5
    assert d.accept(ok, False) is None
    assert d.accept(down, False) is None  # fast distinct presses are real
    clock.now += 0.01
    assert d.accept(down, False) is None
    clock.now += 0.05
    assert d.accept(down, True) == "held"  # a held arrow moves at a steady pace
    clock.now += 0.2
    assert d.accept(down, True) is None
    assert d.accept(one, False) is None
    clock.now += 0.05
    assert d.accept(one, False) == "bounce"
    clock.now += 0.2
    assert d.accept(one, False) is None  # "11" typed by a person
    assert d.accept(Press(Key.DIGIT, "2"), False) is None


def test_keyboard_equivalents():
    assert translate(Qt.Key.Key_Return) == Press(Key.OK)
    assert translate(Qt.Key.Key_Select) == Press(Key.OK)
    assert translate(Qt.Key.Key_Escape) == Press(Key.BACK)
    assert translate(Qt.Key.Key_Back) == Press(Key.BACK)
    assert translate(Qt.Key.Key_HomePage) == Press(Key.HOME)
    assert translate(Qt.Key.Key_Red) == Press(Key.SOS)
    assert translate(Qt.Key.Key_F12) == Press(Key.SOS)
    assert translate(Qt.Key.Key_7) == Press(Key.DIGIT, "7")
    assert translate(Qt.Key.Key_A) is None and translate(Qt.Key.Key_Tab) is None


def test_unknown_keys_are_answered_and_change_nothing(tv):
    focused, screen = tv.focused, tv.screen
    for key in (Qt.Key.Key_A, Qt.Key.Key_Tab, Qt.Key.Key_F5, Qt.Key.Key_VolumeUp):
        tv.press(key)
        assert tv.focused is focused and tv.screen is screen
    assert "这个键不能用" in tv.app.window.hint.text()
    assert any("这个键不能用" in s.text for s in tv.app.narrator.history)
    tv.press(Qt.Key.Key_5)  # digits on a screen without digit entry
    assert "不用数字键" in tv.app.window.hint.text()
    one_visible_focus(tv)


def test_held_and_fast_keys_on_a_list(tv):
    tv.focus_to("tile_bills")
    tv.press(OK)
    tv.wait(lambda: tv.screen.name == "bills" and tv.screen.bills)
    rows = tv.screen.rows
    # a held Down: one press then auto-repeats every 50 ms for 0.5 s → about 4 moves, not 10
    tv.press(DOWN)
    for _ in range(10):
        tv.press(DOWN, gap=0.05, held=True)
    moved = rows.index_of(tv.focused)
    assert 3 <= moved <= 5, moved
    # fast separate presses all count
    for _ in range(moved):
        tv.press(UP, gap=0.03)
    assert rows.index_of(tv.focused) == 0
    # a bouncing OK opens one screen, not two
    depth = len(tv.app.nav.stack)
    tv.press(OK)
    tv.press(OK, gap=0.05)
    tv.press(OK, held=True)
    assert len(tv.app.nav.stack) == depth + 1 and tv.screen.name == "bill"
    one_visible_focus(tv)


def test_a_lapsed_session_signs_in_again_by_itself(tv, live_server):
    token = tv.app.backend._token
    client_for(live_server.app, "tv").post("/api/v1/auth/logout", token=token)
    tv.focus_to("tile_messages")
    tv.press(OK)
    tv.wait_screen("messages")
    tv.focus_to("tile_matters")
    tv.press(OK)
    tv.wait(lambda: tv.screen.name == "list_matters" and "暂时没有" in tv.focused.text())
    assert tv.app.backend._token != token
