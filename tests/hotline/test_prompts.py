"""Prompts from the translation catalogs, spoken by <Say> or pre-rendered audio <Play>."""

import re
import xml.etree.ElementTree as ET

import pytest

from hotline.audio import AudioCache, fixed_prompts
from hotline.config import VOICES
from portal_client.i18n import gettext
from tests.channel_core.samples import sample_fields
from tests.conftest import client_for
from tests.hotline.conftest import AUTH_TOKEN, CONTENT, build_app, publish
from tests.hotline.simulator import Twilio


@pytest.fixture(scope="module")
def play_app(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("play")
    app = build_app(f"sqlite:///{tmp / 'portal.db'}", tmp, prompt_mode="play")
    publish(app, *sorted(CONTENT.glob("*.yaml")))
    yield app
    app.extensions["portal"].db.dispose()


def _plays(doc) -> list[str]:
    return [p.text for p in doc.iter("Play")]


def test_play_mode_plays_cached_espeak_audio(play_app):
    twilio = Twilio(play_app.test_client(), AUTH_TOKEN)
    call = twilio.call().start()
    assert not list(call.doc.iter("Say"))
    urls = _plays(call.gather)
    assert urls and all(re.fullmatch(r"http://localhost/hotline/audio/[0-9a-f]{40}\.wav", u)
                        for u in urls)
    http = play_app.test_client()
    audio = http.get(urls[0][len("http://localhost"):])  # Twilio fetches media unsigned
    assert audio.status_code == 200 and audio.mimetype == "audio/wav"
    assert audio.data[:4] == b"RIFF" and audio.data[8:12] == b"WAVE" and len(audio.data) > 5000
    cache = play_app.extensions["hotline"].audio
    first = cache.path(urls[0].rsplit("/", 1)[1][:-4])
    mtime = first.stat().st_mtime_ns
    again = twilio.call().start()
    assert _plays(again.gather) == urls  # same prompt, same file, not rendered again
    assert first.stat().st_mtime_ns == mtime
    assert http.get("/hotline/audio/" + "0" * 40 + ".wav").status_code == 404
    assert http.get("/hotline/audio/..%2f..%2fportal.db.wav").status_code == 404


def test_play_mode_renders_personal_prompts_on_demand(play_app):
    twilio = Twilio(play_app.test_client(), AUTH_TOKEN)
    call = twilio.call("+8613800000004").start()  # Emma: English voice, her name
    urls = _plays(call.gather)
    cache = play_app.extensions["hotline"].audio
    assert cache.key("Hello, Emma Clarke.", VOICES["en"]) in " ".join(urls)


def test_play_mode_reads_a_new_number_from_cached_digit_clips(play_app):
    """A matter number is played digit clip by digit clip: nothing to render for it."""
    kiosk = client_for(play_app, "kiosk")
    svc = kiosk.service("property.repair")
    number = kiosk.submit_matter(svc.id, sample_fields(svc), "kiosk").number
    cache = play_app.extensions["hotline"].audio
    digits = {cache.key(str(d), VOICES["zh_CN"]) for d in range(10)}
    twilio = Twilio(play_app.test_client(), AUTH_TOKEN)
    call = twilio.call().start()
    call.press("1")
    call.press(number)
    played = [u.rsplit("/", 1)[1][:-4] for u in _plays(call.doc)
              + _plays(ET.fromstring(call.history[-2][2]))]
    assert [k for k in played if k in digits] == [cache.key(d, VOICES["zh_CN"]) for d in number]
    assert all(cache.path(k) is not None for k in played)


def test_prerender_every_fixed_prompt_once(tmp_path):
    cache = AudioCache(tmp_path, b"secret")
    texts = fixed_prompts(VOICES)
    spoken = {t for t, _ in texts}
    assert gettext("hotline", "goodbye", "zh_TW") in spoken
    assert gettext("hotline", "queue.options", "en") in spoken
    assert not any("{" in t for t in spoken) and gettext("hotline", "sms.help", "en") not in spoken
    made = cache.prerender_prompts(VOICES)
    assert made == len({(t, v.espeak_voice) for t, v in texts})
    assert cache.prerender_prompts(VOICES) == 0
    key = cache.key(texts[0][0], texts[0][1])
    assert cache.path(key).read_bytes()[:4] == b"RIFF"
    assert AudioCache(tmp_path, b"other").key(texts[0][0], texts[0][1]) != key


def test_pyttsx3_renders_mandarin_too(tmp_path):
    cache = AudioCache(tmp_path, b"secret", engine="pyttsx3")
    key = cache.ensure("您好，这里是社区服务热线。", VOICES["zh_CN"])
    data = cache.path(key).read_bytes()
    assert data[:4] == b"RIFF" and len(data) > 5000
