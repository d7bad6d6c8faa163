"""How one TV box is set up: server, channel token, box id, data dir and presentation."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

CHANNEL = "tv"


@dataclass(frozen=True)
class Timing:
    """Clocks of the remote and the background loops (seconds unless named _ms)."""

    ok_debounce_ms: int = 300  # a second OK/Back/Home/SOS this soon is a bounce, not a press
    digit_debounce_ms: int = 120  # IR remotes repeat a code; no finger presses twice this fast
    arrow_repeat_ms: int = 150  # a held arrow moves at most this often
    speak_after_ms: int = 250  # read the focused element once focus rests this long
    sos_retry_s: float = 5.0  # resend a queued SOS/check-in this often while the server is down
    sos_poll_s: float = 3.0  # ask for the SOS acknowledgement this often
    refresh_s: float = 60.0  # home: check-in state and unread messages
    qr_poll_s: float = 2.0  # a bill QR: has the family member paid yet
    qr_timeout_s: float = 180.0  # give up on a bill QR after this long
    request_timeout_s: float = 8.0


@dataclass(frozen=True)
class TvConfig:
    """One set-top box's settings (command-line flags or PORTAL_TV_* variables)."""

    server_url: str
    channel_token: str
    box_id: str
    data_dir: Path
    lang: str | None = None  # None: the household's language from the core
    elder: bool = True  # the larger text size (the default for this channel)
    speech: bool = True  # read aloud (pyttsx3 + espeak-ng)
    play_audio: bool = True  # False renders speech without an audio device
    full_screen: bool = True
    hotline: str = ""  # phone number shown when the server is unreachable and none is cached
    timing: Timing = field(default_factory=Timing)

    @classmethod
    def from_env(cls, **overrides: object) -> TvConfig:
        """Settings from PORTAL_TV_* variables, then explicit overrides."""
        env = os.environ
        base: dict = {
            "server_url": env.get("PORTAL_URL", "http://127.0.0.1:8000"),
            "channel_token": env.get("PORTAL_TV_TOKEN", ""),
            "box_id": env.get("PORTAL_TV_BOX_ID", ""),
            "data_dir": Path(env.get("PORTAL_TV_DATA_DIR", "var/tv")),
            "hotline": env.get("PORTAL_TV_HOTLINE", ""),
        }
        base.update({k: v for k, v in overrides.items() if v is not None})
        return cls(**base)
