"""The web chat page the portal mounts (chatbot.webchat:init_app), through Flask's test client."""

from __future__ import annotations

import json
import re

import pytest
from flask import Flask

from chatbot import webchat
from portal_client.i18n import gettext


@pytest.fixture()
def client(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("CHATBOT_RASA_URL", "http://rasa.test:5005/")
    app = Flask(__name__)
    webchat.init_app(app)
    return app.test_client()


@pytest.mark.parametrize("query,header,lang", [("?lang=en", "", "en"), ("", "zh-TW,zh;q=0.8", "zh_TW"),
                                               ("", "", "zh_CN")])
def test_page_speaks_the_visitors_language(client, query: str, header: str, lang: str) -> None:
    resp = client.get(f"/chat{query}", headers={"Accept-Language": header} if header else {})
    page = resp.get_data(as_text=True)
    assert resp.status_code == 200 and resp.mimetype == "text/html"
    assert f"<title>{gettext('chatbot', 'webchat.title', lang)}</title>" in page
    config = json.loads(re.search(r"window.WEBCHAT = (.*?);</script>", page).group(1))
    assert config["rasa"] == "http://rasa.test:5005" and config["lang"] == lang
    assert config["texts"]["send"] == gettext("chatbot", "webchat.send", lang)


def test_script_is_served_and_talks_to_the_webchat_channel(client) -> None:
    resp = client.get("/chat/webchat.js")
    body = resp.get_data(as_text=True)
    assert resp.status_code == 200 and "javascript" in resp.mimetype
    assert "/webhooks/webchat/webhook" in body and "/webhooks/webchat/updates" in body
