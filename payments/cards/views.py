"""One-card endpoints: issue, balance, statement, top-up, pay, freeze, PIN, replace, QR code."""

from __future__ import annotations

from datetime import datetime

from apiflask import APIBlueprint
from flask import request
from pydantic import Field

from channel_core.actors import Actor
from channel_core.api.context import (
    channel,
    lang,
    parse_body,
    require_actor,
    require_resident,
    session_scope,
)
from channel_core.errors import BadRequest, Forbidden
from channel_core.identity import service as identity
from channel_render.clock import COMMUNITY_TZ
from payments import receipts
from payments.cards import service as cards
from payments.matters import fire, lock_for_payment
from payments.providers import service as intents
from payments.qr import customer, render
from payments.web import (
    AmountIn,
    In,
    commit_errors,
    idempotency_key,
    money_of,
    pctx,
    require_caller,
    require_finance,
)

bp = APIBlueprint("payments_cards", __name__, url_prefix="/api/v1", tag="One-card")


class IssueIn(In):
    resident_id: int
    uid: str = Field(min_length=8, max_length=20)
    pin: str = Field(min_length=6, max_length=6)


class PinIn(In):
    pin: str = Field(min_length=1, max_length=12)


class TopUpIn(AmountIn):
    method: str = Field(max_length=16)  # counter | card | wechat_pay | alipay
    idempotency_key: str | None = Field(default=None, max_length=100)


class PayIn(AmountIn):
    pin: str = Field(min_length=1, max_length=12)
    payee: str = Field(min_length=3, max_length=80)
    memo: str | None = Field(default=None, max_length=200)
    matter_number: str | None = Field(default=None, max_length=16)
    idempotency_key: str | None = Field(default=None, max_length=100)


class ChangePinIn(In):
    old_pin: str = Field(min_length=1, max_length=12)
    new_pin: str = Field(min_length=1, max_length=12)


class ReplaceIn(In):
    new_uid: str = Field(min_length=8, max_length=20)
    pin: str = Field(min_length=6, max_length=6)
    idempotency_key: str | None = Field(default=None, max_length=100)


def _may_see(s, uid: str) -> Actor:
    """The card's owner (or household), or staff."""
    a = require_actor()
    if a.kind == "resident":
        cards.owned_by(s, uid, a.id)  # type: ignore[arg-type]
    elif a.kind != "staff":
        raise Forbidden("problem.auth.resident_only")
    return a


def _receipt(s, paid: cards.Paid) -> dict:
    p = pctx()
    out = receipts.as_json(paid.receipt, lang(), p.config.base_url, p.payees, p.departments)
    out["replayed"] = paid.transfer.replayed
    return out


@bp.post("/cards")
@bp.doc(summary="Finance: issue a one-card with a PIN to a resident (and open its wallet)")
def issue():
    a = require_finance()
    body = parse_body(IssueIn)
    with session_scope() as s:
        card = identity.issue_card(s, body.resident_id, body.uid, body.pin)
        cards.ensure_wallet(s, card.uid)
        identity.audit(s, a, "card.issue", card.uid, {"resident": body.resident_id},
                       request.remote_addr)
        return cards.card_view(s, card.uid).as_json(), 201


@bp.get("/cards/<uid>")
@bp.doc(summary="The card's status and balance (its owner or staff)")
def get_card(uid: str):
    with session_scope() as s:
        _may_see(s, uid)
        return cards.card_view(s, uid).as_json()


@bp.post("/cards/<uid>/inquiry")
@bp.doc(summary="Channel: balance and latest lines by card number + PIN (hotline)")
def inquiry(uid: str):
    require_caller()
    body = parse_body(PinIn)
    with session_scope(commit_on=commit_errors()) as s:
        identity.verify_card_pin(s, uid, body.pin)
        out = cards.card_view(s, uid).as_json()
        out["statement"] = [line.as_json() for line in cards.card_statement(s, uid, limit=5)]
        return out


def _when(name: str) -> datetime | None:
    raw = request.args.get(name)
    if not raw:
        return None
    try:
        value = datetime.fromisoformat(raw)
    except ValueError as exc:
        raise BadRequest("problem.payment.date_format") from exc
    if value.tzinfo is None:
        value = value.replace(tzinfo=COMMUNITY_TZ)
    return value


@bp.get("/cards/<uid>/statement")
@bp.doc(summary="The card's statement (?from=&to= ISO dates, ?limit=), owner or staff")
def statement(uid: str):
    with session_scope() as s:
        _may_see(s, uid)
        limit = max(1, min(200, int(request.args.get("limit", 50) or 50)))
        lines = cards.card_statement(s, uid, _when("from"), _when("to"), limit)
        return {"uid": uid.upper(), "items": [line.as_json() for line in lines]}


@bp.post("/cards/<uid>/topups")
@bp.doc(summary="Top up: cash at the counter (finance staff) or through the gateway (QR)")
def topup(uid: str):
    body = parse_body(TopUpIn)
    money = money_of(body)
    key = idempotency_key(body.idempotency_key)
    if body.method == "counter":
        a = require_finance()
        with session_scope() as s:
            paid = cards.topup_at_counter(s, uid, money, key, staff_id=a.id,  # type: ignore[arg-type]
                                          channel=channel())
            identity.audit(s, a, "card.topup", uid.upper(), {"amount": money.minor},  # type: ignore[union-attr]
                           request.remote_addr)
            return _receipt(s, paid), 200 if paid.transfer.replayed else 201
    require_caller()
    with session_scope() as s:
        purpose = intents.purpose_topup(s, uid, money)  # type: ignore[arg-type]
    pi = intents.create_intent(pctx(), purpose, body.method, key, channel=channel(),
                               lang=lang(), description=f"one-card top-up {uid.upper()}")
    return intents.intent_json(pi, lang()), 201


@bp.post("/cards/<uid>/payments")
@bp.doc(summary="Pay a merchant or biller by card + PIN (any channel)")
def pay(uid: str):
    require_caller()
    body = parse_body(PayIn)
    money = money_of(body)
    key = idempotency_key(body.idempotency_key)
    with session_scope(commit_on=commit_errors()) as s:
        if body.matter_number:
            lock_for_payment(s, body.matter_number, f"c:{key}")
        paid = cards.pay(s, pctx().config.secret_key, cards.PinAuth(uid, body.pin), body.payee,
                         money, key, memo=body.memo, channel=channel(),  # type: ignore[arg-type]
                         matter_number=body.matter_number)
        if body.matter_number and not paid.transfer.replayed:
            fire(s, pctx().catalog, body.matter_number, "pay", note=paid.receipt.number)
        return _receipt(s, paid), 200 if paid.transfer.replayed else 201


@bp.post("/cards/<uid>/freeze")
@bp.doc(summary="Freeze a lost card at once (its owner or staff); balance is kept")
def freeze(uid: str):
    with session_scope() as s:
        a = _may_see(s, uid)
        identity.set_card_status(s, uid, "frozen")
        if a.kind == "staff":
            identity.audit(s, a, "card.freeze", uid.upper(), None, request.remote_addr)
        return cards.card_view(s, uid).as_json()


@bp.post("/cards/<uid>/unfreeze")
@bp.doc(summary="Finance: unfreeze a found card")
def unfreeze(uid: str):
    a = require_finance()
    with session_scope() as s:
        identity.set_card_status(s, uid, "active")
        identity.audit(s, a, "card.unfreeze", uid.upper(), None, request.remote_addr)
        return cards.card_view(s, uid).as_json()


@bp.post("/cards/<uid>/pin")
@bp.doc(summary="Change the PIN (old PIN required; failures count towards the lock)")
def change_pin(uid: str):
    require_caller()
    body = parse_body(ChangePinIn)
    with session_scope(commit_on=commit_errors()) as s:
        identity.set_card_pin(s, uid, body.old_pin, body.new_pin)
    return {"ok": True}


@bp.post("/cards/<uid>/replace")
@bp.doc(summary="Finance: replace a lost card; the old one is frozen, its balance moves over")
def replace(uid: str):
    a = require_finance()
    body = parse_body(ReplaceIn)
    key = idempotency_key(body.idempotency_key)
    with session_scope() as s:
        new, moved = cards.replace_card(s, uid, body.new_uid, body.pin, key)
        identity.audit(s, a, "card.replace", uid.upper(),
                       {"new": new.uid, "moved": moved.amount if moved else 0},
                       request.remote_addr)
        out = cards.card_view(s, new.uid).as_json()
        out["moved_minor"] = moved.amount if moved else 0
        return out, 201


@bp.post("/cards/<uid>/presented-codes")
@bp.doc(summary="Resident: a one-card payment code to show (signed, 60 s, single use)")
def presented_code(uid: str):
    a = require_resident()
    with session_scope() as s:
        card = cards.owned_by(s, uid, a.id)  # type: ignore[arg-type]
        if card.status != "active":
            raise Forbidden("problem.card.frozen")
        pc = customer.issue(pctx().config.secret_key, card.uid)
    return {"code": pc.code, "expires_at": pc.expires_at.isoformat(),
            "ttl_s": int(customer.TTL.total_seconds()),
            "qr_svg": render.svg(pc.code).decode("utf-8")}, 201
