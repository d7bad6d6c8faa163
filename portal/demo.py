"""`portal demo`: migrate and seed the embedded database, serve, open the kiosk and TV."""

from __future__ import annotations

import argparse
import importlib
import logging
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import requests

from channel_core.config import ROOT, PortalConfig

DEMO_TOKENS = {"kiosk": "demo-kiosk-token", "tv": "demo-tv-token",
               "hotline": "demo-hotline-token", "chatbot": "demo-chatbot-token",
               "console": "demo-console-token"}
# Channel processes the demo starts: module with `demo_command(server_url, token, offscreen_dir)`
# returning a subprocess argv, so each Qt app (and Rasa, in its own virtualenv) runs apart.
DEMO_CHANNELS = {"kiosk": "kiosk.demo", "tv": "tv_app.demo", "chatbot": "chatbot.demo"}


def _wait_ready(url: str, timeout: float = 30) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if requests.get(f"{url}/healthz", timeout=1).status_code == 200:
                return True
        except requests.RequestException:
            time.sleep(0.2)
    return False


def _channel_commands(url: str, offscreen_dir: Path | None,
                      skip: frozenset[str] = frozenset()) -> list[tuple[str, list[str]]]:
    cmds = []
    for name, module in DEMO_CHANNELS.items():
        if name in skip:
            continue
        mod = importlib.import_module(module)
        if hasattr(mod, "available") and not mod.available():
            print(f"[demo] {name}: not installed (run scripts/install.sh)")
            continue
        cmds.append((name, mod.demo_command(url, DEMO_TOKENS[name], offscreen_dir)))
    return cmds


def run_demo(args: argparse.Namespace) -> int:
    """Seed, serve on host:port, open channel windows (offscreen PNGs without a display)."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    cfg = PortalConfig.from_env()
    from channel_core.migrate import upgrade
    from portal.seed import seed

    upgrade(cfg.database_url)
    for line in seed(cfg):
        print(f"[demo] seeded {line}")
    env = dict(os.environ)
    env.setdefault("PORTAL_CHANNEL_TOKENS", ",".join(f"{c}={t}" for c, t in DEMO_TOKENS.items()))
    env.setdefault("PORTAL_HOTLINE_TOKEN", DEMO_TOKENS["hotline"])
    env.setdefault("PORTAL_BASE_URL", f"http://{args.host}:{args.port}")
    server = subprocess.Popen([sys.executable, "-m", "portal.cli", "serve", "--host", args.host,
                              "--port", str(args.port), "--no-migrate"], env=env)
    url = f"http://{args.host}:{args.port}"
    children = [server]
    try:
        if not _wait_ready(url):
            print("[demo] the server did not come up", file=sys.stderr)
            return 1
        print(f"[demo] portal at {url}  API docs {url}/docs  console {url}/console")
        print("[demo] demo people, cards and staff sign-ins: content/demo/people.yaml")
        if not args.no_channels:
            offscreen = args.offscreen or not os.environ.get("DISPLAY")
            shots = ROOT / "var" / "demo-screens" if offscreen else None
            skip = frozenset({"chatbot"}) if args.no_chatbot else frozenset()
            if shots:
                print(f"[demo] no display: kiosk and TV render offscreen → {shots}")
            for name, cmd in _channel_commands(url, shots, skip):
                cenv = dict(env)
                if offscreen:
                    cenv["QT_QPA_PLATFORM"] = "offscreen"
                print(f"[demo] starting {name}")
                children.append(subprocess.Popen(cmd, env=cenv))
        stop = threading.Event()
        if args.exit_after:
            threading.Timer(args.exit_after, stop.set).start()
        while not stop.wait(0.5):
            if server.poll() is not None:
                return server.returncode or 1
        return 0
    except KeyboardInterrupt:
        return 0
    finally:
        for p in reversed(children):
            if p.poll() is None:
                p.terminate()
        for p in children:
            try:
                p.wait(timeout=10)
            except subprocess.TimeoutExpired:
                p.kill()
