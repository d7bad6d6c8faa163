"""`python -m kiosk` / `portal kiosk`: start a lobby kiosk on a portal server."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path


def parse_args(argv: list[str]) -> argparse.Namespace:
    env = os.environ
    p = argparse.ArgumentParser(prog="portal kiosk", description=__doc__)
    p.add_argument("--server", default=env.get("PORTAL_KIOSK_SERVER", "http://127.0.0.1:8000"),
                   help="portal server URL")
    p.add_argument("--token", default=env.get("PORTAL_KIOSK_TOKEN", ""),
                   help="this kiosk's channel token (portal channel-token kiosk)")
    p.add_argument("--kiosk-id", default=env.get("PORTAL_KIOSK_ID", "kiosk-1"))
    p.add_argument("--location", default=env.get("PORTAL_KIOSK_LOCATION", ""),
                   help="where it stands: text, or 'zh_CN=…;zh_TW=…;en=…'")
    p.add_argument("--lang", default=env.get("PORTAL_KIOSK_LANG", "zh_CN"),
                   choices=["zh_CN", "zh_TW", "en"])
    p.add_argument("--data-dir", type=Path, default=None,
                   help="local store for the cached catalog and the submission queue")
    p.add_argument("--idle", type=float, default=60.0, help="idle reset, seconds")
    p.add_argument("--elder-idle", type=float, default=120.0, help="idle reset in elder mode")
    p.add_argument("--callback-service",
                   default=env.get("PORTAL_KIOSK_CALLBACK_SERVICE", "gov.policy-enquiry"),
                   help="where staff get a submission the core refused after the resident "
                        "left, when the catalog marks no message service for the kiosk")
    p.add_argument("--windowed", action="store_true", help="a window instead of full screen")
    p.add_argument("--mute", action="store_true", help="render read-aloud without playing it")
    p.add_argument("--screenshots", type=Path, default=None,
                   help="render the main screens offscreen into this directory and exit")
    return p.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    """Entry point: returns the process exit code."""
    args = parse_args(sys.argv[1:] if argv is None else argv)
    if not args.token:
        print("portal kiosk: --token (or PORTAL_KIOSK_TOKEN) is required", file=sys.stderr)
        return 2
    from kiosk.app import run
    from kiosk.config import parse_location

    return run(args.server, args.token, kiosk_id=args.kiosk_id,
               location=parse_location(args.location),
               offscreen_screenshot_dir=args.screenshots, lang=args.lang,
               data_dir=args.data_dir, idle_s=args.idle, elder_idle_s=args.elder_idle,
               fullscreen=not args.windowed, callback_service=args.callback_service,
               play_audio=not args.mute and args.screenshots is None)


if __name__ == "__main__":
    sys.exit(main())
