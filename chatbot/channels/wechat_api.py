"""The WeChat server API calls the connector needs: an access token and customer-service
messages (客服消息), used when a reply misses the 5-second passive-reply window.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from dataclasses import dataclass

import aiohttp

log = logging.getLogger(__name__)
DEFAULT_API_BASE = "https://api.weixin.qq.com"
TOKEN_EXPIRED = (40001, 40014, 42001)
MAX_TEXT = 2000  # WeChat truncates customer-service texts at 2048 bytes-ish; stay under


class WeChatApiError(Exception):
    """WeChat answered with a non-zero errcode."""

    def __init__(self, errcode: int, errmsg: str) -> None:
        super().__init__(f"{errcode}: {errmsg}")
        self.errcode = errcode


@dataclass
class _Token:
    value: str
    expires_at: float


class WeChatApi:
    """access_token cache + customer-service text messages."""

    def __init__(self, app_id: str, app_secret: str, api_base: str = DEFAULT_API_BASE,
                 timeout: float = 10.0) -> None:
        self.app_id = app_id
        self.app_secret = app_secret
        self.api_base = api_base.rstrip("/")
        self.timeout = aiohttp.ClientTimeout(total=timeout)
        self._token: _Token | None = None
        self._lock = asyncio.Lock()

    async def _json(self, method: str, path: str, **kwargs: object) -> dict:
        async with aiohttp.ClientSession(timeout=self.timeout) as session:
            async with session.request(method, f"{self.api_base}{path}", **kwargs) as resp:
                body = await resp.json(content_type=None)
        if body.get("errcode"):
            raise WeChatApiError(int(body["errcode"]), str(body.get("errmsg", "")))
        return body

    async def access_token(self, force: bool = False) -> str:
        """A valid access_token, fetched again five minutes before it expires."""
        async with self._lock:
            if force or self._token is None or time.monotonic() >= self._token.expires_at:
                body = await self._json("GET", "/cgi-bin/token", params={
                    "grant_type": "client_credential", "appid": self.app_id,
                    "secret": self.app_secret})
                ttl = max(int(body.get("expires_in", 7200)) - 300, 60)
                self._token = _Token(str(body["access_token"]), time.monotonic() + ttl)
            return self._token.value

    async def send_text(self, openid: str, content: str) -> None:
        """Send a customer-service text message (retrying once with a fresh token)."""
        payload = {"touser": openid, "msgtype": "text", "text": {"content": content[:MAX_TEXT]}}
        for attempt in (0, 1):
            token = await self.access_token(force=attempt == 1)
            try:
                # ensure_ascii=False: WeChat shows \uXXXX escapes literally in some clients.
                await self._json("POST", "/cgi-bin/message/custom/send",
                                 params={"access_token": token},
                                 data=json.dumps(payload, ensure_ascii=False).encode("utf-8"),
                                 headers={"Content-Type": "application/json; charset=utf-8"})
                return
            except WeChatApiError as exc:
                if exc.errcode not in TOKEN_EXPIRED or attempt == 1:
                    raise
