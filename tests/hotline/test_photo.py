"""A photo cannot travel over a call: the matter keeps an upload link, texted to the caller."""

import io
import re
from datetime import date, datetime, timedelta

from PIL import Image

from tests.channel_core.samples import VALID_ID
from tests.conftest import client_for
from tests.hotline import filler
from tests.hotline.conftest import sent_sms, staff_view


def _png() -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (32, 24), (10, 120, 200)).save(buf, "PNG")
    return buf.getvalue()


def _report_with_photo(twilio, caller: str) -> tuple[str, str]:
    """Fill a form with an (optional) photo; returns the matter number and the photo link."""
    call = twilio.call(caller).start()
    call.say("全字段")
    call.press("1")
    svc = client_for(twilio.http.application, "hotline").service("gov.hotline-every-field")
    values = {"name": "孙七", "story": "垃圾满了", "people": 1, "deposit": "1", "day":
              date.today().isoformat(), "at": "08:00", "visit": (datetime.now() + timedelta(
                  days=1)).strftime("%Y-%m-%dT10:00"), "colour": "blue", "extras": ["bag"],
              "urgent": True, "id_number": VALID_ID, "address": "2号楼", "photo": True,
              "phone": "caller"}
    filler.fill(call, svc, values, "zh_CN")
    assert call.hears("现场照片：提交后通过短信链接上传")
    call.press("1")
    number = re.sub(r"\D", "", re.search(r"编号是：([\d ,]+)", " ".join(call.last)).group(1))
    return number, staff_view(twilio.http.application, number).fields["photo"]


def test_the_upload_link_takes_one_photo_that_staff_then_see(twilio):
    number, link = _report_with_photo(twilio, "+8613900000601")
    http = twilio.http
    path = link[len("http://localhost"):]
    page = http.get(path, headers={"Accept-Language": "zh-CN"})
    assert page.status_code == 200 and "上传照片" in page.get_data(as_text=True)
    bad = http.post(path, data={"photo": (io.BytesIO(b"<?php ?>"), "x.jpg")},
                    content_type="multipart/form-data")
    assert bad.status_code == 422 and "JPEG或PNG" in bad.get_data(as_text=True)
    ok = http.post(path, data={"photo": (io.BytesIO(_png()), "leak.png")},
                   content_type="multipart/form-data")
    assert ok.status_code == 200 and "照片已收到" in ok.get_data(as_text=True)
    image = http.get(path + "/image")
    assert image.status_code == 200 and image.data == _png()
    again = http.post(path, data={"photo": (io.BytesIO(_png()), "leak.png")},
                      content_type="multipart/form-data")
    assert again.status_code == 422  # one photo per link
    assert http.get("/hotline/photo/not-a-real-token-at-all").status_code == 404


def test_the_caller_is_texted_the_link(hotline_app, twilio):
    number, link = _report_with_photo(twilio, "+8613900000602")
    assert any(a == "+8613900000602" and link in b and number in b
               for a, b in sent_sms(hotline_app))
