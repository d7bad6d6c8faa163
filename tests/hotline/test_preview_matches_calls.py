"""The console's hotline preview of a service is what a caller hears: a real call (Twilio-
signed webhooks) fills a form with a field of every type, and every line the content
editor's preview shows is said, in the same order, from the service's intro to the
read-back's keys; and every question the caller is asked is in the preview."""

from __future__ import annotations

import html
import re
import xml.etree.ElementTree as ET
from datetime import date, datetime, timedelta

import pytest

from portal_client.i18n import gettext
from tests.conftest import client_for
from tests.console.conftest import console_sign_in
from tests.hotline import filler
from tests.hotline.simulator import spoken
from tests.hotline.test_photo import VALID_ID

SERVICE = "gov.hotline-every-field"


def _values(lang: str) -> dict:
    return {"name": "孙七" if lang != "en" else "Sun Qi",
            "story": "垃圾满了" if lang != "en" else "The bin is full", "people": 1,
            "deposit": "1", "day": date.today().isoformat(), "at": "08:00",
            "visit": (datetime.now() + timedelta(days=1)).strftime("%Y-%m-%dT10:00"),
            "colour": "blue", "extras": ["bag"], "urgent": True, "id_number": VALID_ID,
            "address": "2号楼" if lang != "en" else "Building 2", "photo": True,
            "phone": "caller"}


@pytest.fixture(scope="module")
def editor(hotline_app):
    """A content editor at the console (the module's portal published with this admin's
    current code: the next one signs in)."""
    tc = hotline_app.test_client()
    console_sign_in(tc, "admin", lang="en", step=1)
    return tc


def _preview(editor, lang: str) -> list[str]:
    page = editor.get(f"/console/content/services/{SERVICE}?preview_lang={lang}").text
    script = re.search(r'id="preview-hotline".*?<ol class="script">(.*?)</ol>', page, re.S)
    assert script, "no hotline preview"
    return [html.unescape(x).strip() for x in
            re.findall(r"<li[^>]*>🔊 (.*?)</li>", script.group(1), re.S)]


def _in_order(wanted: list[str], heard: list[str]) -> list[str]:
    """The wanted lines missing from `heard` when read in order (empty: all were said)."""
    rest = iter(heard)
    return [line for line in wanted if not any(line == h for h in rest)]


@pytest.mark.parametrize("lang,caller", [("zh_CN", "+8613900000701"), ("en", "+8613900000702")])
def test_the_hotline_preview_is_what_the_caller_hears(hotline_app, twilio, editor, lang,
                                                      caller):
    script = _preview(editor, lang)
    assert len(script) > 15

    call = twilio.call(caller).start()
    if lang == "en":
        call.press("9")
    first = len(call.heard)
    call.say("every field test" if lang == "en" else "全字段")
    asked_from = len(call.history)
    call.press("1")
    svc = client_for(hotline_app, "hotline").service(SERVICE)
    filler.fill(call, svc, _values(lang), lang)

    # Every line of the preview was said, in order, from the intro to the read-back's keys.
    assert _in_order(script, call.heard[first:]) == []
    # Every question of the form (the Gathers up to the read-back) is in the preview, but
    # for the read-back of a spoken answer.
    confirm = gettext("hotline", "confirm.keys", lang)
    questions = [spoken(ET.fromstring(text).find("Gather"))
                 for _, _, text in call.history[asked_from:-1] if "<Gather" in text]
    asked = [q[-1] for q in questions if q[-1] != confirm]
    assert len(asked) == len(svc.fields)
    assert [line for line in asked if line not in script] == []
