"""Read-aloud of the focused element with pyttsx3/espeak-ng, Mandarin voice for Chinese."""

from __future__ import annotations

from tests.tv_app.conftest import LEFT, RIGHT


def test_focused_tile_is_read_in_mandarin(tv_factory, live_server):
    tv = tv_factory(live_server.url, speech=True)
    tv.wait(lambda: tv.app.household is not None)
    engine = tv.app.narrator.engine
    heard = []
    engine.spoken.connect(heard.append)
    tv.press(LEFT)
    tv.wait(lambda: any("紧急呼叫" in u.text for u in heard), timeout=30000)
    u = next(u for u in heard if "紧急呼叫" in u.text)
    assert u.text == "紧急呼叫 SOS（红色键）" and u.lang == "zh_CN"
    assert "cmn" in u.voice and u.seconds > 0.5 and u.path.exists()
    tv.press(RIGHT)
    tv.press(RIGHT)
    tv.wait(lambda: any("长者食堂" in u.text for u in heard), timeout=30000)


def test_english_household_language_is_read_in_english(tv_factory, live_server):
    tv = tv_factory(live_server.url, speech=True, lang="en")
    tv.wait(lambda: tv.app.household is not None)
    heard = []
    tv.app.narrator.engine.spoken.connect(heard.append)
    tv.press(LEFT)
    tv.wait(lambda: any("Emergency" in u.text for u in heard), timeout=30000)
    u = next(u for u in heard if "Emergency" in u.text)
    assert u.lang == "en" and "cmn" not in u.voice


def test_zh_tw_box_follows_its_household_language(tv_factory, live_server):
    tv = tv_factory(live_server.url, box="STB-DEMO-0002")
    tv.wait(lambda: tv.app.language.lang == "zh_TW")
    home = tv.app.home_screen
    tv.wait(lambda: "陳美玲" in home.title.text())
    assert home.checkin.text().startswith("我很好") and "報平安" in home.checkin.text()
    assert "訊息通知" in home.messages.text()
    assert '"Noto Sans CJK TC"' in tv.app.qapp.styleSheet()  # traditional glyph forms
