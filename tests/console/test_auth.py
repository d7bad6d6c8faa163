"""Staff sign-in with password + TOTP, lockout, throttling, expiry, CSRF and sign-out."""

from __future__ import annotations

import re
import time

import pyotp

from tests.conftest import client_for
from tests.console.conftest import (
    console_sign_in,
    csrf_of,
    demo_staff,
    kiosk_submission,
    page_csrf,
    totp_now,
)


def _login(tc, username: str, password: str, totp: str, **extra):
    page = tc.get("/console/login?lang=en")
    return tc.post("/console/login", data={"csrf_token": csrf_of(page.text), "username": username,
                                           "password": password, "totp": totp, **extra})


def test_sign_in_lands_on_the_department_queue(app):
    tc = app.test_client()
    r = console_sign_in(tc, "zhang.wei")
    assert r.status_code == 302 and r.headers["Location"].endswith("/console/queue")
    page = tc.get("/console/queue")
    assert page.status_code == 200
    assert "Property Management Office" in page.text
    assert "张伟" in page.text


def test_wrong_password_or_code_is_refused_with_a_clear_message(app):
    tc = app.test_client()
    r = _login(tc, "zhang.wei", "not-the-password", totp_now("zhang.wei"))
    assert r.status_code == 401
    assert "Wrong username, password or code" in r.text
    r = _login(tc, "zhang.wei", demo_staff("zhang.wei")["password"], "000000")
    assert r.status_code == 401
    assert tc.get("/console/queue").status_code == 302  # still signed out


def test_blank_and_malformed_input_is_answered_per_field(app):
    r = _login(app.test_client(), "", "", "12ab")
    assert r.status_code == 422
    assert r.text.count("Please fill this in") == 2
    assert "The code is 6 digits" in r.text


def test_five_failures_lock_the_account_even_for_the_right_password(app):
    tc = app.test_client()
    for _ in range(5):
        assert _login(tc, "liu.fang", "wrong-password", "123456").status_code == 401
    r = _login(tc, "liu.fang", demo_staff("liu.fang")["password"], totp_now("liu.fang"))
    assert r.status_code == 423
    assert "locked" in r.text and "15 minutes" in r.text


def test_many_failures_from_one_address_are_throttled(app):
    tc = app.test_client()
    statuses = [_login(tc, f"nobody{i}", "x", "123456").status_code for i in range(11)]
    assert statuses[:10] == [401] * 10
    assert statuses[10] == 429
    r = _login(tc, "zhang.wei", demo_staff("zhang.wei")["password"], totp_now("zhang.wei"))
    assert r.status_code == 429 and "Too many attempts" in r.text


def test_a_totp_code_works_only_once(app):
    code = totp_now("chen.jing")
    password = demo_staff("chen.jing")["password"]
    assert _login(app.test_client(), "chen.jing", password, code).status_code == 302
    assert _login(app.test_client(), "chen.jing", password, code).status_code == 401


def test_idle_session_expires_and_says_so(app):
    tc = app.test_client()
    console_sign_in(tc, "zhang.wei")
    with tc.session_transaction() as s:
        s["seen"] -= 31 * 60
    r = tc.get("/console/queue?state=accepted")
    assert r.status_code == 302
    assert "/console/login" in r.headers["Location"] and "expired=1" in r.headers["Location"]
    page = tc.get(r.headers["Location"])
    assert "Your session has expired" in page.text
    assert 'value="/console/queue?state=accepted"' in page.text


def test_expired_session_keeps_the_typed_reply_and_sends_it_after_sign_in(app):
    matter, resident = kiosk_submission(app, "property.repair", card=("A1B2C3D4", "135790"))
    tc = app.test_client()
    console_sign_in(tc, "liu.fang")
    token = page_csrf(tc, f"/console/matters/{matter.number}")
    with tc.session_transaction() as s:
        s["exp"] = 0
    r = tc.post(f"/console/matters/{matter.number}/reply",
                data={"csrf_token": token, "text": "师傅明早九点上门"})
    assert r.status_code == 401
    assert "师傅明早九点上门" in r.text  # kept on the sign-in page
    login = tc.post("/console/login", data={
        "csrf_token": csrf_of(r.text), "username": "liu.fang",
        "password": demo_staff("liu.fang")["password"],
        # The next 30-second code: the one used a moment ago may not be replayed.
        "totp": pyotp.TOTP(demo_staff("liu.fang")["totp_secret"]).at(time.time() + 30),
        "next": f"/console/matters/{matter.number}/reply", "resume__text": "师傅明早九点上门"})
    assert login.status_code == 200 and 'id="resume-form"' in login.text
    sent = tc.post(f"/console/matters/{matter.number}/reply",
                   data={"csrf_token": csrf_of(login.text), "text": "师傅明早九点上门"})
    assert sent.status_code == 302
    history = client_for(app, "kiosk").matter(matter.number).history
    assert [h.note for h in history if h.kind == "reply"] == ["师傅明早九点上门"]


def test_missing_or_forged_csrf_token_changes_nothing_and_keeps_the_text(app):
    matter, _ = kiosk_submission(app, "property.repair")
    tc = app.test_client()
    console_sign_in(tc, "liu.fang")
    before = client_for(app, "kiosk").matter(matter.number).version
    for data in ({"text": "无令牌的备注"}, {"text": "伪造令牌的备注", "csrf_token": "forged.token"}):
        r = tc.post(f"/console/matters/{matter.number}/note", data=data)
        assert r.status_code == 400
        assert "security token was missing or invalid" in r.text
        assert data["text"] in r.text
    r = tc.post(f"/console/matters/{matter.number}/transition",
                data={"transition": "dispatch", "expected_version": str(before)})
    assert r.status_code == 400
    after = client_for(app, "kiosk").matter(matter.number)
    assert after.version == before and after.state == "accepted"


def test_sign_out_revokes_the_core_token(app):
    tc = app.test_client()
    console_sign_in(tc, "zhang.wei")
    with tc.session_transaction() as s:
        token = s["token"]
    api = client_for(app, "console")
    api.token = token
    assert api.queue()["total"] >= 0
    tc.post("/console/logout", data={"csrf_token": page_csrf(tc, "/console/queue")})
    assert tc.get("/console/queue").status_code == 302
    r = api.http.get(f"{api.base_url}/api/v1/matters", headers=api._headers(None, token))
    assert r.status_code == 401


def test_roles_gate_pages(app):
    tc = app.test_client()
    console_sign_in(tc, "zhang.wei")  # staff, not an editor or admin
    for path in ("/console/audit", "/console/content", "/console/workflows/report"):
        r = tc.get(path)
        assert r.status_code == 403, path
        assert "Not allowed" in r.text


def test_sign_in_never_follows_an_outside_next(app):
    tc = app.test_client()
    r = _login(tc, "zhang.wei", demo_staff("zhang.wei")["password"], totp_now("zhang.wei"),
               next="https://evil.example/console")
    assert r.status_code == 302 and r.headers["Location"].endswith("/console/queue")


def test_pages_need_sign_in(app):
    tc = app.test_client()
    for path in ("/console/queue", "/console/dashboard", "/console/desk", "/console/orders"):
        r = tc.get(path)
        assert r.status_code == 302 and "/console/login" in r.headers["Location"]
    assert re.search(r"<form method=\"post\" action=\"/console/login\"",
                     tc.get("/console/login").text)
