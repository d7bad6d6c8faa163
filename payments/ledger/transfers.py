"""Transfers: exactly-once by idempotency key, holds (pending → post | void), no overdrafts.

Every transfer locks the rows of the accounts it touches in ascending id order
(SELECT ... FOR UPDATE on PostgreSQL; SQLite's BEGIN IMMEDIATE serialises writers), checks
balances against the locked totals, then writes the transfer, its legs and the new totals in
the caller's transaction. No read-modify-write happens outside such a lock.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session, aliased

from channel_core.db import utcnow
from channel_core.errors import NotFound, ValidationFailed
from payments.errors import (
    CurrencyMismatch,
    HoldExpired,
    HoldResolved,
    IdempotencyReused,
    InsufficientFunds,
    InvalidAmount,
    NotAHold,
    NotRefundable,
    RefundExceeds,
    Unbalanced,
    UnknownAccount,
)
from payments.ledger import write
from payments.ledger.models import LedgerAccount, LedgerEntry, LedgerTransfer
from payments.ledger.sql import table_of
from payments.money import MAX_MINOR, Money, exponent

T = table_of(LedgerTransfer)
E = table_of(LedgerEntry)
A = table_of(LedgerAccount)
_KIND = re.compile(r"^[a-z][a-z_]{0,23}$")
_KEY = re.compile(r"^[\x21-\x7e]{1,120}$")
MAX_HOLD = timedelta(days=30)


@dataclass(frozen=True)
class Leg:
    """One side of a transfer: a signed amount (+ credit, − debit) on an account code."""

    account: str
    amount: int
    currency: str

    def as_json(self) -> dict:
        return {"account": self.account, "amount_minor": self.amount, "currency": self.currency}


@dataclass(frozen=True)
class TransferRequest:
    """What a client asks the ledger to do; `key` makes it happen at most once."""

    key: str
    kind: str
    legs: tuple[Leg, ...]
    hold_ttl_s: int | None = None
    related_id: int | None = None
    memo: str | None = None
    meta: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Transfer:
    """A stored transfer; `replayed` says it was returned for a repeated key."""

    id: int
    key: str
    kind: str
    phase: str
    amount: int
    currency: str
    legs: tuple[Leg, ...]
    created_at: datetime
    pending_id: int | None = None
    related_id: int | None = None
    expires_at: datetime | None = None
    memo: str | None = None
    meta: Mapping[str, Any] = field(default_factory=dict)
    replayed: bool = False

    @property
    def money(self) -> Money:
        return Money(self.amount, self.currency)

    def as_json(self) -> dict:
        return {"id": self.id, "key": self.key, "kind": self.kind, "phase": self.phase,
                "amount_minor": self.amount, "currency": self.currency,
                "legs": [leg.as_json() for leg in self.legs],
                "pending_id": self.pending_id, "related_id": self.related_id,
                "expires_at": self.expires_at.isoformat() if self.expires_at else None,
                "created_at": self.created_at.isoformat(), "memo": self.memo,
                "meta": dict(self.meta), "replayed": self.replayed}


def move(key: str, kind: str, debit: str, credit: str, money: Money, **kw: Any) -> TransferRequest:
    """A two-leg request: `money` leaves `debit` and arrives in `credit`."""
    return TransferRequest(key=key, kind=kind, legs=(
        Leg(debit, -money.minor, money.currency), Leg(credit, money.minor, money.currency)), **kw)


def _hash(body: object) -> str:
    text = json.dumps(body, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(text.encode()).hexdigest()


def request_hash(req: TransferRequest) -> str:
    """Fingerprint of everything a request asks for except its key."""
    return _hash({"kind": req.kind, "hold": req.hold_ttl_s, "related": req.related_id,
                  "memo": req.memo, "meta": dict(req.meta),
                  "legs": sorted((leg.account, leg.amount, leg.currency) for leg in req.legs)})


def _validate(req: TransferRequest) -> int:
    """Check the request's shape; returns the headline amount (total debited)."""
    if not isinstance(req.key, str) or not _KEY.match(req.key):
        raise ValidationFailed("problem.payment.key_format")
    if not _KIND.match(req.kind):
        raise ValidationFailed("problem.payment.kind_format")
    if len(req.legs) < 2:
        raise Unbalanced("problem.payment.unbalanced.detail")
    if len({leg.account for leg in req.legs}) != len(req.legs):
        raise ValidationFailed("problem.payment.same_account")
    sums: dict[str, int] = defaultdict(int)
    for leg in req.legs:
        exponent(leg.currency)
        if not isinstance(leg.amount, int) or isinstance(leg.amount, bool) or leg.amount == 0:
            raise InvalidAmount("problem.payment.amount.positive")
        if abs(leg.amount) > MAX_MINOR:
            raise InvalidAmount("problem.payment.amount.too_large")
        sums[leg.currency] += leg.amount
    if any(sums.values()):
        raise Unbalanced("problem.payment.unbalanced.detail")
    if req.hold_ttl_s is not None and not 0 < req.hold_ttl_s <= MAX_HOLD.total_seconds():
        raise ValidationFailed("problem.payment.hold_ttl")
    first = req.legs[0].currency
    return sum(-leg.amount for leg in req.legs if leg.amount < 0 and leg.currency == first)


def _lock_accounts(session: Session, codes: Iterable[str]) -> dict[str, Any]:
    """Lock the accounts' rows in ascending id order (the same order for every writer)."""
    wanted = sorted(set(codes))
    found = {r.code: r for r in write.lock_accounts(session, wanted)}
    missing = [c for c in wanted if c not in found]
    if missing:
        raise UnknownAccount(account=missing[0][:80])
    return found


def find_by_key(session: Session, key: str) -> Transfer | None:
    """The transfer stored under an idempotency key, if any."""
    tid = session.scalar(select(T.c.id).where(T.c.key == key))
    return load(session, tid) if tid is not None else None


def _replay(session: Session, key: str, req_hash: str) -> Transfer | None:
    row = session.execute(select(T.c.id, T.c.request_hash).where(T.c.key == key)).first()
    if row is None:
        return None
    if row.request_hash != req_hash:
        raise IdempotencyReused(request_key=key[:120])
    return load(session, row.id, replayed=True)


def load(session: Session, transfer_id: int, *, replayed: bool = False) -> Transfer:
    """A stored transfer with its legs, or NotFound."""
    row = session.execute(select(T).where(T.c.id == transfer_id)).first()
    if row is None:
        raise NotFound("problem.payment.transfer_unknown")
    legs = session.execute(
        select(A.c.code, E.c.amount, E.c.currency).join(A, A.c.id == E.c.account_id)
        .where(E.c.transfer_id == transfer_id).order_by(E.c.id)).all()
    return Transfer(id=row.id, key=row.key, kind=row.kind, phase=row.phase, amount=row.amount,
                    currency=row.currency, legs=tuple(Leg(c, a, cur) for c, a, cur in legs),
                    created_at=_utc(row.created_at), pending_id=row.pending_id,
                    related_id=row.related_id, expires_at=_aware(row.expires_at),
                    memo=row.memo, meta=row.meta or {}, replayed=replayed)


def _utc(value: datetime) -> datetime:
    """A stored timestamp as an aware UTC datetime (SQLite hands them back naive)."""
    from datetime import UTC

    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


def _aware(value: datetime | None) -> datetime | None:
    from datetime import UTC

    if value is None or value.tzinfo is not None:
        return value
    return value.replace(tzinfo=UTC)


def linked_total(session: Session, parent_id: int) -> int:
    """How much of a transfer its linked transfers (refunds) already take: posted ones, open
    holds in full, posted holds at their posted amount, voided holds not at all."""
    child = aliased(T)
    res = aliased(T)
    amount = case(
        (child.c.phase == "posted", child.c.amount),
        (res.c.id.is_(None), child.c.amount),
        (res.c.phase == "post", res.c.amount),
        else_=0)
    total = session.scalar(
        select(func.coalesce(func.sum(amount), 0)).select_from(child)
        .outerjoin(res, res.c.pending_id == child.c.id)
        .where(child.c.related_id == parent_id, child.c.phase.in_(("posted", "pending"))))
    return int(total or 0)


def create_transfer(session: Session, req: TransferRequest, now: datetime | None = None) -> Transfer:
    """Record a transfer (or a hold when `hold_ttl_s` is set) exactly once per key.

    Same key and same request → the original transfer (`replayed`); same key and a different
    request → IdempotencyReused. Refused transfers are not stored, so their key stays free.
    """
    try:
        return _create(session, req, now)
    except _Replayed as r:
        return r.transfer


def _create(session: Session, req: TransferRequest, now: datetime | None) -> Transfer:
    amount = _validate(req)
    now = now or utcnow()
    req_hash = request_hash(req)
    hold = req.hold_ttl_s is not None
    expires = now + timedelta(seconds=req.hold_ttl_s) if hold else None  # type: ignore[arg-type]
    row = {"pending_id": None, "key": req.key, "request_hash": req_hash, "kind": req.kind,
           "phase": "pending" if hold else "posted", "amount": amount,
           "currency": req.legs[0].currency, "related_id": req.related_id,
           "expires_at": expires, "memo": req.memo, "meta": dict(req.meta) or None,
           "created_at": now}
    tid: int | None = None
    if req.related_id is None and write.is_postgres(session):
        tid, ok = write.transfer_one_trip(
            session, row, [(leg.account, leg.amount, leg.currency) for leg in req.legs], hold)
        if not ok:  # nothing written: find out why, precisely, from the locked rows
            _checked(session, req, req_hash, amount, None)
            raise RuntimeError("ledger guard refused a transfer the checks accept")
    else:
        parent = None
        if req.related_id is not None:
            # Lock the original first so concurrent refunds of it queue up.
            parent = session.execute(select(T.c.id, T.c.phase, T.c.amount, T.c.currency)
                                     .where(T.c.id == req.related_id).with_for_update()).first()
            if parent is None:
                raise NotFound("problem.payment.transfer_unknown")
        rows = _checked(session, req, req_hash, amount, parent)
        legs = [(rows[leg.account].id, leg.amount, leg.currency) for leg in req.legs]
        tid = write.write_transfer(session, row, legs, hold)
    if tid is None:
        replay = _replay(session, req.key, req_hash)
        if replay is None:
            raise RuntimeError("ledger write returned no transfer and no earlier one exists")
        return replay
    return Transfer(id=tid, key=req.key, kind=req.kind, phase="pending" if hold else "posted",
                    amount=amount, currency=req.legs[0].currency, legs=tuple(req.legs),
                    created_at=now, related_id=req.related_id, expires_at=expires,
                    memo=req.memo, meta=dict(req.meta))


def transfer(db: Any, req: TransferRequest, now: datetime | None = None) -> Transfer:
    """Record one transfer in a transaction of its own (callers with nothing else to write).

    On PostgreSQL a plain transfer is then a single autocommitted statement; a refusal or a
    repeated key falls back to `create_transfer`, which answers it precisely.
    """
    if req.related_id is None and db.is_postgres:
        amount = _validate(req)
        now = now or utcnow()
        hold = req.hold_ttl_s is not None
        expires = now + timedelta(seconds=req.hold_ttl_s) if hold else None  # type: ignore[arg-type]
        phase = "pending" if hold else "posted"
        row = {"key": req.key, "request_hash": request_hash(req), "kind": req.kind,
               "phase": phase, "amount": amount,
               "currency": req.legs[0].currency, "expires_at": expires, "memo": req.memo,
               "meta": dict(req.meta) or None, "created_at": now}
        tid, ok = write.transfer_autocommit(
            db.engine, row, [(leg.account, leg.amount, leg.currency) for leg in req.legs], hold)
        if tid is not None:
            return Transfer(id=tid, key=req.key, kind=req.kind, phase=phase,
                            amount=amount, currency=req.legs[0].currency, legs=tuple(req.legs),
                            created_at=now, expires_at=expires, memo=req.memo,
                            meta=dict(req.meta))
    with db.session() as s:
        return create_transfer(s, req, now)


class _Replayed(Exception):
    def __init__(self, transfer: Transfer) -> None:
        self.transfer = transfer


def _checked(session: Session, req: TransferRequest, req_hash: str, amount: int,
             parent: Any) -> dict[str, Any]:
    """Lock the accounts and apply every rule; a refused request that repeats a stored key
    is answered with the stored transfer instead of the error."""
    rows = _lock_accounts(session, (leg.account for leg in req.legs))
    try:
        _check(session, req, rows, amount, parent)
    except (InsufficientFunds, RefundExceeds, NotRefundable, CurrencyMismatch):
        replay = _replay(session, req.key, req_hash)
        if replay is not None:
            raise _Replayed(replay) from None
        raise
    return rows


def _check(session: Session, req: TransferRequest, rows: dict[str, Any], amount: int,
           parent: Any) -> None:
    for leg in req.legs:
        if rows[leg.account].currency != leg.currency:
            raise CurrencyMismatch("problem.payment.currency_mismatch.detail",
                                   account=leg.account[:80])
    for leg in req.legs:
        r = rows[leg.account]
        if leg.amount < 0 and not r.allow_negative:
            available = r.credits_posted - r.debits_posted - r.debits_pending
            if available + leg.amount < 0:
                raise InsufficientFunds(account=leg.account[:80])
    if parent is not None:
        if parent.phase not in ("posted", "post"):
            raise NotRefundable()
        if parent.currency != req.legs[0].currency:
            raise CurrencyMismatch("problem.payment.currency_mismatch.detail")
        left = parent.amount - linked_total(session, parent.id)
        if amount > left:
            raise RefundExceeds(left=f"{Money(max(left, 0), parent.currency).text()} "
                                     f"{parent.currency}", left_minor=max(left, 0))


def hold_state(session: Session, hold_id: int, now: datetime | None = None) -> str:
    """open | posted | voided | expired (expired but not yet voided by the job)."""
    row = session.execute(select(T.c.phase, T.c.expires_at).where(T.c.id == hold_id)).first()
    if row is None:
        raise NotFound("problem.payment.transfer_unknown")
    if row.phase != "pending":
        raise NotAHold()
    res = session.scalar(select(T.c.phase).where(T.c.pending_id == hold_id))
    if res == "post":
        return "posted"
    if res == "void":
        return "voided"
    exp = _aware(row.expires_at)
    return "expired" if exp is not None and exp <= (now or utcnow()) else "open"


def _resolve(session: Session, hold_id: int, key: str, phase: str, kind: str,
             amount: int | None, now: datetime | None, memo: str | None) -> Transfer:
    now = now or utcnow()
    hold = load(session, hold_id)
    if hold.phase != "pending":
        raise NotAHold()
    req_hash = _hash({"op": phase, "hold": hold_id, "amount": amount, "kind": kind, "memo": memo})
    if not isinstance(key, str) or not _KEY.match(key):
        raise ValidationFailed("problem.payment.key_format")
    rows = _lock_accounts(session, (leg.account for leg in hold.legs))
    replay = _replay(session, key, req_hash)
    if replay is not None:
        return replay
    if session.scalar(select(T.c.id).where(T.c.pending_id == hold_id)) is not None:
        raise HoldResolved()
    if phase == "post" and hold.expires_at is not None and hold.expires_at <= now:
        raise HoldExpired()
    posted = hold.amount
    if phase == "post" and amount is not None:
        if not isinstance(amount, int) or isinstance(amount, bool) or amount <= 0:
            raise InvalidAmount("problem.payment.amount.positive")
        if amount > hold.amount:
            raise InvalidAmount("problem.payment.amount.over_hold", max=hold.amount)
        if amount != hold.amount and len(hold.legs) != 2:
            raise ValidationFailed("problem.payment.partial_multileg")
        posted = amount
    legs: tuple[Leg, ...] = ()
    if phase == "post":
        scale = posted != hold.amount
        legs = tuple(Leg(leg.account, (posted if leg.amount > 0 else -posted) if scale else
                         leg.amount, leg.currency) for leg in hold.legs)
    row = {"key": key, "request_hash": req_hash, "kind": kind, "phase": phase,
           "amount": posted, "currency": hold.currency, "pending_id": hold_id,
           "related_id": None, "expires_at": None, "memo": memo, "meta": None,
           "created_at": now}
    tid = write.write_transfer(
        session, row, [(rows[leg.account].id, leg.amount, leg.currency) for leg in legs], False,
        released=[(rows[leg.account].id, leg.amount) for leg in hold.legs])
    if tid is None:
        replay = _replay(session, key, req_hash)
        assert replay is not None
        return replay
    return Transfer(id=tid, key=key, kind=kind, phase=phase, amount=posted,
                    currency=hold.currency, legs=legs, created_at=now, pending_id=hold_id,
                    memo=memo)


def post_hold(session: Session, hold_id: int, key: str, amount: int | None = None, *,
              kind: str = "post", now: datetime | None = None, memo: str | None = None) -> Transfer:
    """Turn a hold into money moved: all of it, or part (the rest is released)."""
    return _resolve(session, hold_id, key, "post", kind, amount, now, memo)


def void_hold(session: Session, hold_id: int, key: str, *, kind: str = "void",
              now: datetime | None = None, memo: str | None = None) -> Transfer:
    """Release a hold without moving money."""
    return _resolve(session, hold_id, key, "void", kind, None, now, memo)


def expired_hold_ids(session: Session, now: datetime, limit: int = 500) -> list[int]:
    """Open holds whose expiry has passed."""
    res = aliased(T)
    return list(session.scalars(
        select(T.c.id).outerjoin(res, res.c.pending_id == T.c.id)
        .where(T.c.phase == "pending", T.c.expires_at <= now, res.c.id.is_(None))
        .order_by(T.c.id).limit(limit)))


def expire_holds(sessions: Any, now: datetime | None = None) -> int:
    """Void every expired hold (one transaction each); returns how many were released."""
    now = now or utcnow()
    with sessions() as s:
        ids = expired_hold_ids(s, now)
    done = 0
    for hold_id in ids:
        with sessions() as s, s.begin():
            try:
                void_hold(s, hold_id, f"expire:{hold_id}", kind="expire", now=now)
                done += 1
            except HoldResolved:
                pass
    return done
