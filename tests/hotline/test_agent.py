"""The agents' queue: position, a 2-minute time-out, then voicemail or a call-back matter."""

import re

from tests.hotline.conftest import matters_from, sent_sms, staff_view


def _spoken_number(call) -> str:
    m = re.search(r"(?:编号|request)\s*([\d ,]{15,})", " ".join(call.last))
    assert m, call.last
    return re.sub(r"\D", "", m.group(1))


def test_queue_tells_the_position_and_after_two_minutes_offers_voicemail(hotline_app, twilio):
    call = twilio.call("+8613900000201").start()
    call.press("2")
    call.choose("物业服务")  # the caller's topic: property
    call.press("0")
    assert call.doc.find("Enqueue").text == "community-agents"
    first_wait = call.post(call.doc.find("Enqueue").get("waitUrl"), follow=False,
                           QueuePosition="2", QueueTime="0")
    assert call.hears("您现在排在第2位") and first_wait.find("Leave") is None
    call.doc = _enqueue_doc(call)  # still holding in the queue
    waits = len(call.history)
    call.wait_in_queue(200, position=2)
    leave_at = int(call.history[-1][1]["QueueTime"])
    assert 120 <= leave_at < 135
    assert len(call.history) - waits >= 12  # it held for two minutes, announcing the position
    assert call.hears("工作人员都在忙", "留言请按1", "需要我们回电请按2")
    call.press("1")
    rec = call.doc.find("Record")
    assert rec is not None and rec.get("transcribe") is None  # Twilio transcribes English only
    call.record(seconds=14)
    assert call.ended and call.hears("留言已收到")
    number = _spoken_number(call)
    m = staff_view(hotline_app, number)
    assert m.service_id == "property.hotline-message" and m.raw["department"] == "property-office"
    assert m.fields["kind"] == "voicemail" and m.fields["recording"] == call.recording_url
    assert "14" in m.fields["message"]
    assert any(a == "+8613900000201" and number in b for a, b in sent_sms(hotline_app))


def _enqueue_doc(call):
    import xml.etree.ElementTree as ET

    return next(ET.fromstring(t) for _, _, t in reversed(call.history)
                if ET.fromstring(t).find("Enqueue") is not None)


def test_english_voicemail_is_filed_with_its_transcription_once(hotline_app, twilio):
    call = twilio.call("+8613900000202").start()
    call.press("9")
    call.choose("a voice message")
    rec = call.doc.find("Record")
    assert rec.get("transcribe") == "true" and rec.get("transcribeCallback")
    call.record(seconds=9)
    assert call.ended and call.hears("We will text you the request number")
    assert matters_from(hotline_app, "13900000202") == []  # waiting for the transcript
    assert call.transcription("The street light outside building 8 is out") == 204
    assert call.transcription("The street light outside building 8 is out") == 204  # retried
    [item] = matters_from(hotline_app, "13900000202")
    m = staff_view(hotline_app, item["number"])
    assert m.service_id == "gov.hotline-message" and m.raw["department"] == "street-office"
    assert m.fields["message"] == "The street light outside building 8 is out"
    assert m.fields["recording"] == call.recording_url
    assert any(a == "+8613900000202" and item["number"] in b for a, b in sent_sms(hotline_app))


def test_a_failed_transcription_still_files_the_recording(hotline_app, twilio):
    call = twilio.call("+8613900000203").start()
    call.press("9")
    call.choose("a voice message")
    call.record(seconds=5)
    assert call.transcription("", status="failed") == 204
    [item] = matters_from(hotline_app, "13900000203")
    m = staff_view(hotline_app, item["number"])
    assert "5 seconds" in m.fields["message"] and call.recording_url in m.fields["recording"]


def test_an_empty_recording_is_asked_again(hotline_app, twilio):
    call = twilio.call("+8613900000204").start()
    call.choose("语音留言")
    call.record(seconds=0)
    assert call.hears("没有录到留言", "请在提示音后留言")
    assert call.doc.find("Record") is not None and not call.ended


def test_queue_time_out_call_back_and_an_answered_call(hotline_app, twilio):
    call = twilio.call("+8613900000205").start()
    call.press("0")
    call.wait_in_queue(300)
    call.press("3")  # keep waiting
    assert call.doc.find("Enqueue") is not None
    call.wait_in_queue(300)
    call.press("2")  # call me back
    assert call.ended and call.hears("已为您登记回电")
    number = _spoken_number(call)
    m = staff_view(hotline_app, number)
    assert m.fields["kind"] == "callback" and m.fields["phone"] == "13900000205"

    answered = twilio.call("+8613900000206").start()
    answered.press("0")
    answered.agent_answers()
    assert answered.ended and answered.doc.find("Hangup") is not None
    assert matters_from(hotline_app, "13900000206") == []
