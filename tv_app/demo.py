"""What `portal demo` runs to open the TV window bound to the demo box STB-DEMO-0001."""

from __future__ import annotations

import sys
from pathlib import Path

DEMO_BOX = "STB-DEMO-0001"
ROOT = Path(__file__).resolve().parent.parent


def demo_command(server_url: str, token: str, offscreen_dir: Path | None) -> list[str]:
    """The argv of a TV app process on the demo server (screenshots when offscreen)."""
    cmd = [sys.executable, "-m", "tv_app", "--server", server_url, "--token", token,
           "--box-id", DEMO_BOX, "--data-dir", str(ROOT / "var" / "tv" / DEMO_BOX),
           "--windowed"]
    if offscreen_dir is not None:
        cmd += ["--offscreen-dir", str(offscreen_dir), "--no-speech"]
    return cmd
