"""Status by matter number within three prompts; the check digit catches typos."""

from channel_core.matters.numbers import encode
from tests.channel_core.samples import sample_fields
from tests.conftest import client_for, staff_client


def _repair(app) -> str:
    kiosk = client_for(app, "kiosk")
    svc = kiosk.service("property.repair")
    return kiosk.submit_matter(svc.id, sample_fields(svc), "kiosk").number


def test_status_heard_within_three_prompts_in_chinese(hotline_app, twilio):
    number = _repair(hotline_app)
    call = twilio.call().start()
    call.choose("查询办理进度")
    call.press(number)
    spelled = " ".join(number[:3])
    assert call.hears(f"事项{spelled}", "物业报修", "当前状态：已受理", "下一步：工作人员将尽快派单处理")
    assert call.prompts <= 3 and call.presses == 2
    # The status is said whole (no key cuts it short), then <Redirect> asks what next.
    assert "<Redirect" in call.history[-2][2] and "<Gather" not in call.history[-2][2]
    staff_client(hotline_app, "zhang.wei").transition(number, "dispatch")
    call.press("1")  # hear it again: the new state
    assert call.hears("当前状态：已派单")


def test_status_in_english_and_by_speech(hotline_app, twilio):
    number = _repair(hotline_app)
    call = twilio.call().start()
    call.press("9")
    call.say(" ".join(number))  # "1 0 0 …" said at the menu goes straight to the status
    assert call.hears("Report a repair", "Status: Accepted", "Next: Staff will dispatch")


def test_mistyped_and_unknown_numbers_are_asked_again(hotline_app, twilio):
    number = _repair(hotline_app)
    typo = number[:-1] + str((int(number[-1]) + 1) % 10)
    swapped = number[:2] + number[3] + number[2] + number[4:]
    call = twilio.call().start()
    call.press("1")
    call.press(typo)
    assert call.hears("好像有一位输错了", "说出9位事项编号")
    if swapped != number:
        call.press(swapped)
        assert call.hears("好像有一位输错了")
    else:
        call.press("12345")
    call.press(encode(9_000_000))  # well-formed, but no such matter
    assert call.hears("没有找到这个编号的事项")
    assert call.doc.find("Enqueue") is not None  # third wrong answer: an agent


def test_short_number_then_success_resets_the_count(hotline_app, twilio):
    number = _repair(hotline_app)
    call = twilio.call().start()
    call.press("1")
    call.press("1234")
    assert call.hears("事项编号是9位数字")
    call.press(number)
    assert call.hears("当前状态")
    call.press("2")
    assert call.hears("说出9位事项编号")


def test_what_next_after_a_status_is_said_too(hotline_app, twilio):
    number = _repair(hotline_app)
    call = twilio.call().start()
    call.say("查询进度")
    call.say(" ".join(number))
    assert call.hears("当前状态：已受理")
    assert "再听一遍" in call.gather.get("hints")
    call.say("再听一遍")
    assert call.hears("当前状态：已受理")
    call.say("查其他编号")
    assert call.hears("说出9位事项编号")
    call.say(number)
    call.say("回主菜单")
    assert call.hears("查询办理进度，请按1")

    english = twilio.call().start()
    english.say("English please")
    english.say("the status of a request")
    english.say(number)
    english.say("say it again")
    assert english.hears("Status: Accepted")
    english.say("main menu")
    assert english.hears("For the status of a request, press 1")
