"""The action server's one door to the core: ``portal_client`` calls run off the event loop.

Configuration (environment): CHATBOT_CORE_URL (default http://127.0.0.1:8000),
CHATBOT_CHANNEL_TOKEN (the chatbot's X-Channel-Token), CHATBOT_CORE_TIMEOUT (seconds).
"""

from __future__ import annotations

import asyncio
import os
import time
from collections.abc import Callable
from typing import TypeVar

from portal_client import PortalClient, PortalProblem, PortalUnavailable, Service

T = TypeVar("T")
SERVICE_TTL = 300.0
_services: dict[str, tuple[float, Service]] = {}

__all__ = ["PortalProblem", "PortalUnavailable", "call", "client", "service"]


def client(lang: str, channel: str = "chatbot") -> PortalClient:
    """A fresh client (per action call, so one user's sign-in never leaks to another)."""
    return PortalClient(
        os.environ.get("CHATBOT_CORE_URL", "http://127.0.0.1:8000"),
        channel_token=os.environ.get("CHATBOT_CHANNEL_TOKEN") or None,
        lang=lang,
        timeout=float(os.environ.get("CHATBOT_CORE_TIMEOUT", "8")),
        channel=channel,
    )


async def call(fn: Callable[..., T], *args: object, **kwargs: object) -> T:
    """Run a blocking client call in a worker thread."""
    return await asyncio.to_thread(fn, *args, **kwargs)


async def service(service_id: str, lang: str) -> Service:
    """A service definition, cached for a few minutes (the catalog changes rarely)."""
    now = time.monotonic()
    hit = _services.get(service_id)
    if hit and now - hit[0] < SERVICE_TTL:
        return hit[1]
    svc = await call(client(lang).service, service_id)
    _services[service_id] = (now, svc)
    return svc
