"""Paying by phone with the one-card and its PIN, or by a pay link texted to the caller:
household bills, account numbers, and the charge of a matter just submitted; each paid once
however often Twilio retries."""

import re

import pytest

from hotline.nodes.bills import card_number
from tests.conftest import client_for
from tests.hotline import filler
from tests.hotline.conftest import sent_sms

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
    assert call.hears("待缴41.60元", "用一卡通支付请按1", "支付链接用短信发给您，请按2")
    call.press("1")
    assert call.hears("待缴41.60元", "尾号C 3 D, 4", "请用按键输入")
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
    call.press("1")  # with the card
    call.press("135790")
    assert not call.hears("已支付") and call.hears("2112.00元", "请按")
    assert _balance(hotline_app, "A1B2C3D4", "135790") == before


def test_anyone_pays_by_account_number_and_card_number(hotline_app, twilio):
    before = _balance(hotline_app, EMMA_CARD, EMMA_PIN)
    call = twilio.call("+8613900000701").start()
    call.choose("缴纳账单")
    assert call.hears("说出账单上的缴费户号")
    call.press("1100351201")
    call.choose("57.20元")
    call.say("用一卡通")
    assert call.hears("说出或输入一卡通卡号")
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
    call.press("1")  # with the one-card
    call.press(EMMA_KEYS)
    call.press(EMMA_PIN)
    assert call.hears("Paid 10.00 yuan", "Receipt number")
    assert before - _balance(hotline_app, EMMA_CARD, EMMA_PIN) == 1000
    assert client_for(hotline_app, "kiosk").matter(number).state != "awaiting_payment"


def _pay_link(app, caller: str, count: int = 1) -> tuple[str, str]:
    """The pay link texted to the caller (path on this server) and the text itself."""
    texts = [b for a, b in sent_sms(app) if a == caller and "/pay/" in b]
    assert len(texts) == count, texts
    return re.search(r"http://portal\.test(/pay/\S+)", texts[-1]).group(1), texts[-1]


def _bill(app, caller_card: tuple[str, str], kind: str, minor: int):
    c = client_for(app, "kiosk")
    c.sign_in_card(*caller_card)
    return next(b for b in c.household_bills(include_paid=True)
                if b.kind == kind and b.amount_minor == minor)


def test_a_known_caller_has_the_pay_link_texted_and_the_bill_is_paid_once(hotline_app, twilio):
    before = _balance(hotline_app, "A1B2C3D4", "135790")
    bill = _bill(hotline_app, ("A1B2C3D4", "135790"), "electricity", 13825)
    call = twilio.call(WANG).start()
    call.choose("缴纳账单")
    call.press("135790")
    call.say("电费")  # the one electricity bill, named
    assert call.hears("电费", "待缴138.25元", "短信发给您，请按2")
    assert "短信" in call.gather.get("hints")
    call.say("发短信给我吧")
    assert call.hears("支付138.25元的链接已用短信发到您的手机")
    assert call.replay() == call.history[-1][2]  # Twilio retries: no second payment, no SMS
    path, text = _pay_link(hotline_app, WANG)
    assert "电费" in text and "138.25" in text
    kiosk = client_for(hotline_app, "kiosk")
    assert kiosk.bill(bill.number).status != "paid"
    phone = hotline_app.test_client()  # the caller opens the link on their phone and pays
    assert phone.get(path).status_code == 200
    assert phone.post(path, data={"outcome": "pay"}).status_code == 200
    paid = kiosk.bill(bill.number)
    assert paid.status == "paid" and paid.paid_minor == 13825 and paid.outstanding_minor == 0
    assert phone.post(path, data={"outcome": "pay"}).status_code == 409  # once
    assert kiosk.bill(bill.number).paid_minor == 13825
    assert _balance(hotline_app, "A1B2C3D4", "135790") == before  # not from the card
    call.say("返回主菜单")
    assert call.hears("查询办理进度")


def test_english_household_bills_by_card_and_by_texted_link(hotline_app, twilio):
    emma = "+8613800000004"
    before = _balance(hotline_app, EMMA_CARD, EMMA_PIN)
    gas = _bill(hotline_app, (EMMA_CARD, EMMA_PIN), "gas", 5400)
    phone_bill = _bill(hotline_app, (EMMA_CARD, EMMA_PIN), "phone", 12800)
    call = twilio.call(emma).start()
    call.say("paying bills")
    assert call.hears("key in your one-card PIN", "please do not say it")
    assert call.gather.get("input") == "dtmf"  # a PIN is never said aloud
    call.press(EMMA_PIN)
    assert call.hears("Bills to pay:", "Electricity for", "overdue")
    call.choose("54.00 yuan")
    assert call.hears("Gas for", "54.00 yuan", "press 2 or say text")
    call.say("with my card")
    assert call.hears("ending F 6 A, 7", "key in its PIN")
    call.press(EMMA_PIN)
    assert call.hears("Paid 54.00 yuan", "Receipt number")
    assert before - _balance(hotline_app, EMMA_CARD, EMMA_PIN) == 5400
    assert client_for(hotline_app, "kiosk").bill(gas.number).status == "paid"
    call.say("another one")
    call.press(EMMA_PIN)
    assert not call.hears("54.00 yuan")  # paid bills leave the list
    call.choose("128.00 yuan")
    call.say("text me the link")
    assert call.hears("We have texted you a link to pay 128.00 yuan")
    path, text = _pay_link(hotline_app, emma)
    assert text.startswith("Community service hotline: Phone for") and "128.00" in text
    assert hotline_app.test_client().post(path, data={"outcome": "pay"}).status_code == 200
    paid = client_for(hotline_app, "kiosk").bill(phone_bill.number)
    assert paid.status == "paid" and paid.paid_minor == 12800
    assert before - _balance(hotline_app, EMMA_CARD, EMMA_PIN) == 5400
