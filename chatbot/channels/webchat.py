"""Web chat input channel: Rasa's REST channel plus a mailbox for staff replies.

POST /webhooks/webchat/webhook {"sender", "message"} answers like the REST channel;
GET  /webhooks/webchat/updates?sender=... returns (and forgets) messages that arrived later:
staff replies and matter updates fetched by the staff relay.
"""

from __future__ import annotations

from collections import defaultdict, deque
from collections.abc import Awaitable, Callable
from typing import Any

from rasa.core.channels.channel import UserMessage
from rasa.core.channels.rest import RestInput
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from chatbot.channels.staff_relay import RELAY

MAILBOX_SIZE = 50


class WebChatInput(RestInput):
    """REST channel named "webchat" whose users can receive messages pushed later."""

    @classmethod
    def name(cls) -> str:
        return "webchat"

    def __init__(self) -> None:
        self.mailbox: dict[str, deque[str]] = defaultdict(lambda: deque(maxlen=MAILBOX_SIZE))

    async def queue_text(self, sender_id: str, text: str) -> None:
        """Keep a message for the page's next poll."""
        self.mailbox[sender_id].append(text)

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        async def relayed(message: UserMessage) -> None:
            await on_new_message(message)
            agent = getattr(self._app.ctx, "agent", None) if self._app else None
            if agent is not None and message.sender_id:
                RELAY.start(agent)
                await RELAY.after_message(agent, message.sender_id, self.name(), self.queue_text)

        bp = super().blueprint(relayed)
        self._app: Any = None

        @bp.listener("after_server_start")
        async def remember_app(app: Any, _loop: Any) -> None:
            self._app = app

        @bp.route("/updates", methods=["GET"])
        async def updates(request: Request) -> HTTPResponse:
            sender = request.args.get("sender") or ""
            box = self.mailbox.pop(sender, None)
            return response.json({"messages": [{"text": t} for t in (box or ())]})

        return bp
