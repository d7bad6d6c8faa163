"""Bot messages (Rasa's collected dicts) as plain text for text-only media like WeChat."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any


def as_text(messages: Iterable[dict[str, Any]]) -> str:
    """Join the bot's messages; buttons become bullet lines, images and links their URL."""
    parts = []
    for message in messages:
        lines = []
        if message.get("text"):
            lines.append(str(message["text"]))
        for button in message.get("buttons") or ():
            title = button.get("title")
            if title and title not in lines[0:1]:
                lines.append(f"· {title}")
        if message.get("image"):
            lines.append(str(message["image"]))
        if lines:
            parts.append("\n".join(lines))
    return "\n\n".join(parts)
