"""Photo fields: real images are stored and attach to matters; anything else is refused."""

import io

import pytest
from PIL import Image

from portal_client import PortalProblem
from tests.channel_core.samples import sample_fields
from tests.conftest import client_for, staff_client


def _png() -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (64, 48), (200, 30, 30)).save(buf, "PNG")
    return buf.getvalue()


def test_photo_upload_attaches_to_a_matter_staff_can_view(app):
    kiosk = client_for(app, "kiosk", "en")
    ref = kiosk.upload_photo(_png(), "leak.png")
    assert ref.startswith("upload:")
    svc = kiosk.service("property.repair")
    fields = sample_fields(svc)
    photo = next(f.key for f in svc.fields if f.type == "photo")
    fields[photo] = ref
    m = kiosk.submit_matter(svc.id, fields, "kiosk")
    staff = staff_client(app, "zhang.wei")
    assert staff.matter(m.number).fields[photo] == ref
    r = app.test_client().get(f"/api/v1/uploads/{ref.split(':', 1)[1]}",
                              headers={"Authorization": f"Bearer {staff.token}"})
    assert r.status_code == 200 and r.mimetype == "image/png"
    r = app.test_client().get(f"/api/v1/uploads/{ref.split(':', 1)[1]}")
    assert r.status_code == 401


def test_non_images_and_anonymous_uploads_are_refused(app):
    kiosk = client_for(app, "kiosk", "en")
    with pytest.raises(PortalProblem) as err:
        kiosk.upload_photo(b"<?php echo 1; ?>", "x.jpg")
    assert err.value.status == 400 and "JPEG" in err.value.detail
    anon = client_for(app, "kiosk")
    anon.channel_token = None
    with pytest.raises(PortalProblem) as err:
        anon.upload_photo(_png())
    assert err.value.status == 401


def test_phone_upload_session_for_a_kiosk(app):
    kiosk = client_for(app, "kiosk", "en")
    sess = kiosk.start_photo_upload()
    assert kiosk.poll_photo_upload(sess["id"]) is None
    path = sess["url"].split("portal.test", 1)[1]
    http = app.test_client()
    assert "Send a photo" in http.get(path + "?lang=en").get_data(as_text=True)
    bad = http.post(path, data={"photo": (io.BytesIO(b"not an image"), "x.jpg")},
                    content_type="multipart/form-data")
    assert bad.status_code == 400
    ok = http.post(path, data={"photo": (io.BytesIO(_png()), "leak.png")},
                   content_type="multipart/form-data")
    assert ok.status_code == 200
    ref = kiosk.poll_photo_upload(sess["id"])
    assert ref and ref.startswith("upload:")
    again = http.post(path, data={"photo": (io.BytesIO(_png()), "again.png")},
                      content_type="multipart/form-data")
    assert again.status_code == 200 and kiosk.poll_photo_upload(sess["id"]) == ref  # once
    assert http.get("/upload/forged-token").status_code == 404
