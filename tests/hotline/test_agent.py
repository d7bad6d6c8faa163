"""The agents' queue: position, a 2-minute time-out, then voicemail or a call-back matter;
voicemails in Mandarin carry what the caller said (speech recognition while the call is
recorded), in English Twilio's transcription."""

import re

from tests.hotline.conftest import matters_from, sent_sms, staff_view

CHEN = "+8613800000003"  # 陳美玲: zh_TW


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
    assert "留言" in call.gather.get("hints")
    call.say("我要留言")  # said, not keyed
    # Twilio transcribes <Record> in English only: a Mandarin caller says the message to a
    # Mandarin speech Gather while the call (their side) is recorded.
    assert call.doc.find("Record") is None
    start = call.doc.find("Start/Recording")
    assert start is not None and start.get("track") == "inbound"
    assert call.gather.get("input") == "speech" and call.gather.get("language") == "cmn-Hans-CN"
    call.say("3号楼门口的路灯坏了三天了")
    assert call.hears("还有要补充的请接着说")
    call.say("晚上很黑，老人出门不方便")
    call.silence()  # finished
    assert call.ended and call.hears("留言已收到", "稍后用短信发给您")
    assert matters_from(hotline_app, "13900000201") == []  # filed with the recording
    assert call.recording_done(seconds=14) == 204
    assert call.recording_done(seconds=14) == 204  # Twilio retries: still one matter
    [item] = matters_from(hotline_app, "13900000201")
    m = staff_view(hotline_app, item["number"])
    assert m.service_id == "property.hotline-message" and m.raw["department"] == "property-office"
    assert m.fields["kind"] == "voicemail"
    assert m.fields["message"] == "3号楼门口的路灯坏了三天了 晚上很黑，老人出门不方便"
    assert m.fields["recording"].startswith("https://api.twilio.com/")
    assert any(a == "+8613900000201" and item["number"] in b for a, b in sent_sms(hotline_app))


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


def test_a_taiwanese_caller_leaves_a_mandarin_voicemail_with_its_text(hotline_app, twilio):
    call = twilio.call(CHEN).start()
    call.say("語音留言")  # a main-menu option named
    assert call.gather.get("language") == "cmn-Hant-TW" and call.gather.get("input") == "speech"
    call.say("我家熱水器漏水")
    call.hang_up()  # hangs up instead of finishing: what was said is kept
    assert call.recording_done(seconds=6) == 204
    found = [i for i in matters_from(hotline_app, "13800000003")
             if i["service_id"].endswith("hotline-message")]
    assert len(found) == 1
    m = staff_view(hotline_app, found[0]["number"])
    assert m.fields["message"] == "我家熱水器漏水" and m.fields["kind"] == "voicemail"
    assert m.fields["recording"] == call.recording_url


def test_a_silent_voicemail_is_asked_again_and_nothing_is_filed(hotline_app, twilio):
    call = twilio.call("+8613900000204").start()
    call.choose("语音留言")
    call.silence()
    assert call.hears("没有录到留言", "请现在说出您的留言") and not call.ended
    assert call.gather.get("input") == "speech"
    call.silence()
    call.silence()
    assert call.ended
    assert call.recording_done(seconds=0, status="absent") == 204
    assert matters_from(hotline_app, "13900000204") == []

    english = twilio.call("+8613900000207").start()
    english.press("9")
    english.say("a voice message")
    english.record(seconds=0)
    assert english.hears("We did not record a message", "after the tone")
    assert english.doc.find("Record") is not None and not english.ended


def test_queue_time_out_call_back_and_an_answered_call(hotline_app, twilio):
    call = twilio.call("+8613900000205").start()
    call.press("0")
    call.wait_in_queue(300)
    call.say("我再等等，继续等吧")  # keep waiting
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


def test_english_queue_time_out_then_a_call_back_by_speech(hotline_app, twilio):
    call = twilio.call("+8613900000208").start()
    call.press("9")
    call.say("services and reports")
    call.choose("Property management")  # the caller's topic: property
    call.press("0")
    call.wait_in_queue(300)
    assert call.hears("all our agents are busy", "say call back")
    assert call.gather.get("language") == "en-US" and "call back" in call.gather.get("hints")
    call.say("Could you call me back please")
    assert call.ended and call.hears("Your call back is booked as request")
    number = _spoken_number(call)
    m = staff_view(hotline_app, number)
    assert m.service_id == "property.hotline-message" and m.fields["kind"] == "callback"
    assert m.fields["phone"] == "13900000208" and "call back" in m.fields["message"]
    assert any(a == "+8613900000208" and number in b for a, b in sent_sms(hotline_app))
