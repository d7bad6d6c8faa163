"""Live processes for the chatbot tests: core, action server, Rasa server, and network-edge fakes.

Everything listens on 127.0.0.1 with free ports; every process started here is stopped by
its own pid when the session ends.
"""

from __future__ import annotations

import json
import os
import secrets
import socket
import subprocess
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import requests

from chatbot.training.train import REPO_DIR, rasa_env

CHATBOT_DIR = REPO_DIR / "chatbot"
RASA_BIN = REPO_DIR / ".venv-rasa" / "bin" / "rasa"
RASA_PY = REPO_DIR / ".venv-rasa" / "bin" / "python"
PORTAL_BIN = REPO_DIR / ".venv" / "bin" / "portal"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Proc:
    """A started subprocess with its log file."""

    name: str
    popen: subprocess.Popen
    log: Path

    def stop(self) -> None:
        if self.popen.poll() is None:
            self.popen.terminate()
            try:
                self.popen.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.popen.kill()
                self.popen.wait()

    def tail(self, chars: int = 3000) -> str:
        return self.log.read_text(errors="replace")[-chars:] if self.log.exists() else ""


def start(name: str, args: list[str], log_dir: Path, env: dict[str, str], cwd: Path,
          ready_url: str, timeout: float = 180.0) -> Proc:
    """Start a process and wait until `ready_url` answers 200."""
    log = log_dir / f"{name}.log"
    fh = log.open("wb")
    popen = subprocess.Popen(args, cwd=cwd, env=env, stdout=fh, stderr=subprocess.STDOUT)
    proc = Proc(name, popen, log)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if popen.poll() is not None:
            raise RuntimeError(f"{name} exited early:\n{proc.tail()}")
        try:
            if requests.get(ready_url, timeout=2).status_code == 200:
                return proc
        except requests.RequestException:
            pass
        time.sleep(0.5)
    proc.stop()
    raise RuntimeError(f"{name} not ready after {timeout}s:\n{proc.tail()}")


def train_model() -> Path:
    """The cached model (trained only when its inputs changed)."""
    out = subprocess.run([str(RASA_PY), "-m", "chatbot.training.train"], cwd=REPO_DIR,
                         env=rasa_env(), capture_output=True, text=True)
    if out.returncode != 0:
        raise RuntimeError(f"training failed:\n{out.stdout[-3000:]}\n{out.stderr[-5000:]}")
    return Path(out.stdout.strip().splitlines()[-1])


def start_core(log_dir: Path, token: str) -> tuple[Proc, str]:
    """`portal serve` on a fresh SQLite file, seeded with the demo data (bills) first."""
    port = free_port()
    env = dict(os.environ)
    env.update(PORTAL_DATABASE_URL=f"sqlite:///{log_dir / 'portal.db'}",
               PORTAL_CHANNEL_TOKENS=f"chatbot={token}", PORTAL_JOB_INTERVAL="1",
               PORTAL_SECRET_KEY=secrets.token_hex(16))
    seeded = subprocess.run([str(PORTAL_BIN), "seed"], cwd=REPO_DIR, env=env,
                            capture_output=True, text=True)
    (log_dir / "seed.log").write_text(seeded.stdout + seeded.stderr)
    url = f"http://127.0.0.1:{port}"
    return start("core", [str(PORTAL_BIN), "serve", "--port", str(port)], log_dir, env, REPO_DIR,
                 f"{url}/api/v1/services?family=gov", timeout=120), url


def start_actions(log_dir: Path, core_url: str, token: str) -> tuple[Proc, str]:
    port = free_port()
    env = rasa_env()
    env.update(CHATBOT_CORE_URL=core_url, CHATBOT_CHANNEL_TOKEN=token)
    url = f"http://127.0.0.1:{port}"
    proc = start("actions", [str(RASA_BIN), "run", "actions", "--actions", "chatbot.actions",
                             "--port", str(port)], log_dir, env, CHATBOT_DIR, f"{url}/health")
    return proc, f"{url}/webhook"


def start_rasa(log_dir: Path, model: Path, action_url: str, core_url: str, token: str,
               wechat: dict[str, object], name: str = "rasa") -> tuple[Proc, str]:
    port = free_port()
    (log_dir / f"{name}-endpoints.yml").write_text(
        json.dumps({"action_endpoint": {"url": action_url}}))
    credentials = {"rest": None, "chatbot.channels.webchat.WebChatInput": None,
                   "chatbot.channels.wechat.WeChatInput": wechat}
    (log_dir / f"{name}-credentials.yml").write_text(json.dumps(credentials))
    env = rasa_env()
    env.update(CHATBOT_CORE_URL=core_url, CHATBOT_CHANNEL_TOKEN=token, CHATBOT_RELAY_INTERVAL="1")
    url = f"http://127.0.0.1:{port}"
    proc = start(name, [str(RASA_BIN), "run", "--enable-api", "--model", str(model),
                        "--port", str(port), "--endpoints", str(log_dir / f"{name}-endpoints.yml"),
                        "--credentials", str(log_dir / f"{name}-credentials.yml")],
                 log_dir, env, CHATBOT_DIR, f"{url}/status", timeout=240)
    return proc, url


@dataclass
class FakeWeChatApi:
    """WeChat's token and customer-service endpoints, recording what was sent."""

    access_token: str = field(default_factory=lambda: secrets.token_hex(8))
    sent: list[dict] = field(default_factory=list)
    token_requests: int = 0
    server: ThreadingHTTPServer | None = None

    @property
    def url(self) -> str:
        assert self.server is not None
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def start(self) -> FakeWeChatApi:
        api = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:
                pass

            def _reply(self, body: dict) -> None:
                data = json.dumps(body).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_GET(self) -> None:
                url = urlsplit(self.path)
                q = parse_qs(url.query)
                if url.path == "/cgi-bin/token" and q.get("grant_type") == ["client_credential"]:
                    api.token_requests += 1
                    self._reply({"access_token": api.access_token, "expires_in": 7200})
                else:
                    self._reply({"errcode": 40013, "errmsg": "invalid appid"})

            def do_POST(self) -> None:
                url = urlsplit(self.path)
                q = parse_qs(url.query)
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                if url.path != "/cgi-bin/message/custom/send":
                    self._reply({"errcode": 404, "errmsg": "not found"})
                elif q.get("access_token") != [api.access_token]:
                    self._reply({"errcode": 40001, "errmsg": "invalid credential"})
                else:
                    api.sent.append(body)
                    self._reply({"errcode": 0, "errmsg": "ok"})

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        if self.server is not None:
            self.server.shutdown()


@dataclass
class DelayingProxy:
    """Forwards HTTP to the core after `delay` seconds: a slow (or, with `down`, a failing)
    backend on demand."""

    target: str
    delay: float = 0.0
    down: bool = False
    server: ThreadingHTTPServer | None = None

    @property
    def url(self) -> str:
        assert self.server is not None
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def start(self) -> DelayingProxy:
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:
                pass

            def _forward(self) -> None:
                time.sleep(proxy.delay)
                if proxy.down:
                    self.send_response(503)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else None
                headers = {k: v for k, v in self.headers.items()
                           if k.lower() not in ("host", "content-length", "connection")}
                resp = requests.request(self.command, proxy.target + self.path, data=body,
                                        headers=headers, timeout=30)
                self.send_response(resp.status_code)
                for k, v in resp.headers.items():
                    if k.lower() not in ("content-length", "transfer-encoding", "connection",
                                         "content-encoding"):
                        self.send_header(k, v)
                self.send_header("Content-Length", str(len(resp.content)))
                self.end_headers()
                self.wfile.write(resp.content)

            do_GET = do_POST = _forward

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        if self.server is not None:
            self.server.shutdown()
