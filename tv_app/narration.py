"""Read-aloud for the TV: the focused element once focus rests, results and alerts at once."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QTimer, Signal

if TYPE_CHECKING:
    from qt_common.speech import ReadAloud


@dataclass(frozen=True)
class Spoken:
    """One text handed to the speech engine (kept for tests and the bench)."""

    text: str
    lang: str
    urgent: bool


class Narrator(QObject):
    """Speaks in the household's language through qt_common's ReadAloud (pyttsx3, `cmn`).

    Focus changes are spoken after a short rest, so a held arrow doesn't queue a stream of
    words; `say()` (a result, an alert, SOS) speaks at once and supersedes focus speech.
    With `enabled=False` nothing is rendered but requests are still recorded.
    """

    requested = Signal(object)  # Spoken

    def __init__(self, enabled: bool, play: bool, slow: bool, rest_ms: int,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.enabled = enabled
        self.play, self.slow = play, slow
        self.engine: ReadAloud | None = None
        self._held: Spoken | None = None  # said before the engine started
        self.history: list[Spoken] = []
        self._pending: tuple[str, str] | None = None
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(rest_ms)
        self._timer.timeout.connect(self._speak_focus)

    def start(self) -> None:
        """Load the speech engine (after the first frame: it is slow to import) and say what
        was asked for meanwhile."""
        if not self.enabled or self.engine is not None:
            return
        from qt_common.speech import ReadAloud

        self.engine = ReadAloud(play=self.play, slow=self.slow, parent=self)
        held, self._held = self._held, None
        if held is not None:
            self.engine.say(held.text, held.lang)

    def focus(self, text: str, lang: str) -> None:
        """Speak the focused element's text once focus rests on it."""
        if not text:
            return
        self._pending = (text, lang)
        self._timer.start()

    def say(self, text: str, lang: str) -> None:
        """Speak now (results, alerts), dropping any focus speech still waiting."""
        self._timer.stop()
        self._pending = None
        self._emit(Spoken(text, lang, urgent=True))

    def _speak_focus(self) -> None:
        if self._pending is not None:
            text, lang = self._pending
            self._pending = None
            self._emit(Spoken(text, lang, urgent=False))

    def _emit(self, spoken: Spoken) -> None:
        self.history.append(spoken)
        del self.history[:-200]
        if self.engine is not None:
            self.engine.say(spoken.text, spoken.lang)
        elif self.enabled:
            self._held = spoken
        self.requested.emit(spoken)

    def close(self) -> None:
        """Stop speaking and delete audio files."""
        self._timer.stop()
        if self.engine is not None:
            self.engine.close()
