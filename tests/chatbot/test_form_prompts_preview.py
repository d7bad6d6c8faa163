"""The console's chat preview of a service is what the chatbot's form actually sends: the
live action server (Rasa SDK, its own virtualenv) asks each field of a service served by a
live core, and every message and button equals the preview's. No trained model is needed:
the actions are called the way Rasa calls them (POST /webhook with the tracker)."""

from __future__ import annotations

import secrets
from collections.abc import Iterator

import pytest
import requests

from console import preview
from portal_client import PortalClient
from tests.chatbot import servers

SERVICES = ("gov.family-doctor", "property.repair", "ordering.canteen-meal")


@pytest.fixture(scope="module")
def live(tmp_path_factory) -> Iterator[tuple[PortalClient, str]]:
    logs = tmp_path_factory.mktemp("chat-preview")
    token = secrets.token_hex(12)
    procs: list[servers.Proc] = []
    try:
        core, core_url = servers.start_core(logs, token)
        procs.append(core)
        actions, action_url = servers.start_actions(logs, core_url, token)
        procs.append(actions)
        yield PortalClient(core_url, channel_token=token, channel="chatbot"), action_url
    finally:
        for proc in reversed(procs):
            proc.stop()


def _ask(action_url: str, action: str, slots: dict, events: tuple[dict, ...] = ()) -> list[dict]:
    """Run one action as Rasa does; the messages it sends."""
    tracker = {"sender_id": "preview-test", "slots": slots, "latest_message": {},
               "events": [{"event": "user", "text": "hi", "input_channel": "rest"}, *events],
               "paused": False, "followup_action": None,
               "active_loop": {"name": "service_form"}, "latest_action_name": None}
    r = requests.post(action_url, json={"next_action": action, "sender_id": "preview-test",
                                        "tracker": tracker, "domain": {}, "version": "3.6.2"},
                      timeout=30)
    assert r.status_code == 200, r.text
    return r.json()["responses"]


def _choose_service(action_url: str, service_id: str, lang: str) -> list[dict]:
    """The form's validation of the service the user asked for (its first messages)."""
    slots = {"service_id": service_id, "language": lang}
    return _ask(action_url, "validate_service_form", slots,
                ({"event": "slot", "name": "service_id", "value": service_id},))


@pytest.mark.parametrize("lang", ["zh_CN", "en"])
@pytest.mark.parametrize("service_id", SERVICES)
def test_the_chat_preview_is_what_the_chatbot_asks(live, service_id, lang):
    core, action_url = live
    body = core.get(f"/api/v1/services/{service_id}")
    script = preview.chat_script(body, lang)
    [start] = _choose_service(action_url, service_id, lang)  # on web chat, not signed in
    refused = [line for line in script if line.fallback]
    if refused:  # a service that needs identity: refused here, asked of bound WeChat users
        assert start["text"] == refused[0].text
    else:
        assert start["text"] == script[1].text  # the form's opening message
    asked = script[2 + len(refused):]
    assert asked, script

    filled: dict = {}
    for line in asked:
        slots = {"service_id": service_id, "form_fields": filled, "language": lang}
        [message] = _ask(action_url, "action_ask_form_value", slots)
        assert message["text"] == line.text
        assert tuple(b["title"] for b in message.get("buttons") or ()) == line.chips
        key = next(f["key"] for f in body["fields"]
                   if f["key"] not in filled and not (f["type"] == "photo"
                                                      and not f["required"]))
        filled = {**filled, key: None}  # answered (skipped): the next one is asked
    slots = {"service_id": service_id, "form_fields": filled, "language": lang}
    assert _ask(action_url, "action_ask_form_value", slots) == []  # nothing left to ask


def test_a_service_the_chat_cannot_take_is_previewed_as_refused(live):
    core, action_url = live
    body = core.get("/api/v1/services/property.parking-permit")  # a required photo
    script = preview.chat_script(body, "en")
    assert len(script) == 2 and script[1].fallback
    [refusal] = _choose_service(action_url, "property.parking-permit", "en")
    assert refusal["text"] == script[1].text and "photo" in refusal["text"].lower()
