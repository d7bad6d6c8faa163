"""Any service's form by phone: every field type, read-back, confirmation, one matter."""

import re
from datetime import date, datetime, timedelta

from tests.channel_core.samples import VALID_ID
from tests.conftest import client_for
from tests.hotline import filler
from tests.hotline.conftest import matters_from, sent_sms, staff_view


def _number(call) -> str:
    text = " ".join(call.last)
    m = re.search(r"(?:编号是|number is)[：:]?\s*([\d ,]+)", text)
    assert m, call.last
    return re.sub(r"\D", "", m.group(1))


def test_a_repair_reported_by_phone_in_chinese(hotline_app, twilio):
    svc = client_for(hotline_app, "hotline").service("property.repair")
    call = twilio.call("+8613900000101").start()
    call.choose("办理服务或反映问题")
    call.choose("物业服务")
    call.choose("物业报修")
    call.press("1")
    area = svc.fields[0].choices[-1].value
    category = svc.fields[1].choices[-1].value  # on the second page of its choices
    values = {"area": area, "category": category, "location": "5号楼1单元电梯",
              "description": "电梯门关不上，一直报警", "phone": "caller"}
    filler.fill(call, svc, values, "zh_CN")
    assert call.hears("请核对您的物业报修申请", "具体地点：5号楼1单元电梯", "电梯门关不上")
    call.press("1")
    number = _number(call)
    assert call.hears(" ".join(number[:3]), "我们会把编号用短信发给您")
    m = staff_view(hotline_app, number)
    assert m.fields == {"area": area, "category": category, "location": "5号楼1单元电梯",
                        "description": "电梯门关不上，一直报警", "phone": "13900000101"}
    assert m.raw["channel"] == "hotline" and m.raw["department"] == "property-office"
    assert m.raw["notify_via"] == "sms"
    assert any(addr == "+8613900000101" and number in body for addr, body in sent_sms(hotline_app))
    # Twilio retries the confirming webhook: the same answer, still one matter.
    first = call.history[-1][2]
    assert call.replay() == first
    assert len(matters_from(hotline_app, "13900000101")) == 1


def test_every_field_type_in_english(hotline_app, twilio):
    svc = client_for(hotline_app, "hotline").service("gov.hotline-every-field")
    call = twilio.call("+8613900000102").start()
    call.press("9")
    call.say("every field test")
    call.press("1")
    day = (date.today() + timedelta(days=2)).isoformat()
    visit = (datetime.now() + timedelta(days=3)).replace(hour=9, minute=30).strftime(
        "%Y-%m-%dT%H:%M")
    values = {"name": "Ada Lovelace", "story": "The lift is stuck between floors",
              "people": 3, "deposit": "12.50", "day": day, "at": "14:30", "visit": visit,
              "colour": "gold", "extras": ["bag", "card"], "urgent": True,
              "id_number": VALID_ID, "address": "Flat 501, Building 3", "photo": True,
              "phone": "13800000009"}
    filler.fill(call, svc, values, "en")
    assert call.hears("Colour: Gold", "Extras: Bag, Card", "Urgent: yes",
                      "ID number: 1 1 0", "0 2 X", "Photo: to be added through the link")
    call.press("1")
    number = _number(call)
    fields = staff_view(hotline_app, number).fields
    link = fields.pop("photo")
    assert re.fullmatch(r"http://localhost/hotline/photo/[\w-]{20,}", link)
    assert fields == {k: v for k, v in values.items() if k != "photo"}


def test_the_core_checks_each_answer_and_the_caller_hears_why(hotline_app, twilio):
    call = twilio.call("+8613900000103").start()
    call.say("全字段")
    call.press("1")
    call.say("张三")
    call.press("1")
    call.say("情况")
    call.press("1")
    call.press("12")  # people: at most 9
    assert call.hears("不能大于 9", "人数：请输入数字")
    call.press("2")
    call.press("0*5")  # deposit: below the minimum of 1 yuan
    assert call.hears("不能小于"), call.last
    call.press("3*256")  # three decimals
    assert call.hears("金额不正确"), call.last
    call.press("3*25")
    call.press("2025")  # a date needs 8 digits
    assert call.hears("日期需要8位数字")
    call.press((date.today() + timedelta(days=90)).strftime("%Y%m%d"))
    assert call.hears("日期不能晚于")
    call.press(date.today().strftime("%Y%m%d"))
    assert call.hears("时间：请输入4位时间")


def test_a_spoken_answer_is_confirmed_or_said_again_and_star_goes_back(hotline_app, twilio):
    call = twilio.call("+8613900000104").start()
    call.say("全字段")
    call.press("1")
    call.say("李四")
    assert call.hears("您说的是：李四")
    call.press("2")
    assert call.hears("请再说一次", "请说出姓名")
    call.say("李思思")
    call.press("1")
    assert call.hears("情况说明")
    call.press("*")
    assert call.hears("请说出姓名")


def test_hanging_up_mid_form_files_nothing_but_a_report_gets_a_call_back(hotline_app, twilio):
    caller = "+8613900000105"
    call = twilio.call(caller).start()
    call.say("漏水")
    call.press("1")
    call.press("1")  # area
    call.press("1")  # category
    call.say("3号楼2单元501厨房")
    call.press("1")
    assert call.hang_up() == 204
    assert call.hang_up() == 204  # Twilio may post the status callback twice
    items = matters_from(hotline_app, "13900000105")
    assert [m["service_id"] for m in items] == ["property.hotline-message"]
    m = staff_view(hotline_app, items[0]["number"])
    assert m.raw["department"] == "property-office" and m.fields["kind"] == "callback"
    assert "3号楼2单元501厨房" in m.fields["message"] and "物业报修" in m.fields["message"]

    other = twilio.call("+8613900000106").start()
    other.say("全字段")
    other.press("1")
    other.say("王五")
    other.press("1")
    assert other.hang_up() == 204
    assert matters_from(hotline_app, "13900000106") == []
