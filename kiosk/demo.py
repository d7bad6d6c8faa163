"""What `portal demo` runs to open a lobby kiosk on the demo server."""

from __future__ import annotations

import sys
from pathlib import Path

DEMO_KIOSK = "demo-lobby-3"
DEMO_LOCATION = "zh_CN=阳光花园 3 号楼大堂;zh_TW=陽光花園 3 號樓大堂;en=Sunshine Garden, Building 3 lobby"
ROOT = Path(__file__).resolve().parent.parent


def demo_command(server_url: str, token: str, offscreen_dir: Path | None) -> list[str]:
    """The argv of a kiosk process on the demo server (screenshots when offscreen)."""
    cmd = [sys.executable, "-m", "kiosk", "--server", server_url, "--token", token,
           "--kiosk-id", DEMO_KIOSK, "--location", DEMO_LOCATION,
           "--data-dir", str(ROOT / "var" / "kiosk" / DEMO_KIOSK), "--windowed"]
    if offscreen_dir is not None:
        cmd += ["--screenshots", str(offscreen_dir / "kiosk"), "--mute"]
    return cmd
