"""WeChat official-account input channel for Rasa (明文模式).

GET  /webhooks/wechat/webhook  — server verification: echo `echostr` if the signature holds.
POST /webhooks/wechat/webhook  — XML text messages and subscribe events. The OpenID is the
sender id. The bot's reply goes back passively if ready within `reply_timeout` (WeChat
allows 5 s); otherwise the answer is "success" and the reply follows as a customer-service
message. A retried MsgId is never processed twice. Bad signatures get 403.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from rasa.core.channels.channel import CollectingOutputChannel, InputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from chatbot.channels import wechat_protocol as proto
from chatbot.channels.rendering import as_text
from chatbot.channels.staff_relay import RELAY
from chatbot.channels.wechat_api import DEFAULT_API_BASE, WeChatApi
from chatbot.language_detection import detect_language
from portal_client.i18n import DEFAULT_LANG, LANGS, gettext

log = logging.getLogger(__name__)
SUCCESS = "success"
GREETING_PAYLOAD = "/greet"


@dataclass
class Pending:
    """One inbound MsgId: the task answering it, and whether the passive window was missed."""

    task: asyncio.Task[str] | None = None
    deferred: bool = False


class WeChatOutput(CollectingOutputChannel):
    """Collects replies for the passive answer; `name` keeps the tracker's channel 'wechat'."""

    @classmethod
    def name(cls) -> str:
        return "wechat"


class WeChatInput(InputChannel):
    """The official-account connector."""

    @classmethod
    def name(cls) -> str:
        return "wechat"

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> WeChatInput:
        if not credentials or not credentials.get("token"):
            cls.raise_missing_credentials_exception()
        return cls(
            token=str(credentials["token"]),
            app_id=str(credentials.get("app_id") or ""),
            app_secret=str(credentials.get("app_secret") or ""),
            api_base=str(credentials.get("api_base") or DEFAULT_API_BASE),
            reply_timeout=float(credentials.get("reply_timeout", 4.5)),
            max_length=int(credentials.get("max_length", 600)),
        )

    def __init__(self, token: str, app_id: str = "", app_secret: str = "",
                 api_base: str = DEFAULT_API_BASE, reply_timeout: float = 4.5,
                 max_length: int = 600) -> None:
        self.token = token
        self.api = WeChatApi(app_id, app_secret, api_base)
        self.reply_timeout = reply_timeout
        self.max_length = max_length
        # MsgId → its answering task: retries wait for the same task, never start another.
        self.answered: proto.RecentKeys[Pending] = proto.RecentKeys(ttl=60.0)

    def _signed(self, request: Request) -> bool:
        args = request.args
        return proto.check_signature(self.token, args.get("signature"), args.get("timestamp"),
                                     args.get("nonce"))

    async def send_text(self, openid: str, text: str) -> None:
        """Push a message outside the passive window (customer-service API)."""
        if text:
            await self.api.send_text(openid, text)

    def blueprint(
        self, on_new_message: Callable[[UserMessage], Awaitable[Any]]
    ) -> Blueprint:
        wechat = Blueprint("wechat_webhook", __name__)

        @wechat.listener("after_server_start")
        async def start_relay(app: Any, _loop: Any) -> None:
            if getattr(app.ctx, "agent", None) is not None:
                RELAY.start(app.ctx.agent)

        @wechat.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @wechat.route("/webhook", methods=["GET"])
        async def verify(request: Request) -> HTTPResponse:
            if not self._signed(request):
                return response.text("forbidden", status=403)
            return response.text(request.args.get("echostr", ""))

        @wechat.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            if not self._signed(request):
                return response.text("forbidden", status=403)
            try:
                message = proto.parse_message(request.body or b"")
            except proto.BadMessage:
                return response.text("bad request", status=400)
            pending = self.answered.get(message.dedupe_key)
            if pending is None:
                pending = Pending()
                pending.task = asyncio.get_running_loop().create_task(
                    self._answer(message, pending, on_new_message, request.app))
                self.answered.put(message.dedupe_key, pending)
            body = await self._wait(pending)
            return response.text(body, content_type="text/plain" if body == SUCCESS
                                 else "application/xml")

        return wechat

    async def _wait(self, pending: Pending) -> str:
        """The passive reply if it is ready in time; else "success" (and the reply is deferred)."""
        assert pending.task is not None
        try:
            return await asyncio.wait_for(asyncio.shield(pending.task), self.reply_timeout)
        except asyncio.TimeoutError:  # noqa: UP041 (not the builtin on Python 3.10)
            if pending.task.done():  # finished in the same tick as the timeout
                return pending.task.result()
            # No await between this flag and the task's check of it: exactly one delivery.
            pending.deferred = True
            return SUCCESS

    async def _answer(self, message: proto.WeChatMessage, pending: Pending,
                      on_new_message: Callable[[UserMessage], Awaitable[Any]], app: Any) -> str:
        """Handle one inbound message; returns the passive reply body.

        When the waiting request has already answered "success" (deferred), the text goes out
        as a customer-service message instead.
        """
        reply = await self._reply_text(message, on_new_message, app)
        if not reply:
            return SUCCESS
        if pending.deferred:
            try:
                await self.send_text(message.from_user, reply)
            except Exception:
                log.exception("WeChat customer-service message failed")
            return SUCCESS
        return proto.text_reply(message, reply)

    @staticmethod
    async def _conversation_lang(app: Any, sender_id: str) -> str:
        """The language this user last wrote in (for replies the bot itself does not make)."""
        agent = getattr(app.ctx, "agent", None)
        tracker = await agent.tracker_store.retrieve(sender_id) if agent else None
        lang = tracker.get_slot("language") if tracker else None
        return lang if lang in LANGS else DEFAULT_LANG

    async def _reply_text(self, message: proto.WeChatMessage,
                          on_new_message: Callable[[UserMessage], Awaitable[Any]],
                          app: Any) -> str:
        if message.msg_type == "event":
            if message.event != "subscribe":
                return ""
            text = GREETING_PAYLOAD
        elif message.msg_type == "text":
            text = message.content.strip()
        else:
            lang = await self._conversation_lang(app, message.from_user)
            return gettext("chatbot", "wechat.unsupported", lang)
        if not text:
            return ""
        if len(text) > self.max_length:
            lang = detect_language(text) or "zh_CN"
            return gettext("chatbot", "wechat.too_long", lang, limit=self.max_length)
        collector = WeChatOutput()
        await on_new_message(UserMessage(
            text, collector, message.from_user, input_channel=self.name(),
            metadata={"wechat": {"to_user": message.to_user, "msg_id": message.msg_id}}))
        agent = getattr(app.ctx, "agent", None)
        if agent is not None:
            await RELAY.after_message(agent, message.from_user, self.name(), self.send_text)
        return as_text(collector.messages)
