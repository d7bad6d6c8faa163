"""Screenshots of the running TV window (the demo without a display; docs)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QTimer
from PySide6.QtWidgets import QWidget

if TYPE_CHECKING:
    from tv_app.app import TvApp


def save(window: QWidget, path: Path) -> Path:
    """Render the whole window into a PNG."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if not window.grab().save(str(path), "PNG"):
        raise OSError(f"could not write {path}")
    return path


class LiveShots(QObject):
    """Saves `tv_home.png` once home is ready, then `tv_live.png` every few seconds."""

    def __init__(self, tv: TvApp, directory: Path, every_s: float = 5.0) -> None:
        super().__init__(tv)
        self.tv = tv
        self.directory = directory
        self._home_saved = False
        self._timer = QTimer(self)
        self._timer.timeout.connect(self._tick)
        self._timer.start(int(every_s * 1000))
        QTimer.singleShot(2500, self._tick)

    def _tick(self) -> None:
        if not self._home_saved and self.tv.household is not None:
            save(self.tv.window, self.directory / "tv_home.png")
            self._home_saved = True
        save(self.tv.window, self.directory / "tv_live.png")

    def stop(self) -> None:
        """Stop saving."""
        self._timer.stop()
