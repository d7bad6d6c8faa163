"""A resident pays a merchant-presented EMVCo code they scanned: static codes with the amount
they enter, dynamic codes with the code's own; once per key; bad codes refused, nothing moved."""

from __future__ import annotations

import pytest

from payments.qr import emvco
from portal_client import PortalProblem
from portal_client.payments import new_key
from tests.conftest import client_for, staff_client
from tests.payments.conftest import CARDS, OPENING, resident_client

UID = "B2C3D4E5"
CANTEEN = "merchant:canteen"


def problem(fn, *args, **kw) -> PortalProblem:
    with pytest.raises(PortalProblem) as err:
        fn(*args, **kw)
    return err.value


def balances(app) -> tuple[int, int]:
    fin = staff_client(app, "finance", "en")
    return (fin.request("GET", f"/api/v1/cards/{UID}")["balance_minor"],
            fin.request("GET", f"/api/v1/ledger/accounts/{CANTEEN}")["balance_minor"])


def test_static_code_pays_the_amount_entered_once(any_app):
    resident = resident_client(any_app, UID, channel="kiosk")
    static = resident.merchant_qr(CANTEEN).payload
    assert not emvco.decode(static).dynamic
    key = new_key()
    r = resident.pay_merchant_code(static, key, amount="8.50", memo="noodles")
    assert r.amount_minor == 850 and r.payer == "****D4E5" and not r.replayed
    assert r.payee_name  # the canteen, by name
    again = resident.pay_merchant_code(static, key, amount="8.50", memo="noodles")
    assert again.replayed and again.number == r.number  # a retried request pays once
    assert balances(any_app) == (OPENING - 850, 850)
    p = problem(resident.pay_merchant_code, static, key, amount="9.00", memo="noodles")
    assert p.status == 409  # the same key for another payment
    p = problem(resident.pay_merchant_code, static, new_key())  # static: the amount is needed
    assert p.status == 422 and "amount" in p.field_errors
    assert balances(any_app) == (OPENING - 850, 850)


def test_dynamic_code_pays_its_own_amount_by_card_and_pin(any_app):
    tv = client_for(any_app, "tv", "en")  # a channel, no one signed in: card + PIN
    dynamic = tv.merchant_qr(CANTEEN, amount="12.30").payload
    assert emvco.decode(dynamic).amount == "12.30"
    r = tv.pay_merchant_code(dynamic, new_key(), card_uid=UID, pin=CARDS[UID])
    assert r.amount_minor == 1230
    same = tv.pay_merchant_code(dynamic, new_key(), amount="12.30", card_uid=UID, pin=CARDS[UID])
    assert same.amount_minor == 1230 and not same.replayed  # a second purchase, a new key
    details = {}
    for lang in ("en", "zh_CN"):
        c = client_for(any_app, "tv", lang)
        p = problem(c.pay_merchant_code, dynamic, new_key(), amount="1.23", card_uid=UID,
                    pin=CARDS[UID])
        assert (p.status, p.code) == (422, "payment.qr_amount_mismatch")
        details[lang] = p.detail
    assert "12.30" in details["en"] and details["en"].isascii() and not details["zh_CN"].isascii()
    p = problem(tv.pay_merchant_code, dynamic, new_key(), card_uid=UID, pin="000000")
    assert p.status == 401  # a wrong PIN
    p = problem(tv.pay_merchant_code, dynamic, new_key())  # neither signed in nor a PIN
    assert p.status == 401
    assert balances(any_app) == (OPENING - 2460, 2460)


def test_bad_crc_and_unknown_merchants_move_no_money(any_app):
    resident = resident_client(any_app, UID, channel="kiosk", lang="zh_CN")
    static = resident.merchant_qr(CANTEEN).payload
    broken = static[:-1] + ("0" if static[-1] != "0" else "1")
    p = problem(resident.pay_merchant_code, broken, new_key(), amount="5.00")
    assert p.status == 400 and "校验" in p.detail
    code = emvco.decode(static)
    # A code of another scheme (not this portal's GUID), and one of ours naming no merchant.
    foreign = emvco.MerchantCode(
        merchant_name="BEST TRANSPORT", merchant_city="BEIJING", mcc="4111",
        accounts=(emvco.MerchantAccount("26", "COM.EXAMPLE.WALLET", (("01", CANTEEN),)),))
    nobody = emvco.MerchantCode(
        merchant_name="NOBODY", merchant_city="BEIJING",
        accounts=(emvco.MerchantAccount(code.accounts[0].tag, code.accounts[0].guid,
                                        (("01", "merchant:nobody"),)),))
    for other in (foreign, nobody):
        p = problem(resident.pay_merchant_code, other.encode(), new_key(), amount="5.00")
        assert (p.status, p.code) == (404, "payment.qr_merchant_unknown")
        assert not p.detail.isascii()
    assert balances(any_app) == (OPENING, 0)
