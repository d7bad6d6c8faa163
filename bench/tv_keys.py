"""TV app: key press to repaint, beside a bare PySide6 widget doing the same, same run.

A key event goes in the way a remote's does (to the focused widget, through the app's event
filter) and the clock stops when the element that should now look focused has been painted
(its Paint event is delivered, offscreen or on a display). Measured:

* baseline — a bare 3×2 grid of QPushButtons whose key handler moves Qt focus;
* TV, arrows on home — ←/→ between tiles (focus look, read-aloud request, no network);
* TV, arrows through a paged list — ↓ through the household's bills, turning pages;
* TV, OK opens a screen — OK on "Messages" until the hub's focused tile is painted, then Back
  (the hub is kept after its first visit), and OK on "Meals", whose service screen is built
  anew each time;
* the same arrows with read-aloud on (speech is rendered off the UI thread).

Prints medians and 95th percentiles in milliseconds and the ratios to the baseline.

    .venv/bin/python bench/tv_keys.py [--presses 200]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))
if not os.environ.get("DISPLAY"):
    os.environ["QT_QPA_PLATFORM"] = "offscreen"

from PySide6.QtCore import QEvent, QEventLoop, QObject, Qt, QTimer  # noqa: E402
from PySide6.QtGui import QKeyEvent  # noqa: E402
from PySide6.QtWidgets import QApplication, QGridLayout, QPushButton, QWidget  # noqa: E402
from tv_startup import BOX, TOKEN, serve_portal  # noqa: E402


class PaintWatch(QObject):
    """Stops `loop` when the widget `expect()` names has been painted."""

    def __init__(self) -> None:
        super().__init__()
        self.expect = lambda: None
        self.loop: QEventLoop | None = None
        self.at = 0.0

    def eventFilter(self, obj, event) -> bool:  # noqa: N802 - Qt API
        if self.loop is not None and event.type() == QEvent.Type.Paint \
                and obj is self.expect():
            self.at = time.perf_counter()
            self.loop.quit()
        return False


def press(app: QApplication, key: int) -> None:
    target = app.focusWidget()
    for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
        app.sendEvent(target, QKeyEvent(kind, key, Qt.KeyboardModifier.NoModifier))


def timed_press(app: QApplication, watch: PaintWatch, key: int, expect) -> float:
    """Seconds from sending `key` until `expect()` (the widget that should show focus) paints.

    Waits in a QEventLoop (not a processEvents() spin: PySide6 6.12 on CPython 3.11 drops a
    reference to None on every such call, see the report)."""
    loop = QEventLoop()
    watch.expect, watch.loop, watch.at = expect, loop, 0.0
    guard = QTimer()
    guard.setSingleShot(True)
    guard.timeout.connect(loop.quit)
    guard.start(5000)
    t0 = time.perf_counter()
    press(app, key)
    if not watch.at:
        loop.exec()
    watch.loop = None
    guard.stop()
    if not watch.at:
        raise RuntimeError("no repaint within 5 s")
    return watch.at - t0


def settle(app: QApplication, seconds: float = 0.05) -> None:
    loop = QEventLoop()
    QTimer.singleShot(int(seconds * 1000), loop.quit)
    loop.exec()


class Grid(QWidget):
    """The baseline: six buttons; arrows move Qt's focus, nothing else."""

    def __init__(self) -> None:
        super().__init__()
        self.setFixedSize(1920, 1080)
        lay = QGridLayout(self)
        self.buttons = [QPushButton(f"tile {i}", self) for i in range(6)]
        for i, b in enumerate(self.buttons):
            b.setMinimumHeight(300)
            lay.addWidget(b, i // 3, i % 3)

    def keyPressEvent(self, event) -> None:  # noqa: N802 - Qt API
        self.focusNextChild() if event.key() == Qt.Key.Key_Right else self.focusPreviousChild()


def stats(xs: list[float]) -> tuple[float, float]:
    xs = sorted(xs)
    return statistics.median(xs) * 1000, xs[int(len(xs) * 0.95) - 1] * 1000


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--presses", type=int, default=200)
    n = parser.parse_args().presses
    app = QApplication([])
    watch = PaintWatch()
    app.installEventFilter(watch)
    results: dict[str, list[float]] = {}

    grid = Grid()
    grid.show()
    grid.activateWindow()
    grid.buttons[0].setFocus()
    settle(app, 0.3)
    results["baseline: bare PySide6 focus move"] = [
        timed_press(app, watch, Qt.Key.Key_Right if i % 2 == 0 else Qt.Key.Key_Left,
                    app.focusWidget) for i in range(n)]
    grid.close()

    from tv_app.app import TvApp
    from tv_app.config import TvConfig

    clock = [1000.0]

    def tick() -> float:  # the remote's clock: every press is a human press apart
        clock[0] += 1.0
        return clock[0]

    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        url, server = serve_portal(tmp)
        for speech in (False, True):
            cfg = TvConfig(server_url=url, channel_token=TOKEN, box_id=BOX, data_dir=tmp / str(speech),
                           speech=speech, play_audio=False, full_screen=False)
            tv = TvApp(cfg, clock=tick)
            tv.start()
            deadline = time.perf_counter() + 30
            while tv.household is None and time.perf_counter() < deadline:
                settle(app, 0.1)
            settle(app, 0.5)

            def focused(tv=tv):
                return tv.nav.focused

            label = "with read-aloud" if speech else "arrows on home"
            results[f"TV: {label}"] = [
                timed_press(app, watch, Qt.Key.Key_Right if i % 2 == 0 else Qt.Key.Key_Left,
                            focused) for i in range(n)]
            if speech:
                tv.close()
                continue
            opened = []
            for _ in range(max(10, n // 10)):
                tv.nav.focus(tv.home_screen.messages)
                settle(app)
                opened.append(timed_press(app, watch, Qt.Key.Key_Return, focused))
                press(app, Qt.Key.Key_Escape)
                settle(app)
            results["TV: OK opens a screen (kept)"] = opened
            built = []
            for _ in range(max(10, n // 10)):
                tv.nav.focus(tv.home_screen.meals)
                settle(app)
                built.append(timed_press(app, watch, Qt.Key.Key_Return, focused))
                settle(app, 0.3)  # its service loads over HTTP meanwhile
                press(app, Qt.Key.Key_Escape)
                settle(app)
            results["TV: OK opens a new screen (built)"] = built
            tv.nav.focus(tv.home_screen.bills)
            press(app, Qt.Key.Key_Return)
            while not getattr(tv.nav.current, "bills", None):
                settle(app, 0.1)
            settle(app, 0.2)
            rows = []
            for i in range(n):
                key = Qt.Key.Key_Down if (i // 7) % 2 == 0 else Qt.Key.Key_Up
                rows.append(timed_press(app, watch, key, focused))
            results["TV: arrows through a paged list"] = rows
            tv.close()
        server.shutdown()  # type: ignore[attr-defined]

    base = stats(results["baseline: bare PySide6 focus move"])[0]
    print(f"platform: {os.environ.get('QT_QPA_PLATFORM', 'display')}, presses: {n}")
    for name, xs in results.items():
        med, p95 = stats(xs)
        print(f"{name:40s} median {med:6.2f} ms  p95 {p95:6.2f} ms  ratio {med / base:5.1f}x"
              f"{'  (target median < 100 ms)' if name.startswith('TV') else ''}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
