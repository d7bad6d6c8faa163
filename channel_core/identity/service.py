"""Sign-in by card, phone code, WeChat, set-top box or staff password; tokens; audit."""

from __future__ import annotations

import re
import secrets
from datetime import datetime, timedelta

import pyotp
from sqlalchemy import bindparam, func, select, update
from sqlalchemy.orm import Session

from channel_core.actors import Actor
from channel_core.db import utcnow
from channel_core.errors import (
    BadRequest,
    Conflict,
    Forbidden,
    Gone,
    Locked,
    NotFound,
    TooManyRequests,
    Unauthorized,
)
from channel_core.identity.models import (
    ApiToken,
    AuditEntry,
    Card,
    Household,
    OtpCode,
    QrLogin,
    Resident,
    StaffUser,
)
from channel_core.identity.secrets import hash_secret, new_token, token_digest, verify_secret

PIN_MAX_FAILURES = 5
PIN_LOCK = timedelta(minutes=15)
STAFF_MAX_FAILURES = 5
STAFF_LOCK = timedelta(minutes=15)
STAFF_ADDRESS_LIMIT = 10  # failed staff sign-ins from one address per window
STAFF_ADDRESS_WINDOW = timedelta(minutes=5)
ANONYMOUS = Actor(kind="anonymous")  # whoever is trying to sign in
OTP_MAX_ATTEMPTS = 5
_PIN = re.compile(r"^\d{6}$")


# --- one-card ---------------------------------------------------------------------------

def issue_card(session: Session, resident_id: int, uid: str, pin: str) -> Card:
    """Issue a one-card with a 6-digit PIN to a resident."""
    if session.get(Resident, resident_id) is None:
        raise NotFound("problem.resident.unknown")
    if not re.fullmatch(r"[0-9A-Fa-f]{8,20}", uid):
        raise BadRequest("problem.card.uid_format")
    if not _PIN.match(pin):
        raise BadRequest("problem.card.pin_format")
    if session.scalar(select(Card.id).where(Card.uid == uid.upper())) is not None:
        raise Conflict("problem.card.exists")
    card = Card(uid=uid.upper(), resident_id=resident_id, pin_hash=hash_secret(pin))
    session.add(card)
    session.flush()
    return card


def find_card(session: Session, uid: str, *, for_update: bool = False) -> Card:
    stmt = select(Card).where(Card.uid == uid.strip().upper())
    if for_update:
        stmt = stmt.with_for_update()
    card = session.scalar(stmt)
    if card is None:
        raise NotFound("problem.card.unknown")
    return card


def verify_card_pin(session: Session, uid: str, pin: str, now: datetime | None = None) -> Card:
    """Check a card's PIN: 5 failures lock it for 15 minutes; frozen cards are refused.

    The failure count is committed by the caller even when this raises, so callers must
    commit the session after catching (the API layer does).
    """
    now = now or utcnow()
    card = find_card(session, uid, for_update=True)
    if card.status != "active":
        raise Forbidden("problem.card.frozen")
    if card.locked_until and card.locked_until > now:
        raise Locked("problem.card.locked", minutes=int((card.locked_until - now).total_seconds() // 60) + 1)
    if not verify_secret(card.pin_hash, pin or ""):
        card.failed_pins += 1
        if card.failed_pins >= PIN_MAX_FAILURES:
            card.failed_pins = 0
            card.locked_until = now + PIN_LOCK
            raise Locked("problem.card.locked", minutes=int(PIN_LOCK.total_seconds() // 60))
        raise Unauthorized("problem.card.pin_wrong", left=PIN_MAX_FAILURES - card.failed_pins)
    card.failed_pins = 0
    card.locked_until = None
    return card


def set_card_pin(session: Session, uid: str, old_pin: str, new_pin: str) -> None:
    card = verify_card_pin(session, uid, old_pin)
    if not _PIN.match(new_pin):
        raise BadRequest("problem.card.pin_format")
    card.pin_hash = hash_secret(new_pin)


def set_card_status(session: Session, uid: str, status: str) -> Card:
    """Freeze a lost card or unfreeze a found one."""
    if status not in ("active", "frozen"):
        raise BadRequest("problem.card.status")
    card = find_card(session, uid, for_update=True)
    card.status = status
    if status == "active":
        card.failed_pins = 0
        card.locked_until = None
    return card


# --- phone one-time codes ---------------------------------------------------------------

def otp_request(session: Session, phone: str, ttl_s: int, now: datetime | None = None) -> str:
    """Create a 6-digit code for a known resident's phone; the caller queues the SMS."""
    now = now or utcnow()
    if session.scalar(select(Resident.id).where(Resident.phone == phone)) is None:
        raise NotFound("problem.resident.unknown_phone")
    recent = session.scalars(select(OtpCode).where(
        OtpCode.phone == phone, OtpCode.created_at > now - timedelta(minutes=10))).all()
    if len(recent) >= 5:
        raise TooManyRequests("problem.otp.too_many")
    if any(r.created_at > now - timedelta(seconds=30) for r in recent):
        raise TooManyRequests("problem.otp.wait")
    code = f"{secrets.randbelow(10**6):06d}"
    session.add(OtpCode(phone=phone, code_hash=hash_secret(code), created_at=now,
                        expires_at=now + timedelta(seconds=ttl_s)))
    return code


def otp_verify(session: Session, phone: str, code: str, now: datetime | None = None) -> Resident:
    now = now or utcnow()
    otp = session.scalar(select(OtpCode).where(
        OtpCode.phone == phone, OtpCode.used.is_(False)).order_by(OtpCode.id.desc()).limit(1))
    if otp is None or otp.expires_at < now:
        raise Gone("problem.otp.expired")
    if otp.attempts >= OTP_MAX_ATTEMPTS:
        raise Locked("problem.otp.locked", minutes=10)
    otp.attempts += 1
    if not verify_secret(otp.code_hash, code):
        raise Unauthorized("problem.otp.wrong")
    otp.used = True
    resident = session.scalar(select(Resident).where(Resident.phone == phone))
    assert resident is not None
    return resident


# --- staff ------------------------------------------------------------------------------

def create_staff(session: Session, username: str, name: str, password: str, department: str,
                 roles: str = "staff", kind: str = "staff", totp_secret: str | None = None) -> StaffUser:
    if len(password) < 10:
        raise BadRequest("problem.staff.password_short")
    user = StaffUser(username=username, name=name, password_hash=hash_secret(password),
                     department=department, roles=roles, kind=kind,
                     totp_secret=totp_secret or pyotp.random_base32())
    session.add(user)
    session.flush()
    return user


def staff_login(session: Session, username: str, password: str, totp: str | None,
                now: datetime | None = None, ip: str | None = None) -> StaffUser:
    """Password + TOTP, locked for 15 minutes after 5 failures; a TOTP code works once.

    `ip` is the client's address: after STAFF_ADDRESS_LIMIT failures from it within
    STAFF_ADDRESS_WINDOW it is refused for a while (TooManyRequests). Every failure, refusal
    and lock is audited: the account, why, and from where; never the password or code.
    """
    now = now or utcnow()
    wait = staff_address_wait(session, ip, now)
    if wait:
        _audit_sign_in(session, "staff.login_throttled", None, {"retry_after": wait}, ip, now)
        raise TooManyRequests("problem.staff.throttled", retry_after=wait)
    user = session.scalar(select(StaffUser).where(StaffUser.username == username).with_for_update())
    if user is None or not user.active:
        verify_secret(None, password)
        _login_failed(session, user, "unknown_user" if user is None else "inactive", ip, now)
        raise Unauthorized("problem.staff.bad_login")
    if user.locked_until and user.locked_until > now:
        _login_failed(session, user, "locked", ip, now)
        raise Locked("problem.staff.locked", minutes=int((user.locked_until - now).total_seconds() // 60) + 1)
    ok = verify_secret(user.password_hash, password)
    reason = None if ok else "password"
    step = None
    if ok and user.totp_secret:
        totp_obj = pyotp.TOTP(user.totp_secret)
        ok = False
        for offset in (0, -1, 1):
            at = now + timedelta(seconds=30 * offset)
            if totp and totp_obj.verify(totp, for_time=at):
                step = int(at.timestamp()) // 30
                ok = user.last_totp_step is None or step > user.last_totp_step
                break
        if not ok:
            reason = "totp_reused" if step is not None else "totp"
    if not ok:
        user.failed_logins += 1
        _login_failed(session, user, reason or "password", ip, now)
        if user.failed_logins >= STAFF_MAX_FAILURES:
            user.failed_logins = 0
            user.locked_until = now + STAFF_LOCK
            _audit_sign_in(session, "staff.locked", user,
                           {"until": user.locked_until.isoformat(),
                            "after_failures": STAFF_MAX_FAILURES}, ip, now)
        raise Unauthorized("problem.staff.bad_login")
    user.failed_logins = 0
    user.locked_until = None
    if step is not None:
        user.last_totp_step = step
    return user


def _audit_sign_in(session: Session, action: str, user: StaffUser | None, detail: dict,
                   ip: str | None, now: datetime) -> None:
    """Audit a sign-in that did not happen: by nobody yet (anonymous), about the account."""
    if user is not None:
        detail = {"staff_id": user.id, **detail}
    session.add(AuditEntry(at=now, actor_kind=ANONYMOUS.kind, actor_id=None, action=action,
                           target=user.username if user is not None else None, detail=detail,
                           ip=ip))


def _login_failed(session: Session, user: StaffUser | None, reason: str, ip: str | None,
                  now: datetime) -> None:
    # An unknown username is not recorded: people type their password into it by mistake.
    _audit_sign_in(session, "staff.login_failed", user, {"reason": reason}, ip, now)


def staff_address_wait(session: Session, ip: str | None, now: datetime | None = None) -> int:
    """Seconds before `ip` may try a staff sign-in again (0: now).

    Counted from the audit log, in the database every worker shares: the failures from this
    address within the window, since its last successful sign-in.
    """
    if not ip:
        return 0
    now = now or utcnow()
    since = now - STAFF_ADDRESS_WINDOW
    signed_in = session.scalar(select(func.max(AuditEntry.at)).where(
        AuditEntry.at > since, AuditEntry.action == "staff.login", AuditEntry.ip == ip))
    recent = session.scalars(
        select(AuditEntry.at).where(AuditEntry.at > (signed_in or since),
                                    AuditEntry.action == "staff.login_failed",
                                    AuditEntry.ip == ip)
        .order_by(AuditEntry.at.desc()).limit(STAFF_ADDRESS_LIMIT)).all()
    if len(recent) < STAFF_ADDRESS_LIMIT:
        return 0
    return max(1, int((recent[-1] + STAFF_ADDRESS_WINDOW - now).total_seconds()) + 1)


def staff_actor(user: StaffUser) -> Actor:
    return Actor(kind="staff", id=user.id, name=user.name, roles=user.role_set,
                 department=user.department)


# --- tokens -----------------------------------------------------------------------------

def issue_token(session: Session, kind: str, subject_id: int | None, ttl_s: int | None, *,
                channel: str | None = None, via: str | None = None) -> str:
    raw = new_token()
    now = utcnow()
    session.add(ApiToken(token_hash=token_digest(raw), kind=kind, subject_id=subject_id,
                         channel=channel, via=via, created_at=now,
                         expires_at=now + timedelta(seconds=ttl_s) if ttl_s else None))
    return raw


def revoke_token(session: Session, raw: str) -> None:
    session.execute(update(ApiToken).where(ApiToken.token_hash == token_digest(raw))
                    .values(revoked=True))


_T, _R, _S = ApiToken.__table__, Resident.__table__, StaffUser.__table__
# One statement (built once) for every bearer token: the token and its subject together.
_TOKEN_ACTOR = (
    select(_T.c.kind, _T.c.channel, _T.c.revoked, _T.c.expires_at,
           _R.c.id, _R.c.name, _R.c.household_id, _R.c.lang,
           _S.c.id, _S.c.name, _S.c.roles, _S.c.department, _S.c.active)
    .select_from(_T)
    .outerjoin(_R, (_T.c.kind == "resident") & (_R.c.id == _T.c.subject_id))
    .outerjoin(_S, (_T.c.kind == "staff") & (_S.c.id == _T.c.subject_id))
    .where(_T.c.token_hash == bindparam("digest")))


def actor_for_token(session: Session, raw: str, now: datetime | None = None) -> Actor | None:
    """The actor a bearer token stands for, or None if unknown, revoked or expired."""
    now = now or utcnow()
    row = session.execute(_TOKEN_ACTOR, {"digest": token_digest(raw)}).first()
    if row is None:
        return None
    (kind, channel, revoked, expires_at, res_id, res_name, household_id, res_lang,
     staff_id, staff_name, roles, department, active) = row
    if revoked or (expires_at and expires_at < now):
        return None
    if kind == "resident":
        if res_id is None:
            return None
        return Actor(kind="resident", id=res_id, name=res_name, household_id=household_id,
                     lang=res_lang, channel=channel, roles=frozenset({"resident"}))
    if kind == "staff":
        if staff_id is None or not active:
            return None
        return Actor(kind="staff", id=staff_id, name=staff_name,
                     roles=frozenset(r.strip() for r in roles.split(",") if r.strip()),
                     department=department)
    if kind == "channel":
        return Actor(kind="channel", channel=channel, name=channel)
    return None


# --- households, WeChat, kiosk QR sign-in -----------------------------------------------

def resident_for_box(session: Session, box_id: str) -> Resident:
    """The household's primary resident (the eldest-registered elder first) for a TV box."""
    household = session.scalar(select(Household).where(Household.box_id == box_id))
    if household is None:
        raise NotFound("problem.household.unknown_box")
    residents = session.scalars(select(Resident).where(Resident.household_id == household.id)
                                .order_by(Resident.is_elder.desc(), Resident.id)).all()
    if not residents:
        raise NotFound("problem.household.empty")
    return residents[0]


def resident_for_openid(session: Session, openid: str) -> Resident:
    res = session.scalar(select(Resident).where(Resident.wechat_openid == openid))
    if res is None:
        raise NotFound("problem.wechat.unbound")
    return res


def bind_openid(session: Session, resident: Resident, openid: str) -> None:
    other = session.scalar(select(Resident).where(Resident.wechat_openid == openid))
    if other is not None and other.id != resident.id:
        raise Conflict("problem.wechat.bound_elsewhere")
    resident.wechat_openid = openid


def qr_login_create(session: Session, channel: str, ttl_s: int = 120) -> QrLogin:
    q = QrLogin(id=secrets.token_urlsafe(24), channel=channel,
                expires_at=utcnow() + timedelta(seconds=ttl_s))
    session.add(q)
    session.flush()
    return q


def qr_login_approve(session: Session, qr_id: str, resident_id: int) -> QrLogin:
    q = session.get(QrLogin, qr_id, with_for_update=True)
    if q is None:
        raise NotFound("problem.qr_login.unknown")
    if q.expires_at < utcnow() or q.status != "pending":
        raise Gone("problem.qr_login.expired")
    q.status = "approved"
    q.resident_id = resident_id
    return q


def qr_login_collect(session: Session, qr_id: str) -> QrLogin:
    """The kiosk polls; an approved QR is consumed exactly once."""
    q = session.get(QrLogin, qr_id, with_for_update=True)
    if q is None:
        raise NotFound("problem.qr_login.unknown")
    if q.status == "consumed" or (q.status == "pending" and q.expires_at < utcnow()):
        raise Gone("problem.qr_login.expired")
    if q.status == "approved":
        q.status = "consumed"
    return q


def audit(session: Session, actor: Actor, action: str, target: str | None = None,
          detail: dict | None = None, ip: str | None = None) -> None:
    """Append one entry to the audit log (every staff action)."""
    session.add(AuditEntry(actor_kind=actor.kind, actor_id=actor.id, action=action,
                           target=target, detail=detail, ip=ip))
