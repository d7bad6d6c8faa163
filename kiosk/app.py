"""Build and run the kiosk: `run(...)` for `portal kiosk` / `portal demo`, `build(...)` for tests."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

from kiosk.backend import KioskBackend
from kiosk.config import KioskConfig
from kiosk.context import KioskContext
from kiosk.screens import SCREENS
from kiosk.window import KioskWindow
from qt_common import STANDARD, Language, ReadAloud, Worker, shared_index, theme
from qt_common.fonts import missing_families

WINDOW_SIZE = (1920, 1080)
PINYIN_WARM_UP_MS = 3000
SYNC_DELAY_MS = 1500


def application() -> QApplication:
    """The process's QApplication (created on first use)."""
    app = QApplication.instance()
    if app is None:
        app = QApplication(sys.argv[:1])
    assert isinstance(app, QApplication)
    return app


def warn_missing_fonts() -> None:
    """Say on stderr when the CJK fonts are missing (Han text would show as boxes)."""
    missing = missing_families()
    if missing:
        print(f"kiosk: fonts missing: {', '.join(missing)} (install fonts-noto-cjk)",
              file=sys.stderr)


def build(config: KioskConfig, warm_pinyin: bool = True) -> KioskWindow:
    """A ready kiosk window on `config` (shown by the caller); catalog refresh starts at once."""
    app = application()
    QTimer.singleShot(1000, warn_missing_fonts)  # enumerating fonts is slow: after start-up
    theme.apply(app, STANDARD, config.lang)
    ctx = KioskContext(config=config, backend=KioskBackend(config),
                       language=Language(config.lang), worker=Worker("kiosk-net"),
                       speaker=ReadAloud(play=config.play_audio))
    win = KioskWindow(ctx, SCREENS)
    win.resize(*WINDOW_SIZE)
    cached = ctx.backend.catalog is not None
    if cached:
        win.catalog_changed(True)
    # With a cached catalog the home screen is complete at once: the network check waits a
    # moment so it doesn't compete with the first paint. Without one, fetch right away.
    QTimer.singleShot(SYNC_DELAY_MS if cached else 0, win.sync)
    if warm_pinyin:  # a few seconds in, so loading the dictionary doesn't slow the first paint
        QTimer.singleShot(PINYIN_WARM_UP_MS, shared_index().warm_up)
    return win


def shutdown(win: KioskWindow) -> None:
    """Close the window, release the worker, voice and local store, and free the widgets
    (a closed window is only hidden: every later app-wide restyle would still walk it)."""
    ctx = win.ctx
    win.close()
    ctx.worker.shutdown()
    ctx.speaker.close()
    ctx.backend.close()
    win.deleteLater()


def run(server_url: str, token: str, kiosk_id: str = "kiosk-1", location: str | dict = "",
        offscreen_screenshot_dir: Path | str | None = None, **settings: object) -> int:
    """Start a kiosk on a portal server; with `offscreen_screenshot_dir`, render PNGs and exit.

    `settings` are further KioskConfig fields (data_dir, lang, idle_s, fullscreen, ...).
    """
    if offscreen_screenshot_dir is not None:
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
        settings.setdefault("play_audio", False)
        settings.setdefault("fullscreen", False)
    config = KioskConfig(server_url=server_url, channel_token=token, kiosk_id=kiosk_id,
                         location=location, **settings)  # type: ignore[arg-type]
    app = application()
    win = build(config)
    if offscreen_screenshot_dir is not None:
        from kiosk.screenshots import capture

        try:
            for path in capture(win, Path(offscreen_screenshot_dir)):
                print(f"kiosk screenshot: {path}")
        finally:
            shutdown(win)
        return 0
    if config.fullscreen:
        win.showFullScreen()
    else:
        win.show()
    QTimer.singleShot(0, win.raise_)
    code = app.exec()
    shutdown(win)
    return int(code)
