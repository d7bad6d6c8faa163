"""Caller ID: name, language and open matters first; elders order in three steps; PINs."""

import re
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from tests.channel_core.samples import sample_fields
from tests.conftest import ROOT, client_for
from tests.hotline.conftest import matters_from, publish, sent_sms, staff_view

WANG = "+8613800000001"  # 王秀英: elder, zh_CN, card A1B2C3D4 / 135790
LI = "+8613800000002"  # 李建国: zh_CN, card B2C3D4E5 / 246810
CHEN = "+8613800000003"  # 陳美玲: elder, zh_TW
EMMA = "+8613800000004"  # Emma Clarke: en


@pytest.fixture(scope="module", autouse=True)
def quick_hints(hotline_app):
    """What a content editor adds so elders order in three steps (content/README.md)."""
    def canteen(body):
        for f in body["fields"]:
            if f["key"] == "meal":
                f["hints"] = {"hotline": {"quick": "lunch"}}
            if f["key"] == "delivery":
                f["hints"] = {"hotline": {"quick": "deliver"}}

    def visit(body):
        for f in body["fields"]:
            if f["key"] == "elder_name":
                f["hints"] = {"hotline": {"quick": "name"}}
            if f["key"] == "visit_time":
                f["hints"] = {"hotline": {"quick": "tomorrow 09:00"}}

    services = ROOT / "content" / "services"
    publish(hotline_app, services / "ordering.canteen-meal.yaml", change=canteen)
    publish(hotline_app, services / "housekeeping.elder-visit.yaml", change=visit)


def _number(call) -> str:
    m = re.search(r"(?:编号是|編號是|number is)[：:]?\s*([\d ,]+)", " ".join(call.last))
    assert m, call.last
    return re.sub(r"\D", "", m.group(1))


def test_a_known_caller_hears_their_name_and_open_matter_first(hotline_app, twilio):
    kiosk = client_for(hotline_app, "kiosk")
    kiosk.sign_in_card("B2C3D4E5", "246810")
    svc = kiosk.service("property.repair")
    number = kiosk.submit_matter(svc.id, sample_fields(svc), "kiosk").number
    call = twilio.call(LI).start()
    assert call.hears("李建国，您好", "您有1件事项正在办理",
                      f"编号{' '.join(number[:3])}", "物业报修，已受理")
    assert call.prompts == 1
    call.choose("查询办理进度")
    assert call.hears("您正在办理的事项", "物业报修", "说出9位事项编号")


def test_known_callers_are_greeted_in_their_saved_language(hotline_app, twilio):
    kiosk = client_for(hotline_app, "kiosk")
    kiosk.sign_in_card("D4E5F6A7", "445566")
    svc = kiosk.service("property.repair")
    kiosk.submit_matter(svc.id, sample_fields(svc), "kiosk", lang="en")
    chen = twilio.call(CHEN).start()
    assert chen.hears("陳美玲，您好", "這裡是社區服務熱線", "快速預訂長者食堂訂餐")
    assert chen.gather.get("language") == "cmn-Hant-TW"
    assert next(chen.doc.iter("Say")).get("language") == "cmn-TW"
    emma = twilio.call(EMMA).start()
    assert emma.hears("Hello, Emma Clarke.", "Open requests: 1.", "Report a repair: Accepted",
                      "For the status of a request, press 1")


def test_an_elder_orders_a_meal_in_three_steps(hotline_app, twilio):
    call = twilio.call(WANG).start()
    assert call.hears("快速预订长者食堂订餐，请按1", "快速预订助老上门服务，请按2")
    call.press("1")  # 1: a meal
    assert call.hears("请选择套餐", "B套餐")
    call.choose("B套餐")  # 2: which set
    assert call.hears("取餐方式：送餐到家", "地址：您家的地址", "请输入一卡通密码")
    assert "阳光花园" not in " ".join(call.last)  # caller ID can lie: the address is not read
    call.press("135790")  # 3: the card PIN confirms and signs in
    assert call.presses == 3
    number = _number(call)
    m = staff_view(hotline_app, number)
    today = datetime.now(ZoneInfo("Asia/Shanghai")).date().isoformat()
    assert m.fields == {"meal_date": today, "meal": "lunch", "set_meal": "b", "quantity": 1,
                        "delivery": "deliver", "address": "阳光花园 3 号楼 2 单元 501"}
    assert m.amount_minor == 1200 and m.raw["resident_id"] is not None
    assert m.raw["contact_name"] == "王秀英"


def test_an_elder_books_a_home_visit_in_three_steps(hotline_app, twilio):
    call = twilio.call(WANG).start()
    call.press("2")
    assert call.hears("需要的服务：可以多选")
    call.press("12")
    assert call.hears("老人姓名：王秀英", "确认提交请按1")
    call.press("1")
    assert call.presses == 3
    m = staff_view(hotline_app, _number(call))
    tomorrow = (date.today() + timedelta(days=1)).isoformat()
    assert m.fields["services"] == ["company", "shopping"]
    assert m.fields["visit_time"] == f"{tomorrow}T09:00" and m.fields["phone"] == "13800000001"


def test_a_wrong_pin_is_asked_again_and_five_lock_the_card(hotline_app, twilio):
    def order_water(call):
        call.choose("办理服务或反映问题")
        call.say("桶装水")
        call.press("1")
        call.press("1")  # the first water
        call.press("2")  # two buckets
        call.press("1")  # home address
        call.silence()  # no delivery time: optional

    call = twilio.call(LI).start()
    order_water(call)
    assert call.hears("请输入一卡通密码")
    call.press("000000")
    assert call.hears("密码错误，还可尝试 4 次", "请输入一卡通密码")
    call.press("111111")
    call.press("222222")
    assert call.hears("还可尝试 2 次") and call.doc.find("Enqueue") is not None
    again = twilio.call(LI).start()
    order_water(again)
    again.press("333333")
    again.press("444444")
    assert again.hears("卡片已锁定") and again.doc.find("Enqueue") is not None
    third = twilio.call(LI).start()
    order_water(third)
    third.press("246810")  # the right PIN, but the card is locked like at any terminal
    assert third.hears("卡片已锁定")
    assert not [m for m in matters_from(hotline_app, "13800000002")
                if m["service_id"] == "ordering.water-delivery"]


def test_an_unknown_caller_proves_who_they_are_with_a_texted_code(hotline_app, twilio):
    call = twilio.call("+8613900000301").start()
    call.say("桶装水")
    call.press("1")
    assert call.hears("需要核实身份", "说出您登记的手机号码")
    call.press("13800000004")
    assert call.hears("验证码已用短信发到您的手机")
    code = re.search(r"(\d{6})", [b for a, b in sent_sms(hotline_app)
                                  if a == "13800000004"][-1]).group(1)
    call.press("000000" if code != "000000" else "111111")
    assert call.hears("验证码") and not call.hears("桶装水配送")
    call.press(code)
    assert call.hears("请选择"), call.last


def test_an_english_caller_says_their_phone_and_the_texted_code(hotline_app, twilio):
    call = twilio.call("+8613900000302").start()
    call.press("9")
    call.say("water delivery")
    call.say("yes")
    assert call.hears("confirm who you are", "say your registered mobile number")
    call.say("one three eight 0000 0003")  # 陳美玲's phone (Emma's was just sent a code)
    assert call.hears("texted a code")
    code = re.search(r"(\d{6})", [b for a, b in sent_sms(hotline_app)
                                  if a == "13800000003"][-1]).group(1)
    call.say(" ".join(code))
    assert call.hears("choose"), call.last
