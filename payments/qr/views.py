"""QR endpoints: EMVCo merchant codes (static or with an amount), decoding, charging a
customer-presented one-card code at a kiosk or merchant, and paying a scanned merchant code."""

from __future__ import annotations

from apiflask import APIBlueprint
from flask import Response, request
from pydantic import Field
from sqlalchemy import select

from channel_core.api.context import actor, channel, lang, parse_body, session_scope
from channel_core.errors import BadRequest, NotFound, Unauthorized
from channel_core.identity.models import Card
from payments import replay
from payments.cards import service as cards
from payments.cards.views import _receipt
from payments.errors import UnknownAccount
from payments.ledger import account_view
from payments.money import NUMERIC, Money
from payments.payees import payee_name
from payments.qr import emvco, merchant_pay, render
from payments.web import (
    AmountIn,
    In,
    commit_errors,
    idempotency_key,
    merchant_payee,
    money_of,
    pctx,
    require_caller,
)

bp = APIBlueprint("payments_qr", __name__, url_prefix="/api/v1", tag="QR")
GUID = merchant_pay.GUID


class DecodeIn(In):
    payload: str = Field(min_length=8, max_length=512)


class ChargeIn(AmountIn):
    code: str = Field(min_length=10, max_length=120)
    payee: str | None = Field(default=None, max_length=80)
    memo: str | None = Field(default=None, max_length=200)
    idempotency_key: str | None = Field(default=None, max_length=100)


class MerchantPayIn(AmountIn):
    """A scanned merchant-presented payload; the amount only for a static code."""

    payload: str = Field(min_length=8, max_length=512)
    card_uid: str | None = Field(default=None, max_length=32)
    pin: str | None = Field(default=None, max_length=12)
    memo: str | None = Field(default=None, max_length=200)
    idempotency_key: str | None = Field(default=None, max_length=100)


def merchant_code_for(payee_code: str, money: Money | None, reference: str | None) -> emvco.MerchantCode:
    """The EMVCo MPM payload that pays a portal payee (with an amount: a dynamic code)."""
    p = pctx()
    payee = p.payees.by_code(payee_code, p.departments)
    if payee is None:
        raise UnknownAccount(account=payee_code[:80])
    name_en = payee_name(payee, payee_code, "en")[:25]
    name_zh = payee_name(payee, payee_code, "zh_CN")[:25]
    currency = money.currency if money else "CNY"
    return emvco.MerchantCode(
        merchant_name=name_en.upper(), merchant_city="BEIJING", mcc=payee.mcc,
        currency_numeric=NUMERIC[currency], country="CN",
        accounts=(emvco.MerchantAccount("26", GUID, (("01", payee_code),)),),
        amount=money.text() if money else None, reference=reference,
        language="ZH", name_alt=name_zh, city_alt="北京")


@bp.get("/qr/merchants/<path:payee_code>")
@bp.doc(summary="An EMVCo merchant-presented QR for a payee (?amount= makes it dynamic); "
                "?format=json|png|svg")
def merchant_qr(payee_code: str):
    require_caller()
    money = None
    if request.args.get("amount"):
        money = money_of(AmountIn(amount=request.args["amount"],
                                  currency=request.args.get("currency", "CNY")))
    with session_scope() as s:
        account_view(s, payee_code)  # exists?
    code = merchant_code_for(payee_code, money, request.args.get("reference"))
    payload = code.encode()
    fmt = request.args.get("format", "json")
    if fmt == "png":
        return Response(render.png(payload), mimetype="image/png")
    if fmt == "svg":
        return Response(render.svg(payload), mimetype="image/svg+xml")
    if fmt != "json":
        raise BadRequest("problem.payment.qr_format")
    return {"payload": payload, "dynamic": code.dynamic, "payee": payee_code,
            "amount_minor": money.minor if money else None,
            "currency": money.currency if money else "CNY"}


@bp.post("/qr/decode")
@bp.doc(summary="Read an EMVCo merchant-presented payload (CRC checked)")
def decode():
    body = parse_body(DecodeIn)
    code = emvco.decode(body.payload)
    return {"merchant_name": code.merchant_name, "merchant_city": code.merchant_city,
            "mcc": code.mcc, "currency_numeric": code.currency_numeric, "country": code.country,
            "amount": code.amount, "dynamic": code.dynamic, "reference": code.reference,
            "bill_number": code.bill_number, "terminal": code.terminal,
            "language": code.language, "name_alt": code.name_alt, "city_alt": code.city_alt,
            "accounts": [{"tag": a.tag, "guid": a.guid, "fields": dict(a.fields)}
                         for a in code.accounts]}


@bp.post("/qr/charges")
@bp.doc(summary="Charge a customer-presented one-card code (merchant staff, or a channel "
                "naming the payee); each code works once within 60 s")
def charge():
    require_caller()
    body = parse_body(ChargeIn)
    money = money_of(body)
    key = idempotency_key(body.idempotency_key)
    payee = merchant_payee(actor()) or body.payee
    if not payee:
        raise BadRequest("problem.payment.payee_required")
    with session_scope() as s:
        paid = cards.pay(s, pctx().config.secret_key, cards.CodeAuth(body.code), payee,
                         money, key, memo=body.memo, channel=channel())  # type: ignore[arg-type]
        return _receipt(s, paid), 200 if paid.transfer.replayed else 201




def _payer(s, body: MerchantPayIn) -> cards.Auth:
    """Card + PIN when given; otherwise the signed-in resident's card (the one named, or theirs)."""
    if body.pin is not None:
        if not body.card_uid:
            raise BadRequest("problem.card.uid_format")
        return cards.PinAuth(body.card_uid, body.pin)
    a = actor()
    if a is None or a.kind != "resident" or a.id is None:
        raise Unauthorized("problem.auth.required")
    uid = body.card_uid or s.scalar(select(Card.uid).where(
        Card.resident_id == a.id, Card.status == "active").order_by(Card.id))
    if uid is None:
        raise NotFound("problem.card.unknown")
    return cards.ResidentAuth(uid, a.id)


@bp.post("/qr/merchant-payments")
@bp.doc(summary="Pay a scanned merchant-presented EMVCo code from a one-card wallet (signed-in "
                "resident, or card UID + PIN); static codes take the amount entered, dynamic "
                "codes their own; once per idempotency key")
def pay_merchant_code():
    require_caller()
    body = parse_body(MerchantPayIn)
    entered = money_of(body, required=False)
    key = idempotency_key(body.idempotency_key)
    with session_scope(commit_on=commit_errors()) as s:
        want = merchant_pay.resolve(s, body.payload, entered, lang())
        auth = _payer(s, body)
        op = replay.op_of(op="qr_merchant_payment", payer=cards.auth_ref(auth),
                          payee=want.payee_code, amount=want.money.minor,
                          currency=want.money.currency, payload=emvco.crc16(body.payload.strip()))
        paid = cards.pay(s, pctx().config.secret_key, auth, want.payee_code, want.money, key,
                         memo=body.memo, channel=channel(), op=op)
        out = _receipt(s, paid)
        out["dynamic"] = want.dynamic
        return out, 200 if paid.transfer.replayed else 201
