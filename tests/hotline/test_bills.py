"""Paying by phone with the one-card and its PIN: household bills, account numbers, and the
charge of a matter just submitted; each paid once however often Twilio retries."""

import re

import pytest

from hotline.nodes.bills import card_number
from tests.conftest import client_for
from tests.hotline import filler

WANG = "+8613800000001"  # elder; card A1B2C3D4 / 135790; household h1
EMMA_CARD, EMMA_PIN = "D4E5F6A7", "445566"
EMMA_KEYS = "*44*55*66*17"  # D4E5F6A7 on a keypad: a letter is * then 1-6


@pytest.fixture(autouse=True)
def needs_payments(hotline_app):
    if "payments" not in hotline_app.extensions:
        pytest.skip("the payments API is not in this checkout")


def _balance(app, uid, pin) -> int:
    return client_for(app, "kiosk").card_balance(uid, pin).balance_minor


def test_card_numbers_are_keyed_with_star_for_letters():
    assert card_number("*11*22*33*44") == "A1B2C3D4"
    assert card_number(EMMA_KEYS) == EMMA_CARD
    assert card_number("1234") == "1234"
    assert card_number("*7") is None and card_number("*") is None and card_number("") is None


def test_a_known_caller_pays_a_household_bill_with_the_card_pin(hotline_app, twilio):
    before = _balance(hotline_app, "A1B2C3D4", "135790")
    call = twilio.call(WANG).start()
    call.choose("缴纳账单")  # on the second page of an elder's main menu
    assert call.hears("请输入一卡通密码")
    call.press("999999")
    assert call.hears("密码错误", "请输入一卡通密码")
    call.press("135790")
    assert call.hears("张待缴账单", "水费", "41.60元", "已逾期")
    call.choose("41.60元")
    assert call.hears("待缴41.60元", "尾号C 3 D, 4")
    call.press("135790")
    assert call.hears("已支付41.60元", "收据编号")
    first = call.history[-1][2]
    assert call.replay() == first  # Twilio retries: the same answer, no second payment
    assert before - _balance(hotline_app, "A1B2C3D4", "135790") == 4160
    call.press("1")
    call.press("135790")
    assert call.hears("46.80元") and not call.hears("41.60元")  # paid bills leave the list


def test_a_bill_larger_than_the_card_holds_is_refused_and_the_list_offered(hotline_app, twilio):
    before = _balance(hotline_app, "A1B2C3D4", "135790")
    call = twilio.call(WANG).start()
    call.choose("缴纳账单")
    call.press("135790")
    call.choose("2112.00元")  # heating
    call.press("135790")
    assert not call.hears("已支付") and call.hears("2112.00元", "请按")
    assert _balance(hotline_app, "A1B2C3D4", "135790") == before


def test_anyone_pays_by_account_number_and_card_number(hotline_app, twilio):
    before = _balance(hotline_app, EMMA_CARD, EMMA_PIN)
    call = twilio.call("+8613900000701").start()
    call.choose("缴纳账单")
    assert call.hears("请输入账单上的缴费户号")
    call.press("1100351201")
    call.choose("57.20元")
    assert call.hears("请输入一卡通卡号")
    call.press("*4*")
    assert call.hears("输入的号码不正确")
    call.press(EMMA_KEYS)
    assert call.hears("尾号F 6 A, 7")
    call.press(EMMA_PIN)
    assert call.hears("已支付57.20元")
    assert before - _balance(hotline_app, EMMA_CARD, EMMA_PIN) == 5720


def test_a_payment_service_form_then_paid_with_the_card(hotline_app, twilio):
    svc = client_for(hotline_app, "hotline").service("payment.water")
    before = _balance(hotline_app, EMMA_CARD, EMMA_PIN)
    call = twilio.call("+8613900000702").start()
    call.press("9")
    call.say("pay the water bill")
    call.press("1")
    filler.fill(call, svc, {"account_no": "1100351201", "amount": "10.00"}, "en")
    assert call.hears("account number: 1 1 0", "10.00")
    call.press("1")
    assert call.hears("To pay 10.00 yuan now with your one-card, press 3")
    number = re.sub(r"\D", "", re.search(r"number is ([\d ,]+)", " ".join(call.last)).group(1))
    call.press("3")
    call.press(EMMA_KEYS)
    call.press(EMMA_PIN)
    assert call.hears("Paid 10.00 yuan", "Receipt number")
    assert before - _balance(hotline_app, EMMA_CARD, EMMA_PIN) == 1000
    assert client_for(hotline_app, "kiosk").matter(number).state != "awaiting_payment"
