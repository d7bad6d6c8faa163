"""`portal tv` / `python -m tv_app`: the TV app, full-screen at 1920×1080, bound to a box.

Remote keys and their PC keyboard equivalents: arrows ↑↓←→; OK = Enter/Return/Space;
Back = Esc/Backspace; Home = Home; digits 0–9; SOS (the red key) = F12.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from tv_app.config import TvConfig

KEYS_HELP = ("remote keys on a PC keyboard: arrows = arrows, OK = Enter/Space, "
             "Back = Esc/Backspace, Home = Home, digits = 0-9, SOS (red key) = F12")


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="portal tv", description=__doc__.splitlines()[0],
                                epilog=KEYS_HELP)
    p.add_argument("--server", help="portal URL (PORTAL_URL)")
    p.add_argument("--token", help="the TV channel token (PORTAL_TV_TOKEN)")
    p.add_argument("--box-id", help="this set-top box's id (PORTAL_TV_BOX_ID)")
    p.add_argument("--data-dir", type=Path, help="where the SOS queue and cache live")
    p.add_argument("--lang", choices=["zh_CN", "zh_TW", "en"],
                   help="screen language (default: the household's)")
    p.add_argument("--standard-size", action="store_true", help="smaller text than elder size")
    p.add_argument("--no-speech", action="store_true", help="no read-aloud")
    p.add_argument("--mute", action="store_true", help="render speech but play no audio")
    p.add_argument("--windowed", action="store_true", help="a 1920×1080 window, not full-screen")
    p.add_argument("--hotline", help="phone number to show when the server is unreachable")
    p.add_argument("--offscreen-dir", type=Path,
                   help="save screenshots of the running app here (demo without a display)")
    p.add_argument("--exit-after", type=float, default=0, help="quit after N seconds")
    return p


def config_from(args: argparse.Namespace) -> TvConfig:
    """Settings from flags over PORTAL_TV_* variables."""
    cfg = TvConfig.from_env(server_url=args.server, channel_token=args.token,
                            box_id=args.box_id, hotline=args.hotline, lang=args.lang)
    data_dir = args.data_dir or cfg.data_dir / (cfg.box_id or "box")
    return TvConfig(**{**cfg.__dict__, "data_dir": data_dir, "elder": not args.standard_size,
                       "speech": not args.no_speech, "play_audio": not args.mute,
                       "full_screen": not (args.windowed or args.offscreen_dir)})


def main(argv: list[str]) -> int:
    """Run the TV app until the window closes (or --exit-after)."""
    args = build_parser().parse_args(argv)
    cfg = config_from(args)
    if not cfg.box_id or not cfg.channel_token:
        print("portal tv: --box-id and --token (or PORTAL_TV_BOX_ID, PORTAL_TV_TOKEN) are "
              "required", file=sys.stderr)
        return 2
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    from tv_app.app import TvApp
    from tv_app.shots import LiveShots

    qapp = QApplication.instance() or QApplication([sys.argv[0]])
    qapp.setApplicationName("community-portal-tv")
    tv = TvApp(cfg)
    tv.start()
    shots = LiveShots(tv, args.offscreen_dir) if args.offscreen_dir else None
    if args.exit_after:
        QTimer.singleShot(int(args.exit_after * 1000), qapp.quit)
    try:
        return int(qapp.exec())
    finally:
        if shots is not None:
            shots.stop()
        tv.close()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
