"""The TV app against a real seeded portal over HTTP, driven only by remote key events."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterator

import pytest
from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication, QWidget

from tv_app.config import Timing, TvConfig

TV_TOKEN = "tv-test-token"
BOX = "STB-DEMO-0001"
# Qt keys of the remote (PC keyboard equivalents as the README lists them).
UP, DOWN, LEFT, RIGHT = Qt.Key.Key_Up, Qt.Key.Key_Down, Qt.Key.Key_Left, Qt.Key.Key_Right
OK, BACK, HOME, SOS = Qt.Key.Key_Return, Qt.Key.Key_Escape, Qt.Key.Key_Home, Qt.Key.Key_F12
RED = Qt.Key.Key_Red


class FakeClock:
    """The remote's clock: each test press is a human press apart unless told otherwise."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


class Tv:
    """A running TV app and a remote to press its keys."""

    def __init__(self, app, qtbot, clock: FakeClock) -> None:
        self.app = app
        self.qtbot = qtbot
        self.clock = clock

    @property
    def screen(self):
        return self.app.nav.current

    @property
    def focused(self) -> QWidget | None:
        return self.app.nav.focused

    def target(self) -> QWidget:
        return QApplication.focusWidget() or self.app.window

    def press(self, key: int, times: int = 1, gap: float = 1.0, held: bool = False) -> None:
        """Press a remote key (`gap` seconds after the previous press; `held`: auto-repeat)."""
        for _ in range(times):
            self.clock.now += gap
            w = self.target()
            down = QKeyEvent(QEvent.Type.KeyPress, key, Qt.KeyboardModifier.NoModifier, "",
                             held)
            QApplication.sendEvent(w, down)
            up = QKeyEvent(QEvent.Type.KeyRelease, key, Qt.KeyboardModifier.NoModifier, "",
                           held)
            QApplication.sendEvent(w, up)
            QApplication.processEvents()

    def digits(self, text: str) -> None:
        for ch in text:
            self.press(getattr(Qt.Key, f"Key_{ch}"))

    def wait(self, condition: Callable[[], object], timeout: int = 15000) -> None:
        self.qtbot.waitUntil(lambda: bool(condition()), timeout=timeout)

    def wait_screen(self, name: str, timeout: int = 15000) -> None:
        self.wait(lambda: self.screen is not None and self.screen.name == name, timeout)

    def focus_to(self, object_name: str) -> None:
        """Arrow (breadth-first, by key presses) to the element with this object name."""
        from tests.tv_app.walk import walk_to

        walk_to(self, object_name)


@pytest.fixture
def tv_factory(qtbot, tmp_path) -> Iterator[Callable[..., Tv]]:
    made: list = []

    def make(server_url: str, *, box: str = BOX, speech: bool = False, data_dir=None,
             lang: str | None = None, elder: bool = True, **timing) -> Tv:
        from tv_app.app import TvApp

        clock = FakeClock()
        base = Timing(sos_retry_s=0.3, sos_poll_s=0.3, refresh_s=3600, qr_poll_s=0.3,
                      request_timeout_s=5.0, speak_after_ms=0)
        cfg = TvConfig(server_url=server_url, channel_token=TV_TOKEN, box_id=box,
                       data_dir=data_dir or tmp_path / f"tv{len(made)}", lang=lang, elder=elder,
                       speech=speech, play_audio=False, full_screen=False,
                       timing=dataclasses.replace(base, **timing))
        app = TvApp(cfg, clock=clock)
        made.append(app)
        app.start()
        qtbot.waitExposed(app.window)
        tv = Tv(app, qtbot, clock)
        return tv

    yield make
    for app in made:
        app.close()
    QApplication.processEvents()


@pytest.fixture
def tv(tv_factory, live_server) -> Tv:
    """The TV of the demo household STB-DEMO-0001, signed in, on its home screen."""
    t = tv_factory(live_server.url)
    t.wait(lambda: t.app.household is not None)
    return t
