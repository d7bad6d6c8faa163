"""Sign-in by card, phone code, WeChat and TV box; staff password + TOTP; lockouts; audit."""

from datetime import timedelta

import pyotp
import pytest
from sqlalchemy import select

from channel_core.db import utcnow
from channel_core.identity.models import AuditEntry, Card, OtpCode
from channel_core.notify.models import OutboxMessage
from portal_client import PortalProblem
from tests.conftest import client_for


def test_card_pin_lockout_after_five_failures(any_app):
    c = client_for(any_app, "kiosk", "en")
    for left in (4, 3, 2, 1):
        with pytest.raises(PortalProblem) as err:
            c.sign_in_card("A1B2C3D4", "000000")
        assert err.value.status == 401 and str(left) in err.value.detail
    with pytest.raises(PortalProblem) as err:
        c.sign_in_card("A1B2C3D4", "000000")
    assert err.value.status == 423 and "15" in err.value.detail
    with pytest.raises(PortalProblem) as err:
        c.sign_in_card("A1B2C3D4", "135790")  # the right PIN is refused while locked
    assert err.value.status == 423
    db = any_app.extensions["portal"].db
    with db.session() as s:
        card = s.scalar(select(Card).where(Card.uid == "A1B2C3D4"))
        card.locked_until = utcnow() - timedelta(seconds=1)
    assert c.sign_in_card("A1B2C3D4", "135790").resident["name"] == "王秀英"


def test_unknown_and_frozen_cards(app):
    c = client_for(app, "kiosk", "zh_CN")
    with pytest.raises(PortalProblem) as err:
        c.sign_in_card("FFFFFFFF", "123456")
    assert err.value.status == 404 and "卡" in err.value.detail
    from channel_core.identity import service

    with app.extensions["portal"].db.session() as s:
        service.set_card_status(s, "B2C3D4E5", "frozen")
    with pytest.raises(PortalProblem) as err:
        c.sign_in_card("B2C3D4E5", "246810")
    assert err.value.status == 403 and "冻结" in err.value.detail


def test_pins_and_secrets_are_hashed(app):
    with app.extensions["portal"].db.session() as s:
        card = s.scalar(select(Card).where(Card.uid == "A1B2C3D4"))
        assert "135790" not in card.pin_hash and card.pin_hash.startswith("$argon2id$")


def test_phone_one_time_code(app, monkeypatch):
    import channel_core.identity.service as svc

    codes = []
    real = svc.otp_request

    def spy(*a, **kw):
        code = real(*a, **kw)
        codes.append(code)
        return code

    monkeypatch.setattr(svc, "otp_request", spy)
    c = client_for(app, "chatbot", "en")
    c.request_otp("13800000002")
    with app.extensions["portal"].db.session() as s:
        sms = s.scalars(select(OutboxMessage).where(OutboxMessage.kind == "otp")).all()
        assert len(sms) == 1 and codes[0] in sms[0].body and sms[0].address == "13800000002"
        stored = s.scalars(select(OtpCode)).all()
        assert codes[0] not in stored[0].code_hash
    with pytest.raises(PortalProblem):
        c.sign_in_otp("13800000002", "000000" if codes[0] != "000000" else "111111")
    sess = c.sign_in_otp("13800000002", codes[0])
    assert sess.resident["name"] == "李建国"
    with pytest.raises(PortalProblem) as err:
        c.sign_in_otp("13800000002", codes[0])  # used once
    assert err.value.status == 410
    with pytest.raises(PortalProblem) as err:
        c.request_otp("13999999999")
    assert err.value.status == 404


def test_wechat_and_tv_box_need_a_channel(app):
    anon = client_for(app, "kiosk")
    anon.channel_token = None
    with pytest.raises(PortalProblem) as err:
        anon.sign_in_wechat("oDemoOpenId0004")
    assert err.value.status == 401
    bot = client_for(app, "chatbot")
    assert bot.sign_in_wechat("oDemoOpenId0004").resident["name"] == "Emma Clarke"
    with pytest.raises(PortalProblem) as err:
        bot.sign_in_wechat("oUnknown")
    assert err.value.status == 404
    tv = client_for(app, "tv")
    s = tv.sign_in_box("STB-DEMO-0001")
    assert s.resident["is_elder"] and s.resident["household"]["box_id"] == "STB-DEMO-0001"


def test_staff_login_totp_replay_lockout_and_audit(app):
    import yaml

    from channel_core.config import ROOT

    people = yaml.safe_load((ROOT / "content/demo/people.yaml").read_text(encoding="utf-8"))
    st = next(p for p in people["staff"] if p["username"] == "sun.li")
    c = client_for(app, "console", "en")
    code = pyotp.TOTP(st["totp_secret"]).now()
    out = c.sign_in_staff("sun.li", st["password"], code)
    assert out["staff"]["department"] == "health-centre"
    with pytest.raises(PortalProblem):
        c.sign_in_staff("sun.li", st["password"], code)  # a code works once
    with pytest.raises(PortalProblem):
        c.sign_in_staff("sun.li", st["password"], None)  # the second factor is required
    for _ in range(3):
        with pytest.raises(PortalProblem):
            c.sign_in_staff("sun.li", "wrong-password", code)
    with pytest.raises(PortalProblem) as err:
        c.sign_in_staff("sun.li", st["password"], pyotp.TOTP(st["totp_secret"]).now())
    assert err.value.status == 423
    with app.extensions["portal"].db.session() as s:
        entries = list(s.scalars(select(AuditEntry).order_by(AuditEntry.id)))
    # every failure, the lock and the refusal while locked are audited, without the secrets
    assert [e.action for e in entries] == ["staff.login", *["staff.login_failed"] * 5,
                                           "staff.locked", "staff.login_failed"]
    assert [e.detail.get("reason") for e in entries if e.action == "staff.login_failed"] == [
        "totp_reused", "totp", "password", "password", "password", "locked"]
    assert all(st["password"] not in str(e.detail) and code not in str(e.detail) for e in entries)


def test_tokens_expire_and_sign_out_revokes(app):
    c = client_for(app, "kiosk")
    c.sign_in_card("C3D4E5F6", "112233")
    assert c.me()["name"] == "陳美玲"
    token = c.token
    c.sign_out()
    c.token = token
    with pytest.raises(PortalProblem) as err:
        c.me()
    assert err.value.status == 401


def test_kiosk_qr_sign_in_is_collected_once(app):
    kiosk = client_for(app, "kiosk")
    qr = kiosk.start_qr_sign_in()
    assert qr["url"].endswith(qr["id"])
    assert kiosk.poll_qr_sign_in(qr["id"]) is None
    phone = client_for(app, "chatbot")
    phone.sign_in_wechat("oDemoOpenId0004")
    phone.approve_qr_sign_in(qr["id"])
    session = kiosk.poll_qr_sign_in(qr["id"])
    assert session is not None and session.resident["name"] == "Emma Clarke"
    with pytest.raises(PortalProblem) as err:
        kiosk.poll_qr_sign_in(qr["id"])
    assert err.value.status == 410
