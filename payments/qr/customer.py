"""Customer-presented one-card codes: HMAC-signed, valid 60 seconds, usable once.

A code is `OC1.<card uid>.<expiry unix seconds>.<nonce>.<signature>`; the signature is
HMAC-SHA256 over the rest with the portal's secret key. Using a code records its nonce in
a table with a unique constraint, so a second use fails even in a race.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy.orm import Session

from channel_core.db import utcnow
from payments.cards.models import PresentedCodeUse
from payments.errors import CodeExpired, CodeInvalid, CodeUsed
from payments.ledger.sql import insert_ignore, table_of

TTL = timedelta(seconds=60)
_FORMAT = re.compile(r"^OC1\.([0-9A-F]{8,20})\.(\d{10})\.([A-Za-z0-9_-]{12})\.([A-Za-z0-9_-]{22})$")


@dataclass(frozen=True)
class PresentedCode:
    code: str
    uid: str
    expires_at: datetime


def _sign(secret: str, body: str) -> str:
    mac = hmac.new(secret.encode(), body.encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(mac[:16]).decode().rstrip("=")


def issue(secret: str, uid: str, now: datetime | None = None) -> PresentedCode:
    """A fresh code for a card, valid for 60 seconds."""
    now = now or utcnow()
    exp = now + TTL
    body = f"OC1.{uid.upper()}.{int(exp.timestamp())}.{secrets.token_urlsafe(9)}"
    return PresentedCode(f"{body}.{_sign(secret, body)}", uid.upper(),
                         datetime.fromtimestamp(int(exp.timestamp()), UTC))


def verify(secret: str, code: str, now: datetime | None = None) -> PresentedCode:
    """Check format, signature and expiry (not single use: see `consume`)."""
    m = _FORMAT.match((code or "").strip())
    if not m:
        raise CodeInvalid()
    body = code.strip().rsplit(".", 1)[0]
    if not hmac.compare_digest(_sign(secret, body), m.group(4)):
        raise CodeInvalid()
    exp = datetime.fromtimestamp(int(m.group(2)), UTC)
    if exp <= (now or utcnow()):
        raise CodeExpired()
    return PresentedCode(code.strip(), m.group(1), exp)


def consume(session: Session, secret: str, code: str, now: datetime | None = None) -> PresentedCode:
    """Verify a code and mark it used in the caller's transaction; a second use → CodeUsed."""
    pc = verify(secret, code, now)
    nonce = pc.code.split(".")[3]
    new = insert_ignore(session, table_of(PresentedCodeUse), ["nonce"],
                        {"nonce": nonce, "uid": pc.uid, "expires_at": pc.expires_at,
                         "used_at": now or utcnow()}, returning=table_of(PresentedCodeUse).c.id)
    if new is None:
        raise CodeUsed()
    return pc
