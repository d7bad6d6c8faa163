"""Kiosk fixtures: a real portal over HTTP (content + one every-field test service) and kiosks."""

from __future__ import annotations

import os
import shutil
import threading
from pathlib import Path

import pytest

from channel_core.config import ROOT

HERE = Path(__file__).resolve().parent
# The kiosk's display is 1920×1080; Qt's offscreen screen is 800×800 unless told otherwise.
# A tap beyond the screen can't be found under the finger (QApplication.widgetAt), which the
# touch scroller relies on to hand a tap in a scroll area on to the button tapped.
if os.environ.get("QT_QPA_PLATFORM") == "offscreen":
    os.environ["QT_QPA_PLATFORM"] = f"offscreen:configfile={HERE / 'offscreen_screen.json'}"
TOKEN = "kiosk-test-token"
EVERY_FIELD = "gov.kiosk-every-field"
KIOSK_MOUNTS = ("payments.api:init_app",)


@pytest.fixture
def kiosk_content(tmp_path: Path) -> Path:
    """The project's content tree plus the every-field test service."""
    root = tmp_path / "content"
    shutil.copytree(ROOT / "content", root)
    for path in (HERE / "content").glob("*.yaml"):
        shutil.copy(path, root / "services" / path.name)
    return root


class Server:
    """A werkzeug server for the seeded portal that can be stopped and started again."""

    def __init__(self, app) -> None:
        self.app = app
        self.port = 0
        self._server = None
        self._thread: threading.Thread | None = None
        self.start()
        self.url = f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        from werkzeug.serving import make_server

        self._server = make_server("127.0.0.1", self.port, self.app, threaded=True)
        self.port = self._server.server_port
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None
        if self._thread is not None:
            self._thread.join(timeout=5)


@pytest.fixture
def portal_app(tmp_path: Path, kiosk_content: Path):
    """The whole portal on a fresh SQLite database, seeded with demo people (and bills)."""
    from portal.seed import seed_people
    from portal.server import create_server_app
    from tests.conftest import make_config

    # The kiosk needs the core and payments only; other channels' mounts stay out of its tests.
    app = create_server_app(make_config(f"sqlite:///{tmp_path / 'portal.db'}",
                                        content_dir=kiosk_content, blueprints=KIOSK_MOUNTS))
    state = app.extensions["portal"]
    seed_people(state.db, state.config)
    try:
        import payments.seed as pseed
    except ModuleNotFoundError:
        pseed = None
    if pseed is not None:
        pseed.seed(state.db, state.config)
    yield app
    state.db.dispose()


@pytest.fixture
def server(portal_app):
    """The portal served over real HTTP; `server.stop()` / `start()` simulate an outage."""
    srv = Server(portal_app)
    yield srv
    srv.stop()


@pytest.fixture
def kiosk_config(server, tmp_path: Path):
    """Settings for a kiosk on `server` with short timeouts and its own data dir."""
    from kiosk.config import KioskConfig

    return KioskConfig(server_url=server.url, channel_token=TOKEN, kiosk_id="lobby-test",
                       location={"zh_CN": "3号楼大堂", "zh_TW": "3號樓大堂", "en": "Building 3 lobby"}, data_dir=tmp_path / "kiosk-data", idle_s=60,
                       elder_idle_s=120, warn_s=20, request_timeout_s=3, fullscreen=False,
                       play_audio=False, qr_poll_s=0.2, forward_every_s=3600)


def staff(app, username: str = "admin"):
    """A console client signed in as demo staff (to check matters the kiosk created)."""
    from tests.conftest import staff_client

    return staff_client(app, username)


def settle(qtbot, win, timeout: int = 10000) -> None:
    """Wait until the kiosk's background calls have all answered."""
    qtbot.waitUntil(lambda: not win.ctx.worker.busy, timeout=timeout)


@pytest.fixture
def make_kiosk(qtbot):
    """Build kiosk windows on a config (several for restart tests); all shut down after."""
    from kiosk.app import build, shutdown

    made = []

    def make(config):
        win = build(config, warm_pinyin=False)
        win.show()
        win.activateWindow()
        qtbot.waitUntil(win.isActiveWindow, timeout=5000)
        made.append(win)
        qtbot.wait(10)  # lets the start-up sync begin
        settle(qtbot, win)
        return win

    yield make
    for win in made:
        shutdown(win)
    # Deleted now, not at some later event loop: a leaked window tree makes every app-wide
    # restyle in later tests walk it (a language switch took minutes after 60 tests).
    from PySide6.QtCore import QCoreApplication, QEvent

    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    from PySide6.QtWidgets import QApplication

    from kiosk.window import KioskWindow

    left = [w for w in QApplication.topLevelWidgets() if isinstance(w, KioskWindow)]
    assert not left, f"kiosk windows still alive after shutdown: {left}"


@pytest.fixture
def kiosk(make_kiosk, kiosk_config):
    """A kiosk window on the test server, catalog loaded."""
    win = make_kiosk(kiosk_config)
    assert win.ctx.backend.catalog is not None
    return win
