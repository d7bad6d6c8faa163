"""The WeChat official-account connector inside a live Rasa server, against a fake WeChat API
server: signatures, XML, retries of one MsgId, and the 5-second passive-reply limit."""

from __future__ import annotations

import concurrent.futures
import time
import uuid

import pytest
import requests
from defusedxml import ElementTree

from chatbot.channels.wechat_protocol import signature
from portal_client.i18n import gettext
from tests.chatbot.conftest import WECHAT_TOKEN, Stack

pytestmark = pytest.mark.rasa


def signed(token: str = WECHAT_TOKEN) -> dict[str, str]:
    ts, nonce = str(int(time.time())), uuid.uuid4().hex[:10]
    return {"timestamp": ts, "nonce": nonce, "signature": signature(token, ts, nonce)}


def text_xml(openid: str, content: str, msg_id: str) -> bytes:
    return (f"<xml><ToUserName><![CDATA[gh_portal]]></ToUserName>"
            f"<FromUserName><![CDATA[{openid}]]></FromUserName>"
            f"<CreateTime>{int(time.time())}</CreateTime><MsgType><![CDATA[text]]></MsgType>"
            f"<Content><![CDATA[{content}]]></Content><MsgId>{msg_id}</MsgId></xml>").encode()


def post(stack: Stack, body: bytes, params: dict[str, str] | None = None) -> requests.Response:
    return requests.post(f"{stack.rasa_url}/webhooks/wechat/webhook",
                         params=params if params is not None else signed(), data=body,
                         headers={"Content-Type": "text/xml"}, timeout=30)


def reply_text(resp: requests.Response) -> str:
    root = ElementTree.fromstring(resp.content)
    return root.findtext("Content") or ""


def new_openid() -> str:
    return "o" + uuid.uuid4().hex[:27]


def user_texts(stack: Stack, openid: str) -> list[str]:
    tracker = requests.get(f"{stack.rasa_url}/conversations/{openid}/tracker", timeout=10).json()
    return [e.get("text") for e in tracker["events"] if e["event"] == "user"]


def test_server_verification_echoes_only_when_signed(stack: Stack) -> None:
    url = f"{stack.rasa_url}/webhooks/wechat/webhook"
    ok = requests.get(url, params={**signed(), "echostr": "4242"}, timeout=10)
    assert ok.status_code == 200 and ok.text == "4242"
    bad = requests.get(url, params={**signed("wrong-token"), "echostr": "4242"}, timeout=10)
    assert bad.status_code == 403 and "4242" not in bad.text


def test_signed_text_gets_a_passive_xml_reply(stack: Stack) -> None:
    openid = new_openid()
    resp = post(stack, text_xml(openid, "你好", "7000000000000000001"))
    assert resp.status_code == 200
    root = ElementTree.fromstring(resp.content)
    assert root.findtext("ToUserName") == openid and root.findtext("FromUserName") == "gh_portal"
    assert gettext("chatbot", "utter.greet", "zh_CN") in reply_text(resp)
    assert user_texts(stack, openid) == ["你好"]


def test_wrongly_signed_message_is_403_and_never_reaches_the_bot(stack: Stack) -> None:
    openid = new_openid()
    params = {**signed(), "signature": "0" * 40}
    assert post(stack, text_xml(openid, "你好", "7000000000000000002"), params).status_code == 403
    assert post(stack, text_xml(openid, "你好", "7000000000000000003"), {}).status_code == 403
    assert user_texts(stack, openid) == []


def test_retried_msgid_is_answered_once(stack: Stack) -> None:
    openid = new_openid()
    body = text_xml(openid, "hello", "7000000000000000004")
    with concurrent.futures.ThreadPoolExecutor(3) as pool:
        replies = list(pool.map(lambda _: post(stack, body), range(3)))
    again = post(stack, body)
    texts = {reply_text(r) for r in [*replies, again]}
    assert texts == {gettext("chatbot", "utter.greet", "en")}
    assert user_texts(stack, openid) == ["hello"]


def test_subscribe_event_greets_and_other_media_are_explained(stack: Stack) -> None:
    openid = new_openid()
    event = (f"<xml><ToUserName>gh_portal</ToUserName><FromUserName>{openid}</FromUserName>"
             f"<CreateTime>{int(time.time())}</CreateTime><MsgType>event</MsgType>"
             "<Event>subscribe</Event></xml>").encode()
    assert gettext("chatbot", "utter.greet", "zh_CN") in reply_text(post(stack, event))
    image = (f"<xml><ToUserName>gh_portal</ToUserName><FromUserName>{openid}</FromUserName>"
             f"<CreateTime>{int(time.time())}</CreateTime><MsgType>image</MsgType>"
             "<PicUrl>http://example.invalid/a.jpg</PicUrl><MsgId>7000000000000000005</MsgId></xml>"
             ).encode()
    assert reply_text(post(stack, image)) == gettext("chatbot", "wechat.unsupported", "zh_CN")


def test_malformed_xml_is_refused(stack: Stack) -> None:
    hostile = (b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>'
               b"<xml><FromUserName>&e;</FromUserName><MsgType>text</MsgType></xml>")
    assert post(stack, hostile).status_code == 400
    assert post(stack, b"<xml><broken").status_code == 400


def test_slow_backend_answers_success_then_a_customer_service_message(stack: Stack) -> None:
    openid = new_openid()
    body = text_xml(openid, "有没有家政保洁服务", "7000000000000000006")
    sent_before = len(stack.wechat_api.sent)
    stack.slow_core.delay = 6.0
    try:
        started = time.monotonic()
        first = post(stack, body)
        waited = time.monotonic() - started
        retry = post(stack, body)  # WeChat's retry of the same MsgId while we are still busy
    finally:
        stack.slow_core.delay = 0.0
    assert first.text == "success" and waited < 5.0
    assert retry.text == "success"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and len(stack.wechat_api.sent) == sent_before:
        time.sleep(0.5)
    time.sleep(2)  # nothing else may follow
    mine = [m for m in stack.wechat_api.sent if m["touser"] == openid]
    assert len(mine) == 1, mine
    assert mine[0]["msgtype"] == "text"
    assert gettext("chatbot", "msg.services_found", "zh_CN") in mine[0]["text"]["content"]
    assert user_texts(stack, openid) == ["有没有家政保洁服务"]
