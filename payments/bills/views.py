"""Bill endpoints: look-up by account number or household, one bill, pay in full or part."""

from __future__ import annotations

from apiflask import APIBlueprint
from flask import request
from pydantic import Field

from channel_core.api.context import channel, lang, parse_body, require_actor, session_scope
from channel_core.errors import BadRequest, Forbidden
from payments.bills import service as bills
from payments.cards import service as cards
from payments.cards.views import _receipt
from payments.errors import PaymentMethodUnsupported
from payments.matters import fire, lock_for_payment
from payments.providers import METHODS
from payments.providers import service as intents
from payments.web import AmountIn, commit_errors, idempotency_key, money_of, pctx, require_caller

bp = APIBlueprint("payments_bills", __name__, url_prefix="/api/v1", tag="Bills")


class BillPayIn(AmountIn):
    method: str = Field(max_length=16)  # one_card | presented_code | card | wechat_pay | alipay
    uid: str | None = Field(default=None, max_length=32)
    pin: str | None = Field(default=None, max_length=12)
    code: str | None = Field(default=None, max_length=120)
    matter_number: str | None = Field(default=None, max_length=16)
    idempotency_key: str | None = Field(default=None, max_length=100)


def card_auth(method: str, uid: str | None, pin: str | None, code: str | None) -> cards.Auth | None:
    """The card authorisation a body carries, or None for gateway methods."""
    if method == "one_card":
        if not uid or not pin:
            raise BadRequest("problem.payment.card_pin_required")
        return cards.PinAuth(uid, pin)
    if method == "presented_code":
        if not code:
            raise BadRequest("problem.payment.code_required")
        return cards.CodeAuth(code)
    if method in METHODS:
        return None
    raise PaymentMethodUnsupported()


def _list(rows, private: bool) -> dict:
    p = pctx()
    return {"items": [bills.bill_json(b, lang(), p.payees, private=private) for b in rows]}


@bp.get("/bills")
@bp.doc(summary="Bills of a utility account number (?account_no=, optional ?kind=, ?all=1)")
def by_account():
    require_caller()
    account_no = (request.args.get("account_no") or "").strip()
    if not account_no.isdigit() or not 6 <= len(account_no) <= 20:
        raise BadRequest("problem.payment.account_no")
    kind = bills.validate_kind(request.args.get("kind") or None)
    with session_scope() as s:
        rows = bills.find_by_account(s, account_no, kind,
                                     open_only=request.args.get("all") not in ("1", "true"))
        return _list(rows, private=False)


@bp.get("/bills/household")
@bp.doc(summary="Open bills of the signed-in resident's household (staff: ?household_id=)")
def by_household():
    a = require_actor()
    if a.kind == "resident":
        household_id = a.household_id
    elif a.kind == "staff":
        household_id = request.args.get("household_id", type=int)
    else:
        raise Forbidden("problem.auth.resident_only")
    if household_id is None:
        raise BadRequest("problem.payment.household_required")
    with session_scope() as s:
        rows = bills.find_by_household(s, household_id,
                                       open_only=request.args.get("all") not in ("1", "true"))
        return _list(rows, private=True)


@bp.get("/bills/<number>")
@bp.doc(summary="One bill by its number")
def get_bill(number: str):
    require_caller()
    with session_scope() as s:
        return bills.bill_json(bills.get_bill(s, number), lang(), pctx().payees, private=False)


@bp.post("/bills/<number>/payments")
@bp.doc(summary="Pay a bill in full (no amount) or in part: one-card + PIN, a presented "
                "one-card code, or a gateway QR (wechat_pay, alipay, card)")
def pay_bill(number: str):
    require_caller()
    body = parse_body(BillPayIn)
    money = money_of(body, required=False)
    key = idempotency_key(body.idempotency_key)
    auth = card_auth(body.method, body.uid, body.pin, body.code)
    if auth is not None:
        with session_scope(commit_on=commit_errors()) as s:
            if body.matter_number:
                lock_for_payment(s, body.matter_number, f"c:{key}")
            paid = bills.pay_bill_by_card(s, pctx().config.secret_key, number, money, auth, key,
                                          channel=channel(), matter_number=body.matter_number)
            if body.matter_number and not paid.transfer.replayed:
                fire(s, pctx().catalog, body.matter_number, "pay", note=paid.receipt.number)
            return _receipt(s, paid), 200 if paid.transfer.replayed else 201
    with session_scope() as s:
        purpose = intents.purpose_bill(s, number, money)
    pi = intents.create_intent(pctx(), purpose, body.method, key, channel=channel(),
                               lang=lang(), description=f"bill {purpose.target}")
    return intents.intent_json(pi, lang()), 201
