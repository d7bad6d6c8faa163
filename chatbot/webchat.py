"""The web chat page, mounted by the portal server (``chatbot.webchat:init_app``).

Runs in the portal's process (Python 3.11, no Rasa): it only serves the page, which talks to
the Rasa server's ``webchat`` channel (CHATBOT_RASA_URL, default http://127.0.0.1:5005).
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from flask import Blueprint, Flask, Response, request
from markupsafe import escape

from portal_client.i18n import gettext, normalize_lang

STATIC = Path(__file__).resolve().parent / "webchat_static"
PAGE_KEYS = ("webchat.title", "webchat.placeholder", "webchat.send", "webchat.offline")

bp = Blueprint("webchat", __name__)


def rasa_url() -> str:
    """Where the browser reaches the Rasa server."""
    return os.environ.get("CHATBOT_RASA_URL", "http://127.0.0.1:5005").rstrip("/")


@bp.get("/chat")
def chat_page() -> Response:
    """The chat page in the visitor's language (?lang= or Accept-Language)."""
    lang = normalize_lang(request.args.get("lang") or request.headers.get("Accept-Language"))
    texts = {key.split(".", 1)[1]: gettext("chatbot", key, lang) for key in PAGE_KEYS}
    config = {"rasa": rasa_url(), "lang": lang, "texts": texts}
    page = (STATIC / "index.html").read_text(encoding="utf-8")
    page = page.replace("{{title}}", str(escape(texts["title"])))
    page = page.replace("{{lang}}", lang.replace("_", "-"))
    # </script> can't appear inside the JSON: '<' is escaped.
    page = page.replace("{{config}}", json.dumps(config, ensure_ascii=False).replace("<", "\\u003c"))
    return Response(page, mimetype="text/html")


@bp.get("/chat/webchat.js")
def chat_script() -> Response:
    """The page's script."""
    return Response((STATIC / "webchat.js").read_text(encoding="utf-8"),
                    mimetype="text/javascript")


def init_app(app: Flask) -> None:
    """Mount the chat page on the portal app."""
    app.register_blueprint(bp)
