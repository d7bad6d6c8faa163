"""Prompt audio pre-rendered with espeak-ng (or pyttsx3) into files cached by text.

A file's name is an HMAC of engine, voice and text under the portal's secret key, so the
same prompt is rendered once for every worker, and a personal prompt (a name, a request
number) cannot be fetched by someone guessing its text.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import shutil
import subprocess
import tempfile
import threading
from collections.abc import Iterable
from pathlib import Path

from hotline.config import Voice
from portal_client.i18n import gettext, keys

_pyttsx3_lock = threading.Lock()
NOT_SPOKEN = ("sms.", "message.", "words.")  # texts, staff notes, word lists


def fixed_prompts(voices: dict[str, Voice]) -> list[tuple[str, Voice]]:
    """(text, voice) of every spoken prompt that is the same for every caller, and of each
    digit (numbers read one by one are played digit clip by digit clip)."""
    out = []
    for lang, voice in voices.items():
        for key in sorted(keys("hotline", lang)):
            text = gettext("hotline", key, lang)
            if not key.startswith(NOT_SPOKEN) and "{" not in text:
                out.append((text, voice))
        out += [(str(digit), voice) for digit in range(10)]
    return out


class AudioError(Exception):
    """The text-to-speech engine is missing or failed."""


class AudioCache:
    """WAV files of spoken prompts, rendered on first use and kept on disk."""

    def __init__(self, directory: Path, secret: bytes, engine: str = "espeak-ng",
                 rate_wpm: int = 150) -> None:
        self.directory = Path(directory)
        self.secret = secret
        self.engine = engine
        self.rate_wpm = rate_wpm
        if engine == "espeak-ng" and shutil.which("espeak-ng") is None:
            raise AudioError("espeak-ng is not installed (apt-get install espeak-ng)")
        if engine not in ("espeak-ng", "pyttsx3"):
            raise AudioError(f"unknown TTS engine {engine!r}")
        self._rendered: dict[tuple[str, str], str] = {}  # (text, voice) → key, on disk

    def key(self, text: str, voice: Voice) -> str:
        """The cache key (and file stem) of one text in one voice."""
        msg = f"{self.engine}|{voice.espeak_voice}|{self.rate_wpm}|{text}".encode()
        return hmac.new(self.secret, msg, hashlib.sha256).hexdigest()[:40]

    def path(self, key: str) -> Path | None:
        """The file of a cache key, or None if the key is malformed or not rendered."""
        if len(key) != 40 or not all(c in "0123456789abcdef" for c in key):
            return None
        p = self.directory / key[:2] / f"{key}.wav"
        return p if p.exists() else None

    def ensure(self, text: str, voice: Voice) -> str:
        """Render the text unless already cached; returns its key."""
        known = self._rendered.get((text, voice.espeak_voice))
        if known is not None:  # files are never removed: no need to look again
            return known
        key = self.key(text, voice)
        target = self.directory / key[:2] / f"{key}.wav"
        if target.exists():
            self._remember(text, voice, key)
            return key
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(suffix=".wav", dir=target.parent)
        os.close(fd)
        try:
            self._render(text, voice, Path(tmp))
            try:  # atomic, and the first renderer wins: no half files, no rewrites
                os.link(tmp, target)
            except FileExistsError:
                pass
        finally:
            if os.path.exists(tmp):
                os.unlink(tmp)
        self._remember(text, voice, key)
        return key

    def _remember(self, text: str, voice: Voice, key: str) -> None:
        if len(self._rendered) > 50_000:  # personal prompts add up: start over
            self._rendered.clear()
        self._rendered[(text, voice.espeak_voice)] = key

    def prerender(self, items: Iterable[tuple[str, Voice]]) -> int:
        """Render every (text, voice) not yet cached; returns how many were rendered."""
        made = 0
        for text, voice in items:
            key = self.key(text, voice)
            if self.path(key) is None:
                self.ensure(text, voice)
                made += 1
        return made

    def prerender_prompts(self, voices: dict[str, Voice]) -> int:
        """Render every prompt of hotline.po that has no placeholders, in every language."""
        return self.prerender(fixed_prompts(voices))

    def _render(self, text: str, voice: Voice, out: Path) -> None:
        if self.engine == "espeak-ng":
            proc = subprocess.run(
                ["espeak-ng", "-v", voice.espeak_voice, "-s", str(self.rate_wpm), "-b", "1",
                 "-w", str(out), "--stdin"],
                input=text.encode("utf-8"), capture_output=True, timeout=30, check=False)
            if proc.returncode != 0 or out.stat().st_size < 100:
                raise AudioError(f"espeak-ng failed: {proc.stderr.decode(errors='replace')}")
            return
        self._render_pyttsx3(text, voice, out)

    def _render_pyttsx3(self, text: str, voice: Voice, out: Path) -> None:
        import pyttsx3

        with _pyttsx3_lock:  # the engine is a process-wide singleton
            engine = pyttsx3.init()
            voices = engine.getProperty("voices")
            wanted = voice.espeak_voice
            match = next((v for v in voices if (v.id or "").split("/")[-1] == wanted), None)
            match = match or next((v for v in voices if wanted.split("-")[0] in (v.id or "")),
                                  None)
            if match is not None:
                engine.setProperty("voice", match.id)
            engine.setProperty("rate", self.rate_wpm)
            engine.save_to_file(text, str(out))
            engine.runAndWait()
        if not out.exists() or out.stat().st_size < 100:
            raise AudioError("pyttsx3 produced no audio")


def main() -> None:
    """`python -m hotline.audio`: pre-render the fixed prompts into HOTLINE_AUDIO_DIR."""
    from hotline.config import HotlineConfig

    cfg = HotlineConfig()
    secret = os.environ.get("PORTAL_SECRET_KEY", "")
    if not secret:
        raise SystemExit("set PORTAL_SECRET_KEY (the server's secret names the audio files)")
    audio_dir = Path(os.environ.get("HOTLINE_AUDIO_DIR", str(cfg.audio_dir)))
    cache = AudioCache(audio_dir, secret.encode(), os.environ.get("HOTLINE_TTS", cfg.tts_engine))
    print(f"rendered {cache.prerender_prompts(cfg.voices)} prompts into {audio_dir}")


if __name__ == "__main__":
    main()
