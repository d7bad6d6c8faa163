"""The simulator refuses TwiML that Twilio would reject, so the call tests can fail."""

import xml.etree.ElementTree as ET

import pytest

from portal_client.i18n import gettext
from tests.hotline.simulator import TwimlError, check_speech, parse_twiml

GOOD = ('<Response><Gather action="/a" input="dtmf speech" language="cmn-Hans-CN" '
        'numDigits="1" hints="a, b" speechTimeout="auto"><Say>x</Say></Gather></Response>')


@pytest.mark.parametrize("doc", [
    "<Reply><Say>x</Say></Reply>",
    "<Response><Speak>x</Speak></Response>",
    '<Response><Gather input="dtmf"><Say>x</Say></Gather></Response>',
    '<Response><Gather action="/a" input="keys"><Say>x</Say></Gather></Response>',
    '<Response><Gather action="/a" input="speech"><Say>x</Say></Gather></Response>',
    '<Response><Gather action="/a" input="dtmf"><Enqueue>q</Enqueue></Gather></Response>',
    '<Response><Gather action="/a" input="dtmf" numDigits="0"><Say>x</Say></Gather></Response>',
    '<Response><Gather action="/a" input="dtmf" /></Response>',
    '<Response><Gather action="/a" input="dtmf"><Say>x</Say></Gather><Say>y</Say></Response>',
    "<Response><Hangup/><Say>x</Say></Response>",
    "<Response><Start/><Say>x</Say></Response>",
    "<Response><Start><Say>x</Say></Start></Response>",
    "<Response><Enqueue></Enqueue></Response>",
    "<Response><Say> </Say></Response>",
    '<Response><Record maxLength="0"/></Response>',
])
def test_malformed_twiml_is_refused(doc):
    with pytest.raises(TwimlError):
        parse_twiml(doc)


def test_broken_xml_is_refused():
    with pytest.raises(ET.ParseError):
        parse_twiml("<Response><Say>unclosed</Response>")


def test_well_formed_twiml_passes():
    root = parse_twiml(GOOD)
    assert root.find("Gather").get("action") == "/a"


@pytest.mark.parametrize("doc", [
    '<Response><Gather action="/a" input="dtmf"><Say>x</Say></Gather></Response>',
    '<Response><Gather action="/a" input="dtmf speech" language="en-US" speechTimeout="auto">'
    '<Say>x</Say></Gather></Response>',
    '<Response><Gather action="/a" input="speech" language="en-US" hints="a">'
    '<Say>x</Say></Gather></Response>',
])
def test_a_question_that_ignores_speech_or_lacks_hints_is_refused(doc):
    with pytest.raises(TwimlError):
        check_speech(parse_twiml(doc))


def test_a_keypad_only_pin_question_passes_when_it_says_so():
    notice = gettext("hotline", "input.keys_only", "zh_CN")
    check_speech(parse_twiml(f'<Response><Gather action="/a" input="dtmf"><Say>PIN</Say>'
                             f'<Say>{notice}</Say></Gather></Response>'))
    check_speech(parse_twiml(GOOD))
