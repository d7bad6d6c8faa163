"""Read-aloud for Qt screens: render speech off the UI thread, play it, forget it on wipe."""

from __future__ import annotations

import shutil
import tempfile
import threading
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QObject, QUrl, Signal

NORMAL_RATE, SLOW_RATE = 170, 130  # words per minute; elder mode speaks slower


@dataclass(frozen=True)
class Utterance:
    """What was read aloud, in which language and voice, and where its audio is."""

    text: str
    lang: str
    voice: str
    seconds: float
    path: Path


class ReadAloud(QObject):
    """Speaks texts in the screen's language; `spoken` fires once audio is ready and playing.

    Audio files live in a private temp dir and are deleted by `wipe()` (they may hold a
    resident's words). `play=False` renders without an audio device (tests, CI).
    """

    spoken = Signal(object)  # Utterance
    failed = Signal(str)
    _done = Signal(object, int)

    def __init__(self, play: bool = True, slow: bool = False,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.play = play
        self.slow = slow
        self.last: Utterance | None = None
        self._dir = Path(tempfile.mkdtemp(prefix="readaloud-"))
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="tts")
        self._seq = 0
        self._count = 0
        self._lock = threading.Lock()
        self._player = None
        self._done.connect(self._on_done)

    def say(self, text: str, lang: str) -> Future:
        """Queue `text` to be spoken in `lang`; a newer call supersedes an unplayed older one."""
        with self._lock:
            self._seq += 1
            self._count += 1
            seq, path = self._seq, self._dir / f"u{self._count}.wav"
        rate = SLOW_RATE if self.slow else NORMAL_RATE

        def render() -> None:
            try:
                from qt_common import tts_pyttsx3  # the engine loads on first use, off the UI

                out = tts_pyttsx3.synthesize(text, lang, path, rate=rate)
                self._done.emit(Utterance(text, lang, out.voice, out.seconds, out.path), seq)
            except Exception as exc:  # the engine is optional hardware: report, never crash
                self._done.emit(exc, seq)

        return self._pool.submit(render)

    def _on_done(self, result: object, seq: int) -> None:
        if seq != self._seq:
            if isinstance(result, Utterance):
                result.path.unlink(missing_ok=True)  # superseded or wiped meanwhile
            return
        if isinstance(result, Exception):
            self.failed.emit(str(result))
            return
        assert isinstance(result, Utterance)
        self.last = result
        if self.play:
            self._play(result.path)
        self.spoken.emit(result)

    def _play(self, path: Path) -> None:
        from PySide6.QtMultimedia import QSoundEffect

        if self._player is None:
            self._player = QSoundEffect(self)
        self._player.stop()
        self._player.setSource(QUrl.fromLocalFile(str(path)))
        self._player.play()

    def stop(self) -> None:
        """Stop playing and drop anything still being rendered."""
        with self._lock:
            self._seq += 1
        if self._player is not None:
            self._player.stop()

    def wipe(self) -> None:
        """Stop, forget the last utterance and delete every audio file."""
        self.stop()
        self.last = None
        shutil.rmtree(self._dir, ignore_errors=True)
        self._dir.mkdir(parents=True, exist_ok=True)

    def close(self) -> None:
        """Release the worker thread and audio files."""
        self.wipe()
        self._pool.shutdown(wait=False, cancel_futures=True)
        shutil.rmtree(self._dir, ignore_errors=True)
