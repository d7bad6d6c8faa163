"""Kiosk figures beside baselines measured in the same run (offscreen Qt, real portal server).

- cold start to an interactive home (process launch → home painted, catalog from the disk
  cache, as after a reboot) vs a bare PySide6 window (process launch → first paint);
  also a first boot with no cache (catalog fetched over HTTP);
- median screen switch (navigate + events processed + window rendered) vs the same render
  of a bare two-page QStackedWidget;
- resident memory (VmRSS) after visiting every main screen vs the bare window.

Targets from the issue: start ≤ 2× bare, switch < 100 ms, RSS < 250 MB.

Start-up rounds alternate bare and kiosk, so background load hits both alike. Children may
cache bytecode (in a temporary PYTHONPYCACHEPREFIX, as an installed kiosk has compiled .pyc
files) even when the calling shell sets PYTHONDONTWRITEBYTECODE; unmeasured runs warm it.

    .venv/bin/python bench/kiosk_startup.py [--rounds 7]
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
RUNS = 7
SWITCHES = 60
ENV: dict[str, str] = {}


def rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


# --- child processes -------------------------------------------------------------------

def child_bare() -> None:
    from PySide6.QtWidgets import QApplication, QLabel, QMainWindow, QStackedWidget

    app = QApplication([])
    win = QMainWindow()
    stack = QStackedWidget()
    pages = [QLabel("page one"), QLabel("page two")]
    for p in pages:
        stack.addWidget(p)
    win.setCentralWidget(stack)
    win.resize(1920, 1080)
    win.show()
    app.processEvents()
    win.grab()
    print("READY", flush=True)
    times = []
    for i in range(SWITCHES):
        t = time.perf_counter()
        stack.setCurrentIndex(i % 2)
        app.processEvents()
        win.grab()
        times.append(time.perf_counter() - t)
    print(f"SWITCH {statistics.median(times) * 1000:.2f}", flush=True)
    print(f"RSS {rss_mb():.1f}", flush=True)


def child_kiosk(url: str, data_dir: str) -> None:
    from kiosk.app import application, build
    from kiosk.config import KioskConfig
    from kiosk.screenshots import wait_for

    app = application()
    config = KioskConfig(server_url=url, channel_token="kiosk-test-token", kiosk_id="bench",
                         data_dir=Path(data_dir), fullscreen=False, play_audio=False,
                         forward_every_s=3600)
    win = build(config, warm_pinyin=False)
    win.show()
    wait_for(lambda: win.ctx.backend.catalog is not None
             and bool(win.screens["home"]._tile_buttons), 30)
    app.processEvents()
    win.grab()
    print("READY", flush=True)
    wait_for(lambda: not win.ctx.worker.busy, 30)
    route = [("services", {"family": "property"}), ("form", {"service_id": "property.repair"}),
             ("home", {}), ("track", {}), ("signin", {}), ("services", {"family": "gov"}),
             ("form", {"service_id": "gov.residence-certificate"}), ("home", {})]
    times = []
    for i in range(SWITCHES):
        name, params = route[i % len(route)]
        t = time.perf_counter()
        if name == "home":
            win.home()
        else:
            win.go(name, **params)
        app.processEvents()
        win.grab()
        times.append(time.perf_counter() - t)
        wait_for(lambda: not win.ctx.worker.busy, 10)
    print(f"SWITCH {statistics.median(times) * 1000:.2f}", flush=True)
    print(f"SWITCHMAX {max(times) * 1000:.2f}", flush=True)
    print(f"RSS {rss_mb():.1f}", flush=True)
    win.ctx.worker.shutdown()


# --- parent ----------------------------------------------------------------------------

def launch(args: list[str]) -> dict[str, float]:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", **ENV}
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    t0 = time.perf_counter()
    proc = subprocess.Popen([sys.executable, __file__, *args], stdout=subprocess.PIPE,
                            stderr=subprocess.DEVNULL, text=True, env=env, cwd=ROOT)
    out: dict[str, float] = {}
    assert proc.stdout is not None
    for line in proc.stdout:
        if line.startswith("READY"):
            out["start"] = time.perf_counter() - t0
        elif " " in line:
            key, value = line.split(None, 1)
            try:
                out[key] = float(value)
            except ValueError:
                pass
    proc.wait(timeout=120)
    return out


def serve_portal(tmp: Path):
    from channel_core.config import ROOT as CORE_ROOT
    from portal.seed import seed_people
    from portal.server import create_server_app
    from tests.conftest import make_config
    from tests.kiosk.conftest import KIOSK_MOUNTS, Server

    app = create_server_app(make_config(f"sqlite:///{tmp / 'portal.db'}",
                                        content_dir=CORE_ROOT / "content",
                                        blueprints=KIOSK_MOUNTS))
    seed_people(app.extensions["portal"].db, app.extensions["portal"].config)
    return Server(app)


def main() -> int:
    import argparse
    import logging

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=RUNS)
    args = parser.parse_args()
    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    with tempfile.TemporaryDirectory() as d:
        tmp = Path(d)
        ENV["PYTHONPYCACHEPREFIX"] = str(tmp / "pycache")
        server = serve_portal(tmp)
        launch(["--child", "bare"])  # warm the OS file cache and bytecode: not measured
        launch(["--child", "kiosk", server.url, str(tmp / "warm-up")])
        data = tmp / "kiosk"
        first = launch(["--child", "kiosk", server.url, str(data)])  # first boot: no cache
        bare, kiosk = [], []
        for _ in range(args.rounds):
            bare.append(launch(["--child", "bare"]))
            kiosk.append(launch(["--child", "kiosk", server.url, str(data)]))
        server.stop()
    bare_start = statistics.median(r["start"] for r in bare)
    kiosk_start = statistics.median(r["start"] for r in kiosk)
    bare_switch = statistics.median(r["SWITCH"] for r in bare)
    kiosk_switch = statistics.median(r["SWITCH"] for r in kiosk)
    worst = max(r["SWITCHMAX"] for r in kiosk)
    bare_rss = statistics.median(r["RSS"] for r in bare)
    kiosk_rss = statistics.median(r["RSS"] for r in kiosk)
    print(f"cold start to interactive home: {kiosk_start * 1000:.0f} ms "
          f"(bare PySide6 window {bare_start * 1000:.0f} ms) ratio {kiosk_start / bare_start:.2f}x"
          f"  [target <= 2.00x]")
    print(f"  first boot, catalog over HTTP: {first['start'] * 1000:.0f} ms "
          f"ratio {first['start'] / bare_start:.2f}x")
    print(f"median screen switch: {kiosk_switch:.1f} ms (bare stack {bare_switch:.1f} ms) "
          f"ratio {kiosk_switch / bare_switch:.1f}x, worst {worst:.0f} ms  [target < 100 ms]")
    print(f"resident memory after every screen: {kiosk_rss:.0f} MB (bare window "
          f"{bare_rss:.0f} MB) ratio {kiosk_rss / bare_rss:.2f}x  [target < 250 MB]")
    return 0


if __name__ == "__main__":
    if len(sys.argv) > 2 and sys.argv[1] == "--child":
        if sys.argv[2] == "bare":
            child_bare()
        else:
            child_kiosk(sys.argv[3], sys.argv[4])
        sys.exit(0)
    sys.exit(main())
