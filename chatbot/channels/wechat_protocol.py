"""WeChat official-account wire format: signatures, inbound XML, passive replies, MsgId dedupe.

Pure Python (defusedxml only) so it is tested without Rasa. Algorithm from WeChat's
"接入指南": signature = SHA-1 of the lexicographically sorted token, timestamp and nonce.
"""

from __future__ import annotations

import hashlib
import hmac
import time
from collections import OrderedDict
from dataclasses import dataclass
from typing import Generic, TypeVar
from xml.etree.ElementTree import Element

from defusedxml import ElementTree

T = TypeVar("T")
MAX_BODY = 64 * 1024


def signature(token: str, timestamp: str, nonce: str) -> str:
    """The hex SHA-1 WeChat puts in the `signature` query parameter."""
    return hashlib.sha1("".join(sorted([token, timestamp, nonce])).encode("utf-8")).hexdigest()


def check_signature(token: str, sig: str | None, timestamp: str | None, nonce: str | None) -> bool:
    """Whether a request really comes from WeChat (constant-time comparison)."""
    if not (token and sig and timestamp and nonce):
        return False
    return hmac.compare_digest(signature(token, timestamp, nonce), sig.lower())


class BadMessage(ValueError):
    """The body is not a WeChat message (malformed, hostile or too large XML)."""


@dataclass(frozen=True)
class WeChatMessage:
    """One inbound message or event."""

    to_user: str
    from_user: str
    create_time: int
    msg_type: str
    content: str = ""
    msg_id: str = ""
    event: str = ""

    @property
    def dedupe_key(self) -> str:
        """MsgId for messages; sender + CreateTime for events (WeChat's own advice)."""
        return self.msg_id or f"{self.from_user}:{self.create_time}:{self.event}"


def _text(root: Element, tag: str) -> str:
    node = root.find(tag)
    return (node.text or "").strip() if node is not None and node.text else ""


def parse_message(body: bytes) -> WeChatMessage:
    """Parse an inbound XML body; entity expansion and DTDs are refused by defusedxml."""
    if len(body) > MAX_BODY:
        raise BadMessage("body too large")
    try:
        root = ElementTree.fromstring(body)
    except Exception as exc:  # defusedxml raises several types; all mean "not for us"
        raise BadMessage(str(exc)) from exc
    if root.tag != "xml":
        raise BadMessage("root element is not <xml>")
    from_user, msg_type = _text(root, "FromUserName"), _text(root, "MsgType")
    if not from_user or not msg_type:
        raise BadMessage("FromUserName and MsgType are required")
    try:
        created = int(_text(root, "CreateTime") or 0)
    except ValueError as exc:
        raise BadMessage("CreateTime is not a number") from exc
    content = root.find("Content")
    return WeChatMessage(
        to_user=_text(root, "ToUserName"), from_user=from_user, create_time=created,
        msg_type=msg_type.lower(),
        content=(content.text or "") if content is not None else "",
        msg_id=_text(root, "MsgId"), event=_text(root, "Event").lower())


def _cdata(text: str) -> str:
    return "<![CDATA[" + text.replace("]]>", "]]]]><![CDATA[>") + "]]>"


def text_reply(message: WeChatMessage, content: str, now: int | None = None) -> str:
    """The passive reply XML: a text message back to the sender."""
    return (
        "<xml>"
        f"<ToUserName>{_cdata(message.from_user)}</ToUserName>"
        f"<FromUserName>{_cdata(message.to_user)}</FromUserName>"
        f"<CreateTime>{int(now if now is not None else time.time())}</CreateTime>"
        "<MsgType><![CDATA[text]]></MsgType>"
        f"<Content>{_cdata(content)}</Content>"
        "</xml>"
    )


class RecentKeys(Generic[T]):
    """What was answered to each recent MsgId, so WeChat's retries are answered once.

    WeChat retries a message three times when it gets no answer within 5 s; entries live a
    little longer than that retry window.
    """

    def __init__(self, ttl: float = 60.0, capacity: int = 10_000) -> None:
        self.ttl = ttl
        self.capacity = capacity
        self._items: OrderedDict[str, tuple[float, T]] = OrderedDict()

    def _expire(self, now: float) -> None:
        while self._items:
            key, (at, _) = next(iter(self._items.items()))
            if now - at <= self.ttl and len(self._items) <= self.capacity:
                break
            self._items.popitem(last=False)

    def get(self, key: str, now: float | None = None) -> T | None:
        """The value stored for a key that has not expired."""
        now = time.monotonic() if now is None else now
        self._expire(now)
        hit = self._items.get(key)
        return hit[1] if hit else None

    def put(self, key: str, value: T, now: float | None = None) -> None:
        """Remember a value for a key (replacing any earlier one)."""
        now = time.monotonic() if now is None else now
        self._items[key] = (now, value)
        self._items.move_to_end(key)
        self._expire(now)
