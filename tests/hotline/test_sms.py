"""Inbound SMS: a matter number texted to the hotline gets its status back."""

from channel_core.matters.numbers import encode
from tests.channel_core.samples import sample_fields
from tests.conftest import client_for, staff_client


def _repair(app) -> str:
    kiosk = client_for(app, "kiosk")
    svc = kiosk.service("property.repair")
    return kiosk.submit_matter(svc.id, sample_fields(svc), "kiosk").number


def test_a_texted_number_gets_its_status(hotline_app, twilio):
    number = _repair(hotline_app)
    reply = twilio.text("+8613900000401", f"查询 {number[:3]} {number[3:6]} {number[6:]}")
    assert reply == f"事项{number}（物业报修）当前状态：已受理。下一步：工作人员将尽快派单处理。"
    staff_client(hotline_app, "zhang.wei").transition(number, "dispatch")
    assert "已派单" in twilio.text("+8613900000401", number)
    english = twilio.text("+447700900123", f"status of {number} please")
    assert english.startswith(f"Request {number} (Report a repair): Dispatched.")


def test_known_senders_get_their_language(hotline_app, twilio):
    number = _repair(hotline_app)
    assert "目前狀態" in twilio.text("+8613800000003", number)  # 陳美玲 reads zh_TW
    assert "Status" not in twilio.text("+8613800000004", number)
    assert twilio.text("+8613800000004", number).startswith(f"Request {number}")


def test_typos_unknown_numbers_and_other_texts(hotline_app, twilio):
    number = _repair(hotline_app)
    typo = number[:-1] + str((int(number[-1]) + 3) % 10)
    assert twilio.text("+8613900000402", typo) == f"编号{typo}有误，请核对后重发。"
    unknown = encode(8_888_888)
    assert twilio.text("+8613900000402", unknown) == f"没有找到编号为{unknown}的事项。"
    assert twilio.text("+8613900000402", "你好") == "请发送9位事项编号查询办理进度。"
    assert twilio.text("+447700900123", "hello") == "Text a 9-digit request number to get its status."
