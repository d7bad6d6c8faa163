"""Brings staff replies and matter updates from the core back into chat conversations.

Matters opened from chat notify ``chat`` at ``<channel>:<sender>``; the core keeps those
notices until the channel fetches them (GET /chat/<address>/messages). Conversations that
submitted a matter or were handed to staff are watched; each notice is sent on the user's
channel and recorded in the tracker. When the handoff matter is closed, the bot resumes.
"""

from __future__ import annotations

import asyncio
import logging
import os
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from rasa.core.agent import Agent
from rasa.shared.core.constants import ACTION_LISTEN_NAME
from rasa.shared.core.events import ActionExecuted, BotUttered, ConversationResumed, SlotSet

from portal_client import PortalClient, PortalProblem
from portal_client.i18n import DEFAULT_LANG, LANGS, gettext

log = logging.getLogger(__name__)
Send = Callable[[str, str], Awaitable[None]]  # (sender_id, text)
WATCH_SLOTS = ("handoff_matter", "matter_number")
SILENT_KINDS = ("matter_created",)  # the bot already told the number when it submitted


@dataclass
class Watch:
    """One conversation whose notices are fetched from the core."""

    address: str
    send: Send
    after: int = 0


def core_client() -> PortalClient:
    """A client with the chatbot's channel token (the chat endpoint is channel-only)."""
    return PortalClient(os.environ.get("CHATBOT_CORE_URL", "http://127.0.0.1:8000"),
                        channel_token=os.environ.get("CHATBOT_CHANNEL_TOKEN") or None,
                        timeout=float(os.environ.get("CHATBOT_CORE_TIMEOUT", "8")),
                        channel="chatbot")


class StaffRelay:
    """Polls the core for the watched conversations and delivers what it finds."""

    def __init__(self, interval: float = 3.0) -> None:
        self.interval = interval
        self.watched: dict[str, Watch] = {}
        self._task: asyncio.Task | None = None

    async def after_message(self, agent: Agent, sender_id: str, channel: str, send: Send) -> None:
        """Watch a conversation once it has a matter or a handoff under way."""
        if sender_id in self.watched or agent.tracker_store is None:
            return
        tracker = await agent.tracker_store.retrieve(sender_id)
        if tracker is not None and any(tracker.get_slot(s) for s in WATCH_SLOTS):
            self.watched[sender_id] = Watch(f"{channel}:{sender_id}", send)

    def start(self, agent: Agent) -> None:
        """Start polling in the server's event loop (once, whichever channel asks first)."""
        if self._task is None:
            self._task = asyncio.get_running_loop().create_task(self._run(agent))

    async def _run(self, agent: Agent) -> None:
        while True:
            await asyncio.sleep(self.interval)
            try:
                await self.poll_once(agent)
            except Exception:  # keep relaying whatever one conversation did
                log.exception("staff relay poll failed")

    async def poll_once(self, agent: Agent) -> int:
        """Fetch and deliver new notices for every watched conversation; returns how many."""
        client = core_client()
        delivered = 0
        for sender_id, watch in list(self.watched.items()):
            try:
                items = await asyncio.to_thread(client.chat_messages, watch.address, watch.after)
            except PortalProblem:
                continue
            for item in items:
                watch.after = max(watch.after, item.id)
                if item.kind in SILENT_KINDS:
                    continue
                await self._deliver(agent, client, sender_id, watch, item.body, item.matter_number)
                delivered += 1
        return delivered

    async def _deliver(self, agent: Agent, client: PortalClient, sender_id: str, watch: Watch,
                       body: str, matter_number: str | None) -> None:
        await watch.send(sender_id, body)
        async with agent.lock_store.lock(sender_id):
            tracker = await agent.processor.get_tracker(sender_id)
            tracker.update(BotUttered(body, metadata={"staff_relay": True}))
            handoff = tracker.get_slot("handoff_matter")
            if handoff and handoff == matter_number and not await self._still_open(client, handoff):
                lang = tracker.get_slot("language")
                closing = gettext("chatbot", "msg.handoff_closed", lang if lang in LANGS else DEFAULT_LANG)
                tracker.update(SlotSet("handoff_matter", None))
                tracker.update(ConversationResumed())
                tracker.update(BotUttered(closing))
                # Messages sent while paused were never answered: start the next turn afresh.
                tracker.update(ActionExecuted(ACTION_LISTEN_NAME))
                await watch.send(sender_id, closing)
            await agent.tracker_store.save(tracker)

    @staticmethod
    async def _still_open(client: PortalClient, number: str) -> bool:
        try:
            return (await asyncio.to_thread(client.matter, number)).is_open
        except PortalProblem:
            return True


RELAY = StaffRelay(float(os.environ.get("CHATBOT_RELAY_INTERVAL", "3")))
