"""Who is signing in from where, and how often they may fail: one limit for every worker.

The limit on failed sign-ins per client address is kept where every worker process sees the
same count. By default that is the core: it counts the failures it audits, in the database
all workers share, and answers 429 with `retry_after` (the console shows it). With
CONSOLE_THROTTLE=redis://host:port/db the console also counts in Redis, as the hotline keeps
its call state there (HOTLINE_STORE), and turns a flood away before it reaches the core's
password hashing and database.

Which address counts: the socket's, unless CONSOLE_TRUSTED_PROXIES=n says the console sits
behind n reverse proxies; then the address the outermost trusted proxy put in
X-Forwarded-For, as werkzeug's ProxyFix(x_for=n) reads it. Without that setting the header
is ignored, so a client cannot dodge the limit by making one up.
"""

from __future__ import annotations

import logging
import os
import time
import uuid
from abc import ABC, abstractmethod

from flask import Flask, current_app, request

log = logging.getLogger(__name__)
LIMIT = 10  # failed sign-ins per address per window (the core's own limit is the same)
WINDOW_S = 300.0


class SignInThrottle(ABC):
    """Failed sign-ins per client address, shared by every worker."""

    @abstractmethod
    def retry_after(self, address: str) -> int:
        """Seconds until `address` may try again (0: it may try now)."""

    @abstractmethod
    def failed(self, address: str) -> None:
        """Count one failed sign-in from `address`."""

    @abstractmethod
    def succeeded(self, address: str) -> None:
        """A sign-in from `address` worked: its failures are forgiven."""


class CoreThrottle(SignInThrottle):
    """Leaves the count to the core, which keeps it in its database (the default)."""

    def retry_after(self, address: str) -> int:
        return 0

    def failed(self, address: str) -> None:
        pass

    def succeeded(self, address: str) -> None:
        pass


class RedisThrottle(SignInThrottle):
    """A sliding window per address in a Redis sorted set (scores are wall-clock times).

    If Redis cannot be reached the console lets the attempt through to the core, whose own
    limit still holds, rather than locking every member out.
    """

    def __init__(self, url: str, limit: int = LIMIT, window_s: float = WINDOW_S,
                 prefix: str = "console:signin:") -> None:
        import redis

        self.redis = redis.Redis.from_url(url, socket_timeout=1.0, socket_connect_timeout=1.0)
        self.errors: tuple[type[Exception], ...] = (redis.RedisError,)
        self.limit = limit
        self.window_s = window_s
        self.prefix = prefix

    def _key(self, address: str) -> str:
        return self.prefix + address

    def retry_after(self, address: str) -> int:
        now = time.time()
        key = self._key(address)
        try:
            pipe = self.redis.pipeline()
            pipe.zremrangebyscore(key, 0, now - self.window_s)
            pipe.zrevrange(key, self.limit - 1, self.limit - 1, withscores=True)
            _, nth = pipe.execute()
        except self.errors as exc:
            log.warning("sign-in throttle: Redis unavailable (%s); the core's limit applies", exc)
            return 0
        if not nth:
            return 0
        return max(1, int(nth[0][1] + self.window_s - now) + 1)

    def failed(self, address: str) -> None:
        now = time.time()
        key = self._key(address)
        try:
            pipe = self.redis.pipeline()
            pipe.zadd(key, {uuid.uuid4().hex: now})
            pipe.zremrangebyrank(key, 0, -(self.limit + 1))  # only the latest `limit` matter
            pipe.expire(key, int(self.window_s) + 1)
            pipe.execute()
        except self.errors as exc:
            log.warning("sign-in throttle: Redis unavailable (%s)", exc)

    def succeeded(self, address: str) -> None:
        try:
            self.redis.delete(self._key(address))
        except self.errors as exc:
            log.warning("sign-in throttle: Redis unavailable (%s)", exc)


def _setting(app: Flask, name: str, default: str) -> str:
    return str(app.config.get(name) or os.environ.get(name) or default)


def init_app(app: Flask) -> None:
    """Choose the throttle store and the trusted proxy count (CONSOLE_THROTTLE,
    CONSOLE_TRUSTED_PROXIES: Flask config first, then the environment)."""
    store = _setting(app, "CONSOLE_THROTTLE", "core")
    throttle: SignInThrottle
    if store.startswith(("redis://", "rediss://", "unix://")):
        throttle = RedisThrottle(store)
    elif store == "core":
        throttle = CoreThrottle()
    else:
        raise ValueError(f"CONSOLE_THROTTLE: 'core' or a redis:// URL, not {store!r}")
    hops = int(_setting(app, "CONSOLE_TRUSTED_PROXIES", "0"))
    if hops < 0:
        raise ValueError("CONSOLE_TRUSTED_PROXIES: the number of proxies in front, 0 or more")
    settings = app.extensions.setdefault("console", {})
    settings["throttle"] = throttle
    settings["trusted_proxies"] = hops


def throttle() -> SignInThrottle:
    return current_app.extensions["console"]["throttle"]


def client_address() -> str:
    """The address of the person at the browser (see the module docstring)."""
    hops = current_app.extensions["console"].get("trusted_proxies", 0)
    if hops:
        forwarded = [a.strip() for a in request.headers.get("X-Forwarded-For", "").split(",")]
        forwarded = [a for a in forwarded if a]
        if len(forwarded) >= hops:
            return forwarded[-hops]
    return request.remote_addr or "unknown"
