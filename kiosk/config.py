"""Kiosk settings: which server, which kiosk, where its local store lives, how long to idle."""

from __future__ import annotations

import os
from dataclasses import dataclass, field, replace
from pathlib import Path

from portal_client.i18n import DEFAULT_LANG, pick


def parse_location(text: str) -> str | dict:
    """'3号楼大堂' or 'zh_CN=3号楼大堂;zh_TW=3號樓大堂;en=Building 3 lobby'."""
    if "=" not in text:
        return text
    pairs = (part.split("=", 1) for part in text.split(";") if "=" in part)
    return {k.strip(): v.strip() for k, v in pairs}


def default_data_dir(kiosk_id: str) -> Path:
    """$PORTAL_KIOSK_DATA, else ~/.local/share/portal-kiosk/<kiosk id>."""
    base = os.environ.get("PORTAL_KIOSK_DATA")
    if base:
        return Path(base)
    return Path.home() / ".local" / "share" / "portal-kiosk" / kiosk_id


@dataclass(frozen=True)
class KioskConfig:
    """Everything a kiosk needs; timeouts are settings so tests can run them fast."""

    server_url: str
    channel_token: str
    kiosk_id: str = "kiosk-1"
    location: str | dict = ""  # one text, or {"zh_CN": ..., "zh_TW": ..., "en": ...}
    data_dir: Path | None = None
    lang: str = DEFAULT_LANG
    idle_s: float = 60.0
    elder_idle_s: float = 120.0
    warn_s: float = 20.0  # the countdown shows at least this long before a reset
    qr_poll_s: float = 2.0
    forward_every_s: float = 15.0  # retry the offline queue / re-check the server
    catalog_every_s: float = 300.0  # ask for catalog changes (a 304 when nothing changed)
    request_timeout_s: float = 8.0
    payment_wait_s: float = 180.0  # a QR payment not completed by then is cancelled
    tracking_url: str = "{server}/track/{number}"
    # Where a submission refused after the resident left is handed to staff, when the
    # catalog marks no message service for the kiosk: an enquiry service staff answer.
    callback_service: str = "gov.policy-enquiry"
    fullscreen: bool = True
    play_audio: bool = True
    extra: dict = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.data_dir is None:
            object.__setattr__(self, "data_dir", default_data_dir(self.kiosk_id))
        if self.warn_s >= min(self.idle_s, self.elder_idle_s):
            raise ValueError("warn_s must be shorter than the idle timeouts")

    @property
    def store(self) -> Path:
        """The kiosk's data directory (created on demand)."""
        assert self.data_dir is not None
        self.data_dir.mkdir(parents=True, exist_ok=True)
        return self.data_dir

    def location_text(self, lang: str) -> str:
        """Where this kiosk stands, in `lang` when given per language."""
        if isinstance(self.location, dict):
            return pick(self.location, lang)
        return self.location

    def tracking_link(self, number: str) -> str:
        """The address a phone opens from the receipt's QR."""
        return self.tracking_url.format(server=self.server_url.rstrip("/"), number=number)

    def with_(self, **changes: object) -> KioskConfig:
        """A copy with some settings changed."""
        return replace(self, **changes)  # type: ignore[arg-type]
