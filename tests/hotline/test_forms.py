"""Any service's form by phone: every field type, read-back, confirmation, one matter."""

import re
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from portal_client.i18n import pick
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
    photo = fields.pop("photo")
    assert re.fullmatch(r"upload:[\w-]{20,}", photo)  # the core upload the link will fill
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
    assert call.hears("不能大于 9", "人数：请说出或输入数字")
    call.press("2")
    call.press("0*5")  # deposit: below the minimum of 1 yuan
    assert call.hears("不能小于"), call.last
    call.press("3*256")  # three decimals
    assert call.hears("金额不正确"), call.last
    call.press("3*25")
    call.press("2025")  # a date needs 8 digits
    assert call.hears("没有听清日期", "也可以输入8位数字")
    call.press((date.today() + timedelta(days=90)).strftime("%Y%m%d"))
    assert call.hears("日期不能晚于")
    call.press(date.today().strftime("%Y%m%d"))
    assert call.hears("时间：请说出时间")


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


def _say_everything(call, svc, said: dict, lang: str) -> None:
    """Answer every question by speech only (read-backs confirmed by speech too)."""
    for _ in range(40):
        if any(r in " ".join(call.last) for r in filler.REVIEW):
            return
        f = filler.asked_field(call, svc, lang)
        assert "speech" in call.gather.get("input"), f"{f.key} takes no speech"
        call.say(said[f.key])
        if f.type in ("text", "longtext", "address") and not filler.keyed(f):
            assert call.hears(said[f.key])
            call.say("对的" if lang == "zh_CN" else "yes that's right")
    raise AssertionError("the form never ended")


def test_every_field_by_speech_in_chinese(hotline_app, twilio):
    svc = client_for(hotline_app, "hotline").service("gov.hotline-every-field")
    call = twilio.call("+8613900000107").start()
    call.say("全字段测试")
    call.say("开始办理")
    today = datetime.now(ZoneInfo("Asia/Shanghai")).date()
    said = {"name": "周八", "story": "楼道灯不亮", "people": "三个人", "deposit": "十二块五",
            "day": "明天", "at": "下午两点半", "visit": "后天上午九点",
            "colour": "蓝色", "extras": "袋子和贺卡", "urgent": "是的",
            "id_number": "幺幺零一零五幺九四九幺二三幺零零二叉", "address": "5号楼302",
            "photo": "不用了", "phone": "幺三八零零零零零零零九"}
    _say_everything(call, svc, said, "zh_CN")
    call.say("确认提交")
    fields = staff_view(hotline_app, _number(call)).fields
    assert fields == {"name": "周八", "story": "楼道灯不亮", "people": 3, "deposit": "12.50",
                      "day": (today + timedelta(days=1)).isoformat(), "at": "14:30",
                      "visit": f"{(today + timedelta(days=2)).isoformat()}T09:00",
                      "colour": "blue", "extras": ["bag", "card"], "urgent": True,
                      "id_number": VALID_ID, "address": "5号楼302", "phone": "13800000009"}


def test_every_field_by_speech_in_english(hotline_app, twilio):
    svc = client_for(hotline_app, "hotline").service("gov.hotline-every-field")
    call = twilio.call("+8613900000108").start()
    call.say("English please")
    call.say("every field test")
    call.say("start")
    today = datetime.now(ZoneInfo("Asia/Shanghai")).date()
    day = today + timedelta(days=3)
    said = {"name": "Grace Hopper", "story": "The stairwell light is out", "people": "two",
            "deposit": "twelve point five", "day": f"{day:%B} {day.day}th",
            "at": "2:30 p.m.", "visit": "the day after tomorrow at 9 a.m.",
            "colour": "gold please", "extras": "a bag and a card", "urgent": "no",
            "id_number": "one one zero one zero five one nine four nine one two three one "
                         "zero zero two x",
            "address": "Flat 501 Building 3", "photo": "skip it",
            "phone": "one three eight 0000 0009"}
    _say_everything(call, svc, said, "en")
    call.say("yes submit it")
    fields = staff_view(hotline_app, _number(call)).fields
    assert fields == {"name": "Grace Hopper", "story": "The stairwell light is out",
                      "people": 2, "deposit": "12.50", "day": day.isoformat(), "at": "14:30",
                      "visit": f"{(today + timedelta(days=2)).isoformat()}T09:00",
                      "colour": "gold", "extras": ["bag", "card"], "urgent": False,
                      "id_number": VALID_ID, "address": "Flat 501 Building 3",
                      "phone": "13800000009"}


def test_multichoice_hints_are_in_the_callers_language(hotline_app, twilio):
    svc = client_for(hotline_app, "hotline").service("gov.hotline-every-field")
    extras = next(f for f in svc.fields if f.key == "extras")
    for caller, lang, switch in (("+8613900000109", "en", True), ("+8613900000110", "zh_CN", False)):
        call = twilio.call(caller).start()
        if switch:
            call.press("9")
        call.say("every field test" if lang == "en" else "全字段")
        call.press("1")
        values = {"name": "A", "story": "B", "people": 1, "deposit": "1",
                  "day": date.today().isoformat(), "at": "08:00",
                  "visit": (datetime.now() + timedelta(days=1)).strftime("%Y-%m-%dT10:00"),
                  "colour": "blue"}
        for _ in range(12):
            f = filler.asked_field(call, svc, lang)
            if f.key == "extras":
                break
            filler.answer(call, f, values[f.key], lang)
        hints = call.gather.get("hints").split(", ")
        assert [pick(c.label, lang) for c in extras.choices] == hints[:3]
        other = "zh_CN" if lang == "en" else "en"
        assert not {pick(c.label, other) for c in extras.choices} & set(hints)


def test_hanging_up_mid_report_in_english_gets_a_call_back(hotline_app, twilio):
    caller = "+8613900000111"
    call = twilio.call(caller).start()
    call.press("9")
    call.say("I need a repair, my kitchen tap leaks")
    assert call.hears("Report a repair")
    call.say("yes")
    call.press("1")  # area
    call.press("1")  # category
    call.say("Building 3 unit 2 flat 501 kitchen")
    call.say("yes")
    assert call.hang_up() == 204
    items = matters_from(hotline_app, "13900000111")
    assert [m["service_id"] for m in items] == ["property.hotline-message"]
    m = staff_view(hotline_app, items[0]["number"])
    assert m.fields["kind"] == "callback" and m.raw["department"] == "property-office"
    assert "Building 3 unit 2 flat 501 kitchen" in m.fields["message"]
    assert "Report a repair" in m.fields["message"] and "hung up" in m.fields["message"]
