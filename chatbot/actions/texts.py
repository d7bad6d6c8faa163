"""Bot text in the conversation's language, from locales/*/LC_MESSAGES/chatbot.po."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from portal_client.i18n import DEFAULT_LANG, LANGS, gettext, pick

DOMAIN = "chatbot"


def lang_of(tracker: Tracker) -> str:
    """The language slot (set from every message by the LanguageDetector component)."""
    lang = tracker.get_slot("language")
    return lang if lang in LANGS else DEFAULT_LANG


def text(tracker: Tracker, key: str, **params: Any) -> str:
    """One translated message."""
    return gettext(DOMAIN, key, lang_of(tracker), **params)


def say(dispatcher: CollectingDispatcher, tracker: Tracker, key: str, **params: Any) -> None:
    """Send one translated message."""
    dispatcher.utter_message(text=text(tracker, key, **params))


def local(tracker: Tracker, texts: dict[str, str] | None) -> str:
    """A per-locale content field ({zh_CN, zh_TW, en}) in the conversation's language."""
    return pick(texts, lang_of(tracker))


def input_channel(tracker: Tracker) -> str:
    """The core's channel name for this conversation: 'wechat' or 'chatbot'."""
    return "wechat" if tracker.get_latest_input_channel() == "wechat" else "chatbot"


def chat_address(tracker: Tracker) -> str:
    """Where staff replies for this user are queued in the core (`notify_address`)."""
    return f"{tracker.get_latest_input_channel() or 'rest'}:{tracker.sender_id}"
