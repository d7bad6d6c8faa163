"""Assemble the portal server: the core API plus the blueprints of payments and channels."""

from __future__ import annotations

from flask import Flask

from channel_core.api import create_app
from channel_core.config import PortalConfig

# "module:attr" of what the server mounts beside the core API; each is a Blueprint or an
# init function taking the app. Kept here so the core never imports a channel.
MOUNTS: tuple[str, ...] = (
    "payments.api:init_app",
    "hotline.webhooks:init_app",
    "console.app:init_app",
    "chatbot.webchat:init_app",
)


def create_server_app(config: PortalConfig | None = None) -> Flask:
    """The whole portal as one WSGI app."""
    config = config or PortalConfig.from_env()
    if config.blueprints is None:
        config = config.with_(blueprints=MOUNTS)
    return create_app(config)
