"""WeChat wire format without Rasa: signatures, XML parsing, passive replies, dedupe."""

from __future__ import annotations

import hashlib

import pytest
from defusedxml import ElementTree

from chatbot.channels import wechat_protocol as proto
from chatbot.channels.rendering import as_text

TEXT_XML = (
    "<xml><ToUserName><![CDATA[gh_community]]></ToUserName>"
    "<FromUserName><![CDATA[oUser123]]></FromUserName>"
    "<CreateTime>1700000000</CreateTime><MsgType><![CDATA[text]]></MsgType>"
    "<Content><![CDATA[我要报修 <b>&]]></Content><MsgId>6000000000000000001</MsgId></xml>"
).encode()


def test_signature_is_sha1_of_sorted_parts() -> None:
    # WeChat 接入指南: sort token/timestamp/nonce lexicographically, concatenate, SHA-1.
    expected = hashlib.sha1(b"1409304348" + b"xxxxxx" + b"yyy").hexdigest()
    assert proto.signature("yyy", "1409304348", "xxxxxx") == expected
    assert proto.check_signature("yyy", expected, "1409304348", "xxxxxx")
    assert proto.check_signature("yyy", expected.upper(), "1409304348", "xxxxxx")


@pytest.mark.parametrize("sig,ts,nonce", [
    ("0" * 40, "1409304348", "xxxxxx"), (None, "1", "2"), ("abc", None, "2"), ("abc", "1", ""),
])
def test_wrong_or_missing_signature_fails(sig: str | None, ts: str | None, nonce: str | None) -> None:
    assert not proto.check_signature("yyy", sig, ts, nonce)


def test_parse_text_message() -> None:
    msg = proto.parse_message(TEXT_XML)
    assert (msg.from_user, msg.to_user, msg.msg_type) == ("oUser123", "gh_community", "text")
    assert msg.content == "我要报修 <b>&"
    assert msg.dedupe_key == "6000000000000000001"


def test_events_dedupe_on_sender_and_time() -> None:
    msg = proto.parse_message(
        b"<xml><ToUserName>gh</ToUserName><FromUserName>oA</FromUserName>"
        b"<CreateTime>17</CreateTime><MsgType>event</MsgType><Event>subscribe</Event></xml>")
    assert msg.event == "subscribe" and msg.dedupe_key == "oA:17:subscribe"


@pytest.mark.parametrize("body", [
    b"not xml",
    b"<html><FromUserName>a</FromUserName></html>",
    b"<xml><MsgType>text</MsgType></xml>",
    # billion laughs / external entities are refused by defusedxml
    b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;">]>'
    b"<xml><FromUserName>&b;</FromUserName><MsgType>text</MsgType></xml>",
    b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>'
    b"<xml><FromUserName>&e;</FromUserName><MsgType>text</MsgType></xml>",
    b"<xml>" + b"a" * (proto.MAX_BODY + 1) + b"</xml>",
])
def test_hostile_or_malformed_bodies_are_refused(body: bytes) -> None:
    with pytest.raises(proto.BadMessage):
        proto.parse_message(body)


def test_passive_reply_swaps_users_and_survives_cdata_terminator() -> None:
    msg = proto.parse_message(TEXT_XML)
    xml = proto.text_reply(msg, "编号 ]]> 123", now=1700000001)
    root = ElementTree.fromstring(xml)
    assert root.findtext("ToUserName") == "oUser123"
    assert root.findtext("FromUserName") == "gh_community"
    assert root.findtext("MsgType") == "text"
    assert root.findtext("Content") == "编号 ]]> 123"
    assert root.findtext("CreateTime") == "1700000001"


def test_recent_keys_expire_and_stay_bounded() -> None:
    keys: proto.RecentKeys[str] = proto.RecentKeys(ttl=10, capacity=2)
    keys.put("a", "A", now=0)
    assert keys.get("a", now=5) == "A"
    assert keys.get("a", now=11) is None
    keys.put("b", "B", now=20)
    keys.put("c", "C", now=20)
    keys.put("d", "D", now=20)
    assert keys.get("b", now=20) is None and keys.get("d", now=20) == "D"


def test_text_rendering_of_buttons_and_images() -> None:
    text = as_text([{"text": "请选择：", "buttons": [{"title": "办理：物业报修", "payload": "/x"}]},
                    {"image": "https://pay.example/qr.png"}])
    assert text == "请选择：\n· 办理：物业报修\n\nhttps://pay.example/qr.png"
