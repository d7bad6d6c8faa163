"""Ledger endpoints: accounts, manual transfers, holds, verify (finance staff only)."""

from __future__ import annotations

from apiflask import APIBlueprint
from flask import request
from pydantic import Field
from sqlalchemy import select

from channel_core.api.context import parse_body, session_scope
from channel_core.identity import service as identity
from payments import ledger
from payments.ledger.models import LedgerAccount
from payments.ledger.transfers import load
from payments.web import (
    AmountIn,
    In,
    idempotency_key,
    money_of,
    require_finance,
    require_finance_or_payee,
)

bp = APIBlueprint("payments_ledger", __name__, url_prefix="/api/v1", tag="Ledger")


class TransferIn(AmountIn):
    debit: str = Field(min_length=3, max_length=80)
    credit: str = Field(min_length=3, max_length=80)
    memo: str = Field(min_length=1, max_length=200)
    idempotency_key: str | None = Field(default=None, max_length=100)


class HoldIn(In):
    amount_minor: int | None = None
    idempotency_key: str | None = Field(default=None, max_length=100)


@bp.get("/ledger/accounts")
@bp.doc(summary="Finance: every ledger account with its balances (filter ?kind=)")
def list_accounts():
    require_finance()
    with session_scope() as s:
        stmt = select(LedgerAccount).order_by(LedgerAccount.code)
        if request.args.get("kind"):
            stmt = stmt.where(LedgerAccount.kind == request.args["kind"])
        return {"items": [ledger.accounts.view(a).as_json() for a in s.scalars(stmt.limit(1000))]}


@bp.get("/ledger/accounts/<path:code>")
@bp.doc(summary="Finance, or the merchant who owns it: one account and its latest legs")
def get_account(code: str):
    require_finance_or_payee({code})
    with session_scope() as s:
        out = ledger.account_view(s, code).as_json()
        out["statement"] = [line.as_json() for line in ledger.statement(
            s, code, limit=min(200, int(request.args.get("limit", 50) or 50)))]
        return out


@bp.post("/ledger/transfers")
@bp.doc(summary="Finance: a manual transfer (corrections are new transfers, never edits)")
def manual_transfer():
    a = require_finance()
    body = parse_body(TransferIn)
    money = money_of(body)
    key = idempotency_key(body.idempotency_key)
    with session_scope() as s:
        t = ledger.create_transfer(s, ledger.move(
            f"c:{key}", "adjustment", body.debit, body.credit, money,  # type: ignore[arg-type]
            memo=body.memo, meta={"staff": a.id}))
        identity.audit(s, a, "ledger.transfer", str(t.id),
                       {"debit": body.debit, "credit": body.credit, "amount": t.amount,
                        "currency": t.currency, "replayed": t.replayed}, request.remote_addr)
        return t.as_json(), 200 if t.replayed else 201


@bp.get("/ledger/transfers/<int:transfer_id>")
@bp.doc(summary="Finance, or a merchant on one of its legs: one transfer")
def get_transfer(transfer_id: int):
    with session_scope() as s:
        t = load(s, transfer_id)
        require_finance_or_payee({leg.account for leg in t.legs})
        return t.as_json()


def _hold_payees(s, hold_id: int) -> set[str]:
    return {leg.account for leg in load(s, hold_id).legs if leg.amount > 0}


@bp.post("/ledger/holds/<int:hold_id>/post")
@bp.doc(summary="Finance or the payee merchant: post a hold (all, or amount_minor of it)")
def post_hold(hold_id: int):
    body = parse_body(HoldIn)
    key = idempotency_key(body.idempotency_key)
    with session_scope() as s:
        a = require_finance_or_payee(_hold_payees(s, hold_id))
        t = ledger.post_hold(s, hold_id, f"c:{key}", body.amount_minor, kind="order_post")
        identity.audit(s, a, "ledger.hold_post", str(hold_id), {"amount": t.amount},
                       request.remote_addr)
        return t.as_json(), 200 if t.replayed else 201


@bp.post("/ledger/holds/<int:hold_id>/void")
@bp.doc(summary="Finance or the payee merchant: release a hold")
def void_hold(hold_id: int):
    body = parse_body(HoldIn)
    key = idempotency_key(body.idempotency_key)
    with session_scope() as s:
        a = require_finance_or_payee(_hold_payees(s, hold_id))
        t = ledger.void_hold(s, hold_id, f"c:{key}", kind="order_void")
        identity.audit(s, a, "ledger.hold_void", str(hold_id), None, request.remote_addr)
        return t.as_json(), 200 if t.replayed else 201


@bp.get("/ledger/verify")
@bp.doc(summary="Finance: re-derive every balance and check every ledger invariant")
def verify():
    require_finance()
    with session_scope() as s:
        rep = ledger.verify(s)
        return rep.as_json()
