"""End-to-end conversations through the REST channel with a live Rasa server, action server
and core server, in Chinese and English: find, fill, submit, track, FAQ, cancel, handoff."""

from __future__ import annotations

import re
import uuid

import pytest
import requests

from portal_client.i18n import gettext
from tests.chatbot.conftest import Stack

pytestmark = pytest.mark.rasa


def chat(stack: Stack, sender: str, text: str) -> list[dict]:
    resp = requests.post(f"{stack.rasa_url}/webhooks/rest/webhook",
                         json={"sender": sender, "message": text}, timeout=60)
    resp.raise_for_status()
    return resp.json()


def said(messages: list[dict]) -> str:
    return "\n".join(m.get("text", "") for m in messages)


def first_line(key: str, lang: str, **params: object) -> str:
    return gettext("chatbot", key, lang, **params).split("\n")[0]


def new_sender() -> str:
    return f"test-{uuid.uuid4().hex[:10]}"


REPAIR = {
    "zh_CN": ("我要报修", ["1", "水管/下水", "3号楼2单元501卫生间", "厨房水管漏水了", "13800138000"],
              "是", "查询办件进度"),
    "en": ("I want to report a repair",
           ["Inside my flat", "2", "Bldg 3 flat 501 bathroom", "The kitchen pipe is leaking",
            "13800138000"], "yes", "track my request"),
}


@pytest.mark.parametrize("lang", ["zh_CN", "en"])
def test_repair_request_from_start_to_tracking(stack: Stack, lang: str) -> None:
    start, answers, confirm, track = REPAIR[lang]
    me = new_sender()
    opening = said(chat(stack, me, start))
    assert first_line("msg.form_start", lang, title="X", count=5).split("X")[0] in opening
    assert gettext("chatbot", "msg.field_prompt", lang, label="").strip(": ：") in opening
    reply = ""
    for answer in answers:
        reply = said(chat(stack, me, answer))
    assert first_line("msg.form_confirm", lang, summary="") in reply
    assert "13800138000" in reply
    done = said(chat(stack, me, confirm))
    number = re.search(r"\b(\d{9})\b", done)
    assert number, done
    assert gettext("chatbot", "msg.form_submitted", lang, number=number.group(1)) in done
    matter = requests.get(f"{stack.core_url}/api/v1/matters/{number.group(1)}", timeout=10).json()
    assert matter["service_id"] == "property.repair" and matter["channel"] == "chatbot"
    status = said(chat(stack, me, track))
    assert number.group(1) in status
    assert gettext("chatbot", "msg.matter_status", lang, number=number.group(1), service="",
                   status="").split("（")[0].split("(")[0] in status


def test_invalid_field_value_gets_the_cores_message_and_keeps_the_form(stack: Stack) -> None:
    me = new_sender()
    chat(stack, me, "我要报修")
    for answer in ["户内", "电梯", "5号楼1单元", "电梯不动了"]:
        chat(stack, me, answer)
    bad = said(chat(stack, me, "abc"))
    assert "联系电话" in bad  # the field label, with the core's per-field message
    again = said(chat(stack, me, "13900139000"))
    assert first_line("msg.form_confirm", "zh_CN", summary="") in again


def test_cancel_at_any_point_and_nothing_is_submitted(stack: Stack) -> None:
    me = new_sender()
    chat(stack, me, "I want to report a repair")
    chat(stack, me, "1")
    cancelled = said(chat(stack, me, "cancel"))
    assert gettext("chatbot", "utter.cancelled", "en") in cancelled
    after = said(chat(stack, me, "hello"))
    assert gettext("chatbot", "utter.greet", "en") in after


@pytest.mark.parametrize("text,lang", [("你好", "zh_CN"), ("您好，請問在嗎", "zh_TW"),
                                       ("hi there", "en")])
def test_each_message_is_answered_in_its_language(stack: Stack, text: str, lang: str) -> None:
    assert gettext("chatbot", "utter.greet", lang) in said(chat(stack, new_sender(), text))


def test_language_follows_the_latest_message(stack: Stack) -> None:
    me = new_sender()
    assert gettext("chatbot", "utter.greet", "zh_CN") in said(chat(stack, me, "你好"))
    assert gettext("chatbot", "utter.thanks", "en") in said(chat(stack, me, "thanks a lot"))


def test_find_service_lists_matches_with_start_buttons(stack: Stack) -> None:
    messages = chat(stack, new_sender(), "有没有家政保洁服务")
    assert gettext("chatbot", "msg.services_found", "zh_CN") in said(messages)
    payloads = [b["payload"] for m in messages for b in m.get("buttons", [])]
    assert any('"housekeeping.cleaning"' in p for p in payloads), payloads


def test_faq_answer_comes_from_the_knowledge_base(stack: Stack) -> None:
    import yaml

    from chatbot.training.generate import REPO_DIR

    entry = yaml.safe_load((REPO_DIR / "content/faq/card-lost.yaml").read_text(encoding="utf-8"))
    entry = entry[0] if isinstance(entry, list) else entry
    assert entry["answer"]["en"] in said(chat(stack, new_sender(), entry["question"]["en"]))
    assert entry["answer"]["zh_CN"] in said(chat(stack, new_sender(), entry["question"]["zh_CN"]))


def test_unknown_matter_number_is_reported(stack: Stack) -> None:
    reply = said(chat(stack, new_sender(), "查询100000000的进度"))
    assert gettext("chatbot", "msg.matter_unknown", "zh_CN", number="100000000") in reply


def test_gibberish_emoji_and_long_messages_get_an_answer(stack: Stack) -> None:
    me = new_sender()
    for text in ["asdkjh qwe zzxq", "😀😀😀", "报" * 3000]:
        assert said(chat(stack, me, text)).strip()


def test_handoff_opens_a_matter_with_the_transcript_and_pauses(stack: Stack) -> None:
    me = new_sender()
    chat(stack, me, "一卡通丢了怎么办？")
    reply = said(chat(stack, me, "转人工"))
    number = re.search(r"(\d{9})", reply)
    assert number and gettext("chatbot", "msg.handoff_done", "zh_CN",
                              number=number.group(1)) in reply
    assert chat(stack, me, "你好") == []  # paused: staff answer from now on
    tracker = requests.get(f"{stack.rasa_url}/conversations/{me}/tracker", timeout=10).json()
    assert tracker["slots"]["handoff_matter"] == number.group(1)
    assert any(e["event"] == "pause" for e in tracker["events"])


@pytest.mark.parametrize("lang,ask,account", [("zh_CN", "我要交水费", "户号是 1100351024"),
                                              ("en", "I want to pay my water bill", "1100351024")])
def test_pay_a_bill_by_account_number(stack: Stack, lang: str, ask: str, account: str) -> None:
    me = new_sender()
    assert gettext("chatbot", "utter.ask_account_no", lang) in said(chat(stack, me, ask))
    messages = chat(stack, me, account)
    reply = said(messages)
    assert gettext("chatbot", "msg.bill_summary", lang, account="1100351024", items="",
                   total="").split("\n")[0] in reply, (reply, (stack.logs / "seed.log").read_text()[-2000:])
    images = [m["image"] for m in messages if m.get("image")]
    assert images and all("/api/v1/payments/intents/" in url for url in images)
    assert requests.get(images[0], timeout=10).status_code == 200
    chat(stack, me, ask)  # asking again for the same bills reuses the same payments
    repeat = chat(stack, me, account)
    assert [m["image"] for m in repeat if m.get("image")] == images


def test_core_outage_mid_form_loses_nothing(stack: Stack) -> None:
    me = new_sender()
    chat(stack, me, "我要报修")
    chat(stack, me, "户内")
    stack.slow_core.down = True
    try:
        reply = said(chat(stack, me, "电梯"))
    finally:
        stack.slow_core.down = False
    assert gettext("chatbot", "msg.backend_down", "zh_CN") in reply
    for answer in ["电梯", "5号楼1单元", "电梯不动了", "13900139000"]:
        reply = said(chat(stack, me, answer))
    assert "户内" in reply and "电梯" in reply  # both answers kept across the outage


def test_a_started_form_resumes_in_a_new_session(stack: Stack) -> None:
    me = new_sender()
    chat(stack, me, "我要报修")
    chat(stack, me, "公共区域")
    chat(stack, me, "/session_start")  # what a pause longer than the session timeout does
    resumed = said(chat(stack, me, "我要报修"))
    assert gettext("chatbot", "msg.form_resume", "zh_CN", title="物业报修") in resumed
    assert gettext("chatbot", "msg.field_prompt", "zh_CN", label="故障类型") in resumed


def staff_client(stack: Stack, department: str):
    """A signed-in staff member of `department` (created with the `portal staff` command)."""
    import os
    import subprocess
    from urllib.parse import parse_qs, urlsplit

    import pyotp

    from portal_client import PortalClient
    from tests.chatbot.servers import PORTAL_BIN, REPO_DIR

    username, password = f"clerk{uuid.uuid4().hex[:6]}", "a-long-test-password"
    env = {**os.environ, "PORTAL_DATABASE_URL": f"sqlite:///{stack.logs / 'portal.db'}"}
    out = subprocess.run([str(PORTAL_BIN), "staff", "create", username, "--name", "Clerk",
                          "--password", password, "--department", department], cwd=REPO_DIR,
                         env=env, capture_output=True, text=True, check=True).stdout
    secret = parse_qs(urlsplit(out.strip().splitlines()[-1]).query)["secret"][0]
    staff = PortalClient(stack.core_url)
    staff.sign_in_staff(username, password, pyotp.TOTP(secret).now())
    return staff


def webchat(stack: Stack, sender: str, text: str) -> str:
    resp = requests.post(f"{stack.rasa_url}/webhooks/webchat/webhook",
                         json={"sender": sender, "message": text}, timeout=60)
    resp.raise_for_status()
    return said(resp.json())


def webchat_updates(stack: Stack, sender: str, want: str, timeout: float = 30) -> str:
    import time

    seen = ""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and want not in seen:
        resp = requests.get(f"{stack.rasa_url}/webhooks/webchat/updates",
                            params={"sender": sender}, timeout=10)
        seen += "\n".join(m["text"] for m in resp.json()["messages"])
        time.sleep(0.5)
    return seen


def test_staff_reply_reaches_the_web_chat_and_closing_resumes_the_bot(stack: Stack) -> None:
    from chatbot.actions.catalog_view import handoff_service_id

    me = new_sender()
    webchat(stack, me, "I have a question about my pension")
    handed = webchat(stack, me, "agent")
    number = re.search(r"(\d{9})", handed).group(1)
    assert webchat(stack, me, "hello?") == ""  # paused
    svc = requests.get(f"{stack.core_url}/api/v1/services/{handoff_service_id()}", timeout=10).json()
    staff = staff_client(stack, svc["handler"])
    matter = staff.matter(number)
    assert "I have a question about my pension" in str(matter.fields)  # the transcript
    staff.reply(number, "Please bring your ID card to the service hall.")
    assert "Please bring your ID card" in webchat_updates(stack, me, "Please bring your ID card")
    staff.transition(number, "answer", note="Answered in chat")
    staff.transition(number, "close")
    closed = gettext("chatbot", "msg.handoff_closed", "en")
    assert closed in webchat_updates(stack, me, closed)
    assert gettext("chatbot", "utter.greet", "en") in webchat(stack, me, "hello")
