"""What `portal demo` runs for the chatbot: train if needed, then the action and Rasa servers.

`demo_command` (called from the portal's Python 3.11) returns the argv of a supervisor that
runs in .venv-rasa (Python 3.10): ``python -m chatbot.demo --core URL --token T``. It trains
the model only when its inputs changed, then runs the action server and the Rasa server
(REST and web-chat channels; the WeChat channel too when WECHAT_TOKEN is set) until stopped.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
CHATBOT_DIR = ROOT / "chatbot"
RASA_PY = ROOT / ".venv-rasa" / "bin" / "python"
RASA_BIN = ROOT / ".venv-rasa" / "bin" / "rasa"
DEFAULT_RASA_URL = "http://127.0.0.1:5005"
ACTIONS_PORT = 5055


def available() -> bool:
    """Whether the Rasa virtualenv is installed (scripts/install.sh builds it)."""
    return RASA_BIN.exists()


def demo_command(server_url: str, token: str, offscreen_dir: Path | None) -> list[str]:
    """The argv of the chatbot supervisor on the demo server (offscreen changes nothing)."""
    return [str(RASA_PY), "-m", "chatbot.demo", "--core", server_url, "--token", token,
            "--rasa-url", os.environ.get("CHATBOT_RASA_URL", DEFAULT_RASA_URL)]


def credentials(wechat_token: str | None) -> dict[str, object]:
    """Input channels for the demo: REST and web chat, WeChat only when configured."""
    channels: dict[str, object] = {"rest": None, "chatbot.channels.webchat.WebChatInput": None}
    if wechat_token:
        channels["chatbot.channels.wechat.WeChatInput"] = {
            "token": wechat_token, "app_id": os.environ.get("WECHAT_APP_ID", ""),
            "app_secret": os.environ.get("WECHAT_APP_SECRET", "")}
    return channels


def _run(args: argparse.Namespace) -> int:
    from chatbot.training.train import ensure_model, rasa_env

    model = ensure_model()
    work = args.work_dir
    work.mkdir(parents=True, exist_ok=True)
    endpoints = work / "endpoints.yml"
    endpoints.write_text(json.dumps(
        {"action_endpoint": {"url": f"http://127.0.0.1:{args.actions_port}/webhook"}}))
    creds = work / "credentials.yml"
    creds.write_text(json.dumps(credentials(os.environ.get("WECHAT_TOKEN"))))
    env = rasa_env()
    env.update(CHATBOT_CORE_URL=args.core, CHATBOT_CHANNEL_TOKEN=args.token)
    port = urlsplit(args.rasa_url).port or 5005
    children = [
        subprocess.Popen([str(RASA_BIN), "run", "actions", "--actions", "chatbot.actions",
                          "--port", str(args.actions_port)], cwd=CHATBOT_DIR, env=env),
        subprocess.Popen([str(RASA_BIN), "run", "--enable-api", "--cors", "*", "--model",
                          str(model), "--port", str(port), "--endpoints", str(endpoints),
                          "--credentials", str(creds)], cwd=CHATBOT_DIR, env=env),
    ]
    print(f"[chatbot] Rasa on {args.rasa_url}, actions on :{args.actions_port}; "
          f"web chat at {args.core}/chat", flush=True)
    stopping = False

    def stop(*_: object) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    try:
        while not stopping:
            if any(p.poll() is not None for p in children):
                return 1
            time.sleep(0.5)
        return 0
    finally:
        for p in children:
            if p.poll() is None:
                p.terminate()
        for p in children:
            try:
                p.wait(timeout=15)
            except subprocess.TimeoutExpired:
                p.kill()


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point of the supervisor."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--core", required=True, help="portal server URL")
    parser.add_argument("--token", required=True, help="the chatbot's channel token")
    parser.add_argument("--rasa-url", default=DEFAULT_RASA_URL)
    parser.add_argument("--actions-port", type=int, default=ACTIONS_PORT)
    parser.add_argument("--work-dir", type=Path, default=ROOT / "var" / "chatbot",
                        help="where the generated endpoints and credentials files go")
    return _run(parser.parse_args(argv))


if __name__ == "__main__":
    sys.exit(main())
