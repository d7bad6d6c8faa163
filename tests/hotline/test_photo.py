"""A photo cannot travel over a call: the matter holds a core upload that the link texted to
the caller fills, once, before it expires; staff then see a real image."""

import io
import re
import time
from datetime import date, datetime, timedelta

from itsdangerous.timed import TimestampSigner
from PIL import Image

from tests.channel_core.samples import VALID_ID
from tests.conftest import client_for, staff_client
from tests.hotline import filler
from tests.hotline.conftest import sent_sms, staff_view


def _png(colour=(10, 120, 200)) -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (32, 24), colour).save(buf, "PNG")
    return buf.getvalue()


VALUES = {"name": "孙七", "story": "垃圾满了", "people": 1, "deposit": "1",
          "day": date.today().isoformat(), "at": "08:00",
          "visit": (datetime.now() + timedelta(days=1)).strftime("%Y-%m-%dT10:00"),
          "colour": "blue", "extras": ["bag"], "urgent": True, "id_number": VALID_ID,
          "address": "2号楼", "photo": True, "phone": "caller"}


def _report_with_photo(twilio, caller: str, lang: str = "zh_CN") -> tuple[str, str, str, str]:
    """Fill a form with an (optional) photo; returns the matter number, the photo field's
    value, the link texted to the caller and the text."""
    app = twilio.http.application
    call = twilio.call(caller).start()
    if lang == "en":
        call.press("9")
        call.say("every field test")
    else:
        call.say("全字段")
    call.press("1")
    svc = client_for(app, "hotline").service("gov.hotline-every-field")
    values = dict(VALUES, name="Sun Qi", story="The bin is full", address="Building 2") \
        if lang == "en" else VALUES
    filler.fill(call, svc, values, lang)
    assert call.hears("现场照片：提交后通过短信链接上传" if lang == "zh_CN"
                      else "Photo: to be added through the link we text you")
    call.press("1")
    number = re.sub(r"\D", "", re.search(r"(?:编号是：|number is )([\d ,]+)",
                                         " ".join(call.last)).group(1))
    texts = [b for a, b in sent_sms(app) if a == caller and number in b and "/upload/" in b]
    assert len(texts) == 1, texts
    link = re.search(r"http://portal\.test(/upload/\S+)", texts[0]).group(1)
    return number, staff_view(app, number).fields["photo"], link, texts[0]


def _as_staff(app, ref: str):
    """The upload as staff fetch it from the core (what the console's <img> shows)."""
    staff = staff_client(app, "admin")
    return app.test_client().get(f"/api/v1/uploads/{ref.split(':', 1)[1]}",
                                 headers={"Authorization": f"Bearer {staff.token}"})


def test_the_photo_sent_through_the_link_is_a_real_image_on_the_matter(twilio):
    app = twilio.http.application
    number, ref, link, text = _report_with_photo(twilio, "+8613900000601")
    assert re.fullmatch(r"upload:[\w-]{20,}", ref)  # a core upload, not a hotline web page
    assert "24小时内" in text and "只能使用一次" in text
    assert _as_staff(app, ref).status_code == 404  # not sent yet
    phone = app.test_client()
    page = phone.get(link)
    body = page.get_data(as_text=True)
    assert page.status_code == 200 and "上传照片" in body and "终端" not in body
    bad = phone.post(link, data={"photo": (io.BytesIO(b"<?php ?>"), "x.jpg")},
                     content_type="multipart/form-data")
    assert bad.status_code == 400
    ok = phone.post(link, data={"photo": (io.BytesIO(_png()), "leak.png")},
                    content_type="multipart/form-data")
    assert ok.status_code == 200 and "照片已收到" in ok.get_data(as_text=True)
    image = _as_staff(app, ref)
    assert image.status_code == 200 and image.mimetype.startswith("image/")
    assert Image.open(io.BytesIO(image.data)).size == (32, 24)
    assert staff_view(app, number).fields["photo"] == ref
    # The link works once: a second photo changes nothing.
    again = phone.post(link, data={"photo": (io.BytesIO(_png((0, 0, 0))), "other.png")},
                       content_type="multipart/form-data")
    assert again.status_code == 200 and _as_staff(app, ref).data == image.data
    # Anyone with the link cannot see the photo; the hotline serves no photos at all.
    assert app.test_client().get(f"/api/v1/uploads/{ref.split(':', 1)[1]}").status_code == 401
    assert app.test_client().get(f"/hotline/photo/{ref.split(':', 1)[1]}").status_code == 404


def test_the_link_expires_after_a_day(twilio, monkeypatch):
    app = twilio.http.application
    _, ref, link, _ = _report_with_photo(twilio, "+8613900000602")
    later = int(time.time()) + 24 * 3600 + 60
    monkeypatch.setattr(TimestampSigner, "get_timestamp", lambda self: later)
    expired = app.test_client().post(link, data={"photo": (io.BytesIO(_png()), "late.png")},
                                     content_type="multipart/form-data")
    assert expired.status_code == 404 and "链接已失效" in expired.get_data(as_text=True)
    monkeypatch.undo()
    assert _as_staff(app, ref).status_code == 404


def test_an_english_caller_gets_the_link_and_page_in_english(twilio):
    app = twilio.http.application
    _, ref, link, text = _report_with_photo(twilio, "+8613900000603", lang="en")
    assert "within 24 hours" in text and "works once" in text and "lang=en" in link
    page = app.test_client().get(link).get_data(as_text=True)
    assert "Send a photo" in page and "screen" not in page
    app.test_client().post(link, data={"photo": (io.BytesIO(_png()), "a.png")},
                           content_type="multipart/form-data")
    assert _as_staff(app, ref).mimetype == "image/png"
