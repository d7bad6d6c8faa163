"""`portal tv` / `python -m tv_app` and the command `portal demo` runs."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.tv_app.conftest import TV_TOKEN
from tv_app.__main__ import build_parser, config_from, main
from tv_app.demo import DEMO_BOX, demo_command

ROOT = Path(__file__).resolve().parents[2]


def test_flags_make_the_config(tmp_path):
    args = build_parser().parse_args(["--server", "http://x:1", "--token", "t", "--box-id", "B1",
                                      "--data-dir", str(tmp_path), "--no-speech"])
    cfg = config_from(args)
    assert (cfg.server_url, cfg.channel_token, cfg.box_id) == ("http://x:1", "t", "B1")
    assert cfg.full_screen and cfg.elder and not cfg.speech and cfg.data_dir == tmp_path
    assert "F12" in build_parser().format_help()  # the keyboard equivalents are documented


def test_missing_box_is_a_usage_error(capsys, monkeypatch):
    monkeypatch.delenv("PORTAL_TV_BOX_ID", raising=False)
    monkeypatch.delenv("PORTAL_TV_TOKEN", raising=False)
    assert main(["--server", "http://127.0.0.1:9"]) == 2
    assert "--box-id" in capsys.readouterr().err


def test_demo_command_renders_the_demo_box_offscreen(live_server, tmp_path):
    shots = tmp_path / "shots"
    cmd = demo_command(live_server.url, TV_TOKEN, shots)
    assert cmd[:3] == [sys.executable, "-m", "tv_app"] and DEMO_BOX in cmd
    cmd = [c if not c.endswith(f"tv/{DEMO_BOX}") else str(tmp_path / "data") for c in cmd]
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    proc = subprocess.run([*cmd, "--exit-after", "6"], cwd=ROOT, env=env, timeout=90,
                          capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr[-2000:]
    home = shots / "tv_home.png"
    assert home.exists() and home.stat().st_size > 20_000
    from PySide6.QtGui import QImage

    img = QImage(str(home))
    assert (img.width(), img.height()) == (1920, 1080)
