"""`portal kiosk` / `python -m kiosk`: arguments, and the offscreen screenshots `make demo` uses."""

from __future__ import annotations

from PySide6.QtGui import QImage

from kiosk.__main__ import main, parse_args
from kiosk.config import parse_location
from tests.kiosk.conftest import TOKEN


def test_a_token_is_required(capsys):
    assert main(["--server", "http://127.0.0.1:9"]) == 2
    assert "--token" in capsys.readouterr().err


def test_location_in_three_languages():
    assert parse_location("3号楼大堂") == "3号楼大堂"
    assert parse_location("zh_CN=3号楼大堂;en=Building 3 lobby") == {
        "zh_CN": "3号楼大堂", "en": "Building 3 lobby"}
    args = parse_args(["--token", "t", "--idle", "30", "--elder-idle", "90", "--windowed"])
    assert args.idle == 30 and args.elder_idle == 90 and args.windowed


def test_offscreen_screenshots_of_every_main_screen(server, tmp_path, qapp):
    out = tmp_path / "shots"
    code = main(["--server", server.url, "--token", TOKEN, "--kiosk-id", "lobby-shots",
                 "--location", "zh_CN=3号楼大堂;zh_TW=3號樓大堂;en=Building 3 lobby",
                 "--data-dir", str(tmp_path / "data"), "--screenshots", str(out)])
    assert code == 0
    names = sorted(p.name for p in out.glob("*.png"))
    assert names == sorted(f"kiosk_{screen}_zh_CN{suffix}.png"
                           for screen in ("home", "form", "receipt", "payment")
                           for suffix in ("", "_elder"))
    for path in out.glob("*.png"):
        img = QImage(str(path))
        assert (img.width(), img.height()) == (1920, 1080)
