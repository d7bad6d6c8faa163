"""The one adapter around pyttsx3 (espeak-ng on Linux): text in a language → a WAV file.

pyttsx3's engine is not thread-safe and `save_to_file` may return before the file is
complete, so every call goes through one lock and waits until a readable WAV exists.
Voice ids: espeak-ng's ``cmn`` is Mandarin (``zh`` is silently ignored and stays English).
"""

from __future__ import annotations

import threading
import time
import wave
from dataclasses import dataclass
from pathlib import Path

import pyttsx3

VOICES: dict[str, str] = {"zh_CN": "cmn", "zh_TW": "cmn", "en": "en"}
NORMAL_RATE = 170
_lock = threading.Lock()
_engine: pyttsx3.Engine | None = None


class SpeechError(Exception):
    """The speech engine failed or produced no audio."""


@dataclass(frozen=True)
class SpeechFile:
    """One rendered utterance."""

    path: Path
    voice: str
    lang: str
    seconds: float


def _get_engine() -> pyttsx3.Engine:
    global _engine
    if _engine is None:
        _engine = pyttsx3.init()
    return _engine


def _wait_for_wav(path: Path, timeout: float) -> float:
    deadline = time.monotonic() + timeout
    last_size = -1
    while time.monotonic() < deadline:
        if path.exists():
            size = path.stat().st_size
            if size > 44 and size == last_size:
                try:
                    with wave.open(str(path), "rb") as wav:
                        return wav.getnframes() / float(wav.getframerate())
                except (wave.Error, EOFError):
                    pass
            last_size = size
        time.sleep(0.02)
    raise SpeechError(f"no audio written to {path}")


def synthesize(text: str, lang: str, path: Path, rate: int = NORMAL_RATE,
               timeout: float = 20.0) -> SpeechFile:
    """Render `text` in `lang`'s voice into the WAV file `path` (blocking)."""
    voice_name = VOICES.get(lang, "en")
    with _lock:
        engine = _get_engine()
        engine.setProperty("voice", voice_name)
        engine.setProperty("rate", rate)
        engine.save_to_file(text, str(path))
        engine.runAndWait()
        voice = str(engine.getProperty("voice"))
    seconds = _wait_for_wav(Path(path), timeout)
    return SpeechFile(Path(path), voice, lang, seconds)
