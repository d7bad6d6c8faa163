"""A photo a caller sends through the link the hotline texts them arrives after the matter is
filed: until it does, staff see a clear "photo not yet received" state (never a broken image);
once it has, the photo itself, viewable full size."""

from __future__ import annotations

import io
import re

import pytest
from PIL import Image

from tests.conftest import client_for
from tests.console.conftest import console_sign_in

SENT_SIZE = (64, 48)


def _png() -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", SENT_SIZE, (30, 120, 200)).save(buf, format="PNG")
    return buf.getvalue()


def _photo_cell(html: str) -> str:
    m = re.search(r'<dl class="kv" id="matter-fields">.*?</dl>', html, re.S)
    assert m, "no fields on the matter page"
    return m.group(0)


@pytest.mark.parametrize("lang,pending", [("en", "Photo not yet received"),
                                          ("zh_CN", "照片尚未收到"), ("zh_TW", "照片尚未收到")])
def test_a_photo_still_on_its_way_then_received(app, lang, pending):
    hotline = client_for(app, "hotline")
    link = hotline.start_photo_upload(ttl_s=24 * 3600, texted=True)
    svc = hotline.service("property.repair")
    from tests.console.conftest import sample_fields

    matter = hotline.submit_matter("property.repair", {**sample_fields(svc),
                                                       "photo": link["upload"]},
                                   "hotline", contact={"name": "路人", "phone": "13900000088"})
    staff = app.test_client()
    console_sign_in(staff, "zhang.wei", lang=lang)

    before = _photo_cell(staff.get(f"/console/matters/{matter.number}").text)
    assert 'data-photo="pending"' in before and pending in before
    assert "<img" not in before and link["upload"] not in before  # no broken image, no raw ref

    # The caller opens the texted link on their phone and sends the photo.
    phone = app.test_client()
    sent = phone.post(link["url"].split("portal.test", 1)[1],
                      data={"photo": (io.BytesIO(_png()), "bin.png")},
                      content_type="multipart/form-data")
    assert sent.status_code == 200

    after = _photo_cell(staff.get(f"/console/matters/{matter.number}").text)
    assert 'data-photo="received"' in after and pending not in after
    ident = link["upload"].split(":", 1)[1]
    src = re.search(r'<img class="photo" src="([^"]+)"', after).group(1)
    assert src == f"/console/uploads/{ident}"
    assert after.count(f'href="{src}"') == 2  # the thumbnail and the "full size" link
    full = staff.get(src)
    assert full.status_code == 200 and full.mimetype == "image/png"
    assert Image.open(io.BytesIO(full.data)).size == SENT_SIZE
