"""`portal demo` runs the chatbot: the supervisor trains if needed, serves, and stops cleanly."""

from __future__ import annotations

import signal
import subprocess
import time
from pathlib import Path

import requests

from chatbot.demo import credentials, demo_command
from chatbot.training.train import REPO_DIR, rasa_env
from portal.demo import DEMO_TOKENS, _channel_commands
from tests.chatbot import servers


def test_demo_starts_the_chatbot_beside_the_windows() -> None:
    names = [name for name, _ in _channel_commands("http://127.0.0.1:8000", None)]
    assert names == ["kiosk", "tv", "chatbot"]
    assert "chatbot" not in [n for n, _ in _channel_commands("http://x", None, frozenset({"chatbot"}))]
    cmd = demo_command("http://127.0.0.1:8000", DEMO_TOKENS["chatbot"], None)
    assert Path(cmd[0]).parent.parent.name == ".venv-rasa" and cmd[1:3] == ["-m", "chatbot.demo"]


def test_wechat_channel_only_when_configured() -> None:
    assert "chatbot.channels.wechat.WeChatInput" not in credentials(None)
    assert credentials("tok")["chatbot.channels.wechat.WeChatInput"]["token"] == "tok"


def test_supervisor_serves_replies_and_stops_its_servers(chatbot_model: Path, tmp_path: Path) -> None:
    token = "demo-test-token"
    core, core_url = servers.start_core(tmp_path, token)
    rasa_port, actions_port = servers.free_port(), servers.free_port()
    rasa_url = f"http://127.0.0.1:{rasa_port}"
    log = (tmp_path / "supervisor.log").open("wb")
    sup = subprocess.Popen(
        [str(servers.RASA_PY), "-m", "chatbot.demo", "--core", core_url, "--token", token,
         "--rasa-url", rasa_url,
         "--actions-port", str(actions_port), "--work-dir", str(tmp_path / "work")],
        cwd=REPO_DIR, env=rasa_env(), stdout=log, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 240
        while time.monotonic() < deadline:
            assert sup.poll() is None, (tmp_path / "supervisor.log").read_text()[-3000:]
            try:
                if requests.get(f"{rasa_url}/status", timeout=2).status_code == 200:
                    break
            except requests.RequestException:
                time.sleep(1)
        reply = requests.post(f"{rasa_url}/webhooks/rest/webhook", timeout=60,
                              json={"sender": "demo-1", "message": "hello"}).json()
        assert reply and "community service assistant" in reply[0]["text"]
        # the action server answers too: a service form starts with its first question
        reply = requests.post(f"{rasa_url}/webhooks/rest/webhook", timeout=60,
                              json={"sender": "demo-2", "message": "我要报修"}).json()
        assert any("物业报修" in m.get("text", "") for m in reply), reply
        sup.send_signal(signal.SIGTERM)
        assert sup.wait(timeout=40) == 0
        for url in (f"{rasa_url}/status", f"http://127.0.0.1:{actions_port}/health"):
            try:
                requests.get(url, timeout=2)
                raise AssertionError(f"{url} still answers after the supervisor stopped")
            except requests.ConnectionError:
                pass
    finally:
        if sup.poll() is None:
            sup.kill()
        core.stop()
