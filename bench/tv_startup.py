"""TV app: cold start to a focused home screen, beside a bare PySide6 window, same run.

Each sample is a fresh Python process (a real cold start: interpreter, imports, Qt, fonts,
stylesheet, the durable queue, the first frame) timed by this parent from spawn until the
child reports READY:

* baseline — `QApplication` + an empty 1920×1080 `QWidget`, shown and exposed;
* TV app — `TvApp` bound to a demo box on a seeded portal served by this script over HTTP,
  home shown and exposed with the focus on its "I'm OK" tile; the time until the household's
  name is on screen (sign-in over HTTP) is reported too.

Rounds alternate so background load hits both alike; medians and the ratio are printed.
Both run on QT_QPA_PLATFORM=offscreen unless a DISPLAY is set. Children may cache bytecode
(in a temporary PYTHONPYCACHEPREFIX, as an installed box has compiled .pyc files), even when
the calling shell sets PYTHONDONTWRITEBYTECODE; one unmeasured run of each warms it.

    .venv/bin/python bench/tv_startup.py [--rounds 7]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
BOX, TOKEN = "STB-DEMO-0001", "tv-bench-token"

BARE = r"""
import sys
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QWidget
app = QApplication([])
w = QWidget(); w.setFixedSize(1920, 1080); w.show()
def check():
    h = w.windowHandle()
    if h is not None and h.isExposed():
        print("READY", flush=True); app.quit()
    else:
        QTimer.singleShot(2, check)
QTimer.singleShot(0, check)
app.exec()
"""

TV = r"""
import sys
from pathlib import Path
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication
app = QApplication([])
from tv_app.app import TvApp
from tv_app.config import TvConfig
cfg = TvConfig(server_url=sys.argv[1], channel_token=sys.argv[2], box_id=sys.argv[3],
               data_dir=Path(sys.argv[4]), speech=False, full_screen=False)
tv = TvApp(cfg); tv.start()
state = {"ready": False}
def check():
    h = tv.window.windowHandle()
    home = tv.home_screen
    if not state["ready"] and h is not None and h.isExposed() and tv.nav.focused is home.checkin \
            and home.checkin.hasFocus():
        state["ready"] = True
        print("READY", flush=True)
    if state["ready"] and tv.household is not None and tv.household.name in home.title.text():
        print("SIGNED", flush=True); tv.close(); app.quit(); return
    QTimer.singleShot(2, check)
QTimer.singleShot(0, check)
app.exec()
"""


def serve_portal(tmp: Path) -> tuple[str, object]:
    """A seeded portal (SQLite) over real HTTP on a free port; returns (url, server)."""
    import logging

    from werkzeug.serving import make_server

    from channel_core.config import PortalConfig
    from portal.seed import seed_people
    from portal.server import create_server_app

    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    cfg = PortalConfig(database_url=f"sqlite:///{tmp / 'portal.db'}", content_dir=ROOT / "content",
                       create_schema=True, channel_tokens={TOKEN: "tv"}, jobs="off",
                       secret_key="bench", base_url="http://127.0.0.1")
    app = create_server_app(cfg)
    state = app.extensions["portal"]
    seed_people(state.db, cfg)
    try:
        import payments.seed as pseed

        pseed.seed(state.db, cfg)
    except ModuleNotFoundError:
        pass
    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return f"http://127.0.0.1:{server.server_port}", server


def timed(args: list[str], env: dict, marks: tuple[str, ...]) -> dict[str, float]:
    """Spawn a child; seconds from spawn to each marker line it prints."""
    t0 = time.perf_counter()
    proc = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            cwd=ROOT, env=env)
    seen: dict[str, float] = {}
    assert proc.stdout is not None
    killer = threading.Timer(120, proc.kill)  # a hung child must not hang the bench
    killer.start()
    for line in proc.stdout:
        word = line.strip()
        if word in marks:
            seen[word] = time.perf_counter() - t0
        if len(seen) == len(marks):
            break
    killer.cancel()
    proc.wait(timeout=60)
    if len(seen) != len(marks):  # the child quit or hung up without reaching every mark
        raise RuntimeError(f"child failed: {proc.stderr.read() if proc.stderr else ''}")
    return seen


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=7)
    args = parser.parse_args()
    env = dict(os.environ)
    if not env.get("DISPLAY"):
        env["QT_QPA_PLATFORM"] = "offscreen"
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        env["PYTHONPYCACHEPREFIX"] = str(tmp / "pycache")
        url, server = serve_portal(tmp)
        py = sys.executable
        bare, ready, signed = [], [], []
        # unmeasured: warm the OS file cache and compile bytecode, for both alike
        timed([py, "-c", BARE], env, ("READY",))
        timed([py, "-c", TV, url, TOKEN, BOX, str(tmp / "warm")], env, ("READY", "SIGNED"))
        for i in range(args.rounds):
            bare.append(timed([py, "-c", BARE], env, ("READY",))["READY"])
            t = timed([py, "-c", TV, url, TOKEN, BOX, str(tmp / f"box{i}")], env,
                      ("READY", "SIGNED"))
            ready.append(t["READY"])
            signed.append(t["SIGNED"])
        server.shutdown()  # type: ignore[attr-defined]
    b, r, s = (statistics.median(x) for x in (bare, ready, signed))
    print(f"platform: {env.get('QT_QPA_PLATFORM', 'display')}, rounds: {args.rounds}")
    print(f"bare PySide6 window shown:          median {b * 1000:7.0f} ms")
    print(f"TV app, home shown and focused:     median {r * 1000:7.0f} ms   ratio {r / b:4.2f}x "
          f"(target <= 2.00x)")
    print(f"TV app, household signed in (HTTP): median {s * 1000:7.0f} ms   ratio {s / b:4.2f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
