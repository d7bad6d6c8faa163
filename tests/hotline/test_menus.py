"""Greeting, catalog menus (≤ 4 keys a page, 3 levels), speech, back, and 0 from anywhere."""

import re

from portal_client.i18n import pick
from tests.conftest import client_for

OPTION = re.compile(r"(请按|請按|press )(\d)")


def _options(call) -> list[str]:
    """The menu keys offered on this page (not the keys valid everywhere: 0 for an agent,
    * for back, 9 for the other language)."""
    keys = []
    for line in call.last:
        if "0" in line and ("人工" in line or "agent" in line):
            continue
        if "For English" in line or "普通话服务" in line:
            continue
        keys += [m.group(2) for m in OPTION.finditer(line)]
    return keys


def test_greeting_in_mandarin_with_one_key_for_english(twilio):
    call = twilio.call().start()
    assert call.hears("您好", "查询办理进度，请按1", "任何时候按0")
    english = next(s for s in call.doc.iter("Say") if "For English" in s.text)
    assert english.get("language") == "en-US"
    mandarin = next(s for s in call.doc.iter("Say") if "您好" in s.text)
    assert mandarin.get("language") == "cmn-CN"
    assert call.gather.get("language") == "cmn-Hans-CN"
    call.press("9")
    assert call.hears("English service", "For the status of a request, press 1")
    assert call.gather.get("language") == "en-US"
    call.press("9")
    assert call.hears("已切换到普通话服务")


def test_every_service_is_reached_through_pages_of_at_most_four_keys(hotline_app, twilio):
    catalog = client_for(hotline_app, "hotline").catalog()
    by_phone = {s["id"]: pick(s["title"], "zh_CN") for s in catalog["services"]
                if "hotline" in s.get("channels", ["hotline"])}
    call = twilio.call().start()
    assert len(_options(call)) <= 4
    call.press("2")  # level 2: categories
    heard: set[str] = set()
    seen_pages = set()
    while tuple(call.last) not in seen_pages:
        seen_pages.add(tuple(call.last))
        cats = _options(call)
        assert 1 <= len(cats) <= 4, call.last
        shown = [k for k in cats if k != "4" or not call.hears("更多选项")]
        for key in shown:
            call.press(key)  # level 3: the services of a category
            first = tuple(call.last)
            while True:
                assert 1 <= len(_options(call)) <= 4, call.last
                heard.update(t for t in by_phone.values() if any(t in x for x in call.last))
                if not call.hears("更多选项"):
                    break
                call.press("4")
                if tuple(call.last) == first:
                    break
            call.press("*")  # back up to the categories
            assert call.hears("请选择服务类别")
        if not call.hears("更多选项"):
            break
        call.press("4")
    assert heard == set(by_phone.values())


def test_a_service_said_at_the_greeting_opens_it(twilio):
    call = twilio.call().start()
    hints = call.gather.get("hints")
    assert "漏水" in hints and "订餐" in hints  # catalog keywords help the recogniser
    call.say("我家卫生间漏水了")
    assert call.hears("物业报修", "现在办理请按1")
    call.press("*")
    assert call.hears("查询办理进度，请按1")


def test_english_speech_search(twilio):
    call = twilio.call().start()
    call.press("9")
    call.say("I want to order lunch from the canteen")
    assert call.hears("Order from the community canteen", "press 1")


def test_zero_reaches_an_agent_from_every_level_in_one_press(twilio):
    paths = [[], ["2"], ["2", "1"], ["2", "1", "1"], ["1"]]
    for path in paths:
        call = twilio.call().start()
        for key in path:
            call.press(key)
        presses = call.presses
        call.press("0")
        assert call.doc.find("Enqueue") is not None, (path, call.last)
        assert call.presses - presses == 1
        assert call.hears("正在为您转接人工服务")


def test_silence_and_nonsense_are_reprompted_twice_then_an_agent(twilio):
    call = twilio.call().start()
    call.silence()
    assert call.hears("没有听到您的回答", "查询办理进度，请按1")
    call.press("7")
    assert call.hears("没有这个选项", "查询办理进度，请按1")
    assert call.doc.find("Enqueue") is None
    call.say("嗯嗯啊啊")
    assert call.hears("转接人工服务")
    assert call.doc.find("Enqueue") is not None
