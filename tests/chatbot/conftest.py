"""Session fixtures: one trained model, and one live core + action server + Rasa server."""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.chatbot import servers

WECHAT_TOKEN = "community-portal-test"


@pytest.fixture(scope="session")
def chatbot_model() -> Path:
    return servers.train_model()


@dataclass
class Stack:
    """The live chatbot: Rasa (REST, webchat, WeChat channels), actions, core, fakes."""

    rasa_url: str
    core_url: str
    channel_token: str
    wechat_api: servers.FakeWeChatApi
    slow_core: servers.DelayingProxy
    logs: Path


@pytest.fixture(scope="session")
def stack(chatbot_model: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    logs = tmp_path_factory.mktemp("chatbot-stack")
    token = secrets.token_hex(12)
    procs: list[servers.Proc] = []
    wechat_api = servers.FakeWeChatApi().start()
    slow = None
    try:
        core, core_url = servers.start_core(logs, token)
        procs.append(core)
        slow = servers.DelayingProxy(core_url).start()
        actions, action_url = servers.start_actions(logs, slow.url, token)
        procs.append(actions)
        wechat = {"token": WECHAT_TOKEN, "app_id": "wx-test", "app_secret": "secret",
                  "api_base": wechat_api.url, "reply_timeout": 4.5}
        rasa, rasa_url = servers.start_rasa(logs, chatbot_model, action_url, core_url, token,
                                            wechat)
        procs.append(rasa)
        yield Stack(rasa_url, core_url, token, wechat_api, slow, logs)
    finally:
        for proc in reversed(procs):
            proc.stop()
        wechat_api.stop()
        if slow is not None:
            slow.stop()
