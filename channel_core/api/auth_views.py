"""Sign-in for residents (card, phone code, WeChat, TV box, kiosk QR) and staff; /me."""

from __future__ import annotations

from datetime import UTC, datetime

from apiflask import APIBlueprint
from flask import request
from sqlalchemy import select

from channel_core.api.context import (
    documents_body,
    lang,
    parse_body,
    portal,
    require_actor,
    require_channel,
    require_resident,
    session_scope,
)
from channel_core.api.schemas import (
    BoxIn,
    CardLoginIn,
    OtpRequestIn,
    OtpVerifyIn,
    StaffLoginIn,
    WechatBindIn,
    WechatIn,
)
from channel_core.errors import Locked, NotFound, TooManyRequests, Unauthorized
from channel_core.identity import service as identity
from channel_core.identity.models import Card, Household, Resident
from channel_core.matters.models import Matter
from channel_core.notify.models import InboxMessage
from channel_core.notify.outbox import Notice, enqueue
from portal_client.i18n import gettext

bp = APIBlueprint("auth", __name__, url_prefix="/api/v1", tag="Identity")


def _resident_token(s, res: Resident, via: str) -> dict:
    cfg = portal().config
    ch = request.headers.get("X-Channel") or via
    token = identity.issue_token(s, "resident", res.id, cfg.resident_token_ttl_s, channel=ch, via=via)
    return {"token": token, "expires_in": cfg.resident_token_ttl_s, "resident": resident_json(s, res)}


def resident_json(s, res: Resident) -> dict:
    household = s.get(Household, res.household_id) if res.household_id else None
    cards = s.scalars(select(Card).where(Card.resident_id == res.id)).all()
    phone = res.phone
    masked = f"{phone[:3]}****{phone[-4:]}" if phone and len(phone) >= 7 else phone
    return {
        "id": res.id, "name": res.name, "lang": res.lang, "is_elder": res.is_elder,
        "phone_masked": masked, "household_id": res.household_id,
        "household": {"id": household.id, "address": household.address,
                      "box_id": household.box_id} if household else None,
        "cards": [{"uid": c.uid, "status": c.status} for c in cards],
        "wechat_bound": res.wechat_openid is not None,
    }


@bp.post("/auth/card")
@bp.doc(summary="Sign in with a one-card UID and PIN (5 failures lock it for 15 minutes)")
@documents_body(CardLoginIn)
def card_login():
    body = parse_body(CardLoginIn)
    with session_scope(commit_on=(Unauthorized, Locked)) as s:
        card = identity.verify_card_pin(s, body.uid, body.pin)
        res = s.get(Resident, card.resident_id)
        return _resident_token(s, res, "card")


@bp.post("/auth/otp/request")
@bp.doc(summary="Send a one-time sign-in code by SMS to a resident's phone")
@documents_body(OtpRequestIn)
def otp_request():
    body = parse_body(OtpRequestIn)
    with session_scope() as s:
        send_otp(s, body.phone, lang())
    return {"sent": True, "expires_in": portal().config.otp_ttl_s}, 202


def send_otp(s, phone: str, lg: str) -> None:
    """Create a one-time code for a resident's phone and queue the SMS that carries it."""
    ttl = portal().config.otp_ttl_s
    code = identity.otp_request(s, phone, ttl)
    text = gettext("core", "notice.otp", lg, code=code, minutes=ttl // 60)
    enqueue(s, Notice(medium="sms", kind="otp", title="OTP", body=text, lang=lg, address=phone,
                      dedupe_key=f"otp:{phone}:{datetime.now(UTC).isoformat()}"))


@bp.post("/auth/otp/verify")
@bp.doc(summary="Exchange a phone and its one-time code for a resident token")
@documents_body(OtpVerifyIn)
def otp_verify():
    body = parse_body(OtpVerifyIn)
    with session_scope(commit_on=(Unauthorized,)) as s:
        res = identity.otp_verify(s, body.phone, body.code)
        return _resident_token(s, res, "otp")


@bp.post("/auth/wechat")
@bp.doc(summary="Channel-only: a resident token for a bound WeChat OpenID")
@documents_body(WechatIn)
def wechat_login():
    require_channel()
    body = parse_body(WechatIn)
    with session_scope() as s:
        res = identity.resident_for_openid(s, body.openid)
        return _resident_token(s, res, "wechat")


@bp.post("/auth/wechat/bind")
@bp.doc(summary="Channel-only: bind a WeChat OpenID to a resident by phone + one-time code")
@documents_body(WechatBindIn)
def wechat_bind():
    require_channel()
    body = parse_body(WechatBindIn)
    with session_scope(commit_on=(Unauthorized,)) as s:
        res = identity.otp_verify(s, body.phone, body.code)
        identity.bind_openid(s, res, body.openid)
        return _resident_token(s, res, "wechat")


@bp.post("/auth/stb")
@bp.doc(summary="Channel-only: a token for the household bound to a TV set-top box")
@documents_body(BoxIn)
def stb_login():
    require_channel()
    body = parse_body(BoxIn)
    with session_scope() as s:
        res = identity.resident_for_box(s, body.box_id)
        out = _resident_token(s, res, "stb")
        return out


@bp.post("/auth/staff")
@bp.doc(summary="Staff sign-in: password and TOTP code (423 locked account, 429 too many "
                "failures from this address: retry_after seconds)")
@documents_body(StaffLoginIn)
def staff_login():
    body = parse_body(StaffLoginIn)
    # Failures, refusals and locks are audited, so those answers commit too.
    with session_scope(commit_on=(Unauthorized, Locked, TooManyRequests)) as s:
        user = identity.staff_login(s, body.username, body.password, body.totp,
                                    ip=request.remote_addr)
        ttl = portal().config.staff_token_ttl_s
        token = identity.issue_token(s, "staff", user.id, ttl, via="password")
        identity.audit(s, identity.staff_actor(user), "staff.login", user.username, None,
                       request.remote_addr)
        return {"token": token, "expires_in": ttl,
                "staff": {"id": user.id, "username": user.username, "name": user.name,
                          "department": user.department, "roles": sorted(user.role_set),
                          "kind": user.kind}}


@bp.post("/auth/logout")
@bp.doc(summary="Revoke the bearer token")
def logout():
    require_actor()
    raw = request.headers.get("Authorization", "")[7:]
    with session_scope() as s:
        identity.revoke_token(s, raw)
    return {"ok": True}


@bp.post("/auth/qr-sessions")
@bp.doc(summary="Channel-only: a sign-in QR for a kiosk screen")
def qr_create():
    ch = require_channel()
    with session_scope() as s:
        q = identity.qr_login_create(s, ch)
        url = f"{portal().config.base_url}/signin/{q.id}"
        return {"id": q.id, "url": url, "expires_at": q.expires_at.isoformat()}, 201


@bp.post("/auth/qr-sessions/<qr_id>/approve")
@bp.doc(summary="Resident (signed in on their phone) approves a kiosk sign-in QR")
def qr_approve(qr_id: str):
    a = require_resident()
    with session_scope() as s:
        identity.qr_login_approve(s, qr_id, a.id)  # type: ignore[arg-type]
    return {"ok": True}


@bp.get("/auth/qr-sessions/<qr_id>")
@bp.doc(summary="Channel-only: poll a sign-in QR; once approved it yields a token once")
def qr_poll(qr_id: str):
    require_channel()
    with session_scope() as s:
        q = identity.qr_login_collect(s, qr_id)
        if q.status == "pending":
            return {"status": "pending"}
        res = s.get(Resident, q.resident_id)
        if res is None:
            raise NotFound("problem.resident.unknown")
        return {"status": "approved", **_resident_token(s, res, "qr")}


# --- the signed-in resident ------------------------------------------------------------

@bp.get("/me")
@bp.doc(summary="The signed-in resident and household")
def me():
    a = require_resident()
    with session_scope() as s:
        res = s.get(Resident, a.id)
        if res is None:
            raise NotFound("problem.resident.unknown")
        return resident_json(s, res)


@bp.get("/me/matters")
@bp.doc(summary="The resident's (and household's) matters, open first")
def my_matters():
    a = require_resident()
    from channel_core.api.matter_views import matter_json

    with session_scope() as s:
        cond = Matter.resident_id == a.id
        if a.household_id:
            cond = cond | (Matter.household_id == a.household_id)
        rows = s.scalars(select(Matter).where(cond).order_by(
            Matter.is_open.desc(), Matter.id.desc()).limit(50)).all()
        return {"items": [matter_json(s, m, a, lang()) for m in rows]}


@bp.get("/me/inbox")
@bp.doc(summary="The resident's and household's inbox (TV, kiosk, chatbot read it)")
def inbox():
    a = require_resident()
    unread_only = request.args.get("unread") in ("1", "true")
    with session_scope() as s:
        cond = InboxMessage.resident_id == a.id
        if a.household_id:
            cond = cond | (InboxMessage.household_id == a.household_id)
        stmt = select(InboxMessage).where(cond)
        if unread_only:
            stmt = stmt.where(InboxMessage.read_at.is_(None))
        rows = s.scalars(stmt.order_by(InboxMessage.id.desc()).limit(100)).all()
        return {"items": [inbox_json(m) for m in rows]}


def inbox_json(m: InboxMessage) -> dict:
    return {"id": m.id, "kind": m.kind, "title": m.title, "body": m.body,
            "matter_number": m.matter_number, "data": m.data,
            "created_at": m.created_at.isoformat(),
            "read": m.read_at is not None}


@bp.post("/me/inbox/<int:msg_id>/read")
@bp.doc(summary="Mark an inbox message read")
def inbox_read(msg_id: int):
    a = require_resident()
    with session_scope() as s:
        m = s.get(InboxMessage, msg_id)
        if m is None or not (m.resident_id == a.id or
                             (a.household_id and m.household_id == a.household_id)):
            raise NotFound("problem.inbox.unknown")
        if m.read_at is None:
            m.read_at = datetime.now(UTC)
        return inbox_json(m)


@bp.get("/chat/<address>/messages")
@bp.doc(summary="Channel-only: staff replies waiting for a chat or WeChat user")
def chat_messages(address: str):
    require_channel()
    after = int(request.args.get("after", 0) or 0)
    with session_scope() as s:
        rows = s.scalars(select(InboxMessage).where(
            InboxMessage.address == address, InboxMessage.id > after)
            .order_by(InboxMessage.id).limit(50)).all()
        return {"items": [inbox_json(m) for m in rows]}


@bp.post("/me/checkin")
@bp.doc(summary="Say \"I'm OK\" for today (household; once a day)")
def checkin_today():
    a = require_resident()
    if not a.household_id:
        raise NotFound("problem.household.unknown_box")
    from channel_core.care.checkin import check_in

    with session_scope() as s:
        row, created = check_in(s, a.household_id, a.id)
        return {"day": row.day.isoformat(), "at": row.at.isoformat(), "created": created}, (
            201 if created else 200)


@bp.get("/me/checkin")
@bp.doc(summary="Whether the household has checked in today")
def checkin_status():
    a = require_resident()
    from channel_core.care.checkin import local_today, today_status

    with session_scope() as s:
        row = today_status(s, a.household_id) if a.household_id else None
        return {"day": local_today().isoformat(), "checked_in": row is not None,
                "at": row.at.isoformat() if row else None}
