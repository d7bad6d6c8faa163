"""Agents' desk: caller lookup, knowledge base in three languages, chat replies, and
matters filed on a caller's behalf with per-field errors."""

from __future__ import annotations

import re

from channel_core.jobs import core_jobs
from tests.conftest import client_for
from tests.console.conftest import (
    console_sign_in,
    csrf_of,
    form_fields,
    kiosk_submission,
    sample_fields,
)


def test_caller_lookup_shows_identity_and_open_matters(app):
    matter, _ = kiosk_submission(app, "property.repair", card=("A1B2C3D4", "135790"))
    tc = app.test_client()
    console_sign_in(tc, "zhang.wei")
    page = tc.get("/console/desk?phone=13800000001").text
    card = re.search(r'id="caller-card".*?</ul>', page, re.S).group(0)
    assert "王秀英" in card and "Elder" in card and "138****0001" in card
    assert "A1B2C3D4" in card and matter.number in card
    unknown = tc.get("/console/desk?phone=13999999999").text
    assert 'id="caller-unknown"' in unknown


def test_knowledge_base_answers_in_the_chosen_language(app):
    tc = app.test_client()
    console_sign_in(tc, "zhang.wei")
    en = tc.get("/console/desk?kb=repair&kb_lang=en").text
    answers = re.search(r'id="kb-answers".*?</ol>', en, re.S).group(0)
    assert "repair" in answers.lower()
    tw = tc.get("/console/desk?kb=報修&kb_lang=zh_TW").text
    answers_tw = re.search(r'id="kb-answers".*?</ol>', tw, re.S).group(0)
    assert "報修" in answers_tw or "維修" in answers_tw
    none = tc.get("/console/desk?kb=zzzzqqqq&kb_lang=en").text
    assert "Nothing found." in none


def test_file_a_request_for_a_caller_with_field_errors_first(app):
    tc = app.test_client()
    console_sign_in(tc, "zhang.wei")
    url = "/console/desk/new?service_id=property.repair&phone=13800000009&name=来电人&channel=hotline"
    page = tc.get(url).text
    data = dict(form_fields(page, "service-form"))
    r = tc.post("/console/desk/new", data=data)  # nothing filled in
    assert r.status_code == 422
    assert len(re.findall(r'class="field-error" data-field="(\w+)"', r.text)) >= 4
    data.update({"f_area": "common", "f_category": "lift", "f_location": "5号楼1单元电梯",
                 "f_description": "电梯门关不上", "f_phone": "13800000009"})
    data = {**dict(form_fields(r.text, "service-form")), **{k: v for k, v in data.items()
                                                           if k.startswith("f_")}}
    r = tc.post("/console/desk/new", data=data)
    assert r.status_code == 302
    number = re.search(r"/console/matters/(\d{9})", r.headers["Location"]).group(1)
    m = client_for(app, "kiosk").matter(number)
    assert m.raw["channel"] == "hotline" and m.state == "accepted"
    # Posting the same form again (a double click) files nothing new.
    again = tc.post("/console/desk/new", data=data)
    assert again.status_code == 302 and number in again.headers["Location"]


def test_reply_to_a_chat_handoff_from_the_desk(app):
    chat = client_for(app, "chatbot")
    svc = chat.service("property.complaint")
    matter = chat.submit_matter("property.complaint", sample_fields(svc), "chatbot",
                                notify_via="chat", notify_address="webchat-session-42")
    tc = app.test_client()
    console_sign_in(tc, "zhang.wei")
    page = tc.get("/console/desk").text
    chats = re.search(r'id="chats".*?</section>', page, re.S).group(0)
    assert matter.number in chats
    r = tc.post(f"/console/matters/{matter.number}/reply", data={
        "csrf_token": csrf_of(page), "text": "您好，我们已联系保洁。", "next": "/console/desk"})
    assert r.status_code == 302 and r.headers["Location"].endswith("/console/desk")
    state = app.extensions["portal"]
    core_jobs.deliver_outbox(state.db, state.senders)
    replies = chat.chat_messages("webchat-session-42")
    assert any("您好，我们已联系保洁。" in m.body for m in replies)
