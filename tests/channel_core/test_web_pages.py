"""The phone pages behind QR codes: tracking a matter and confirming a kiosk sign-in."""

import re

from sqlalchemy import select

from channel_core.notify.models import OutboxMessage
from tests.channel_core.samples import sample_fields
from tests.conftest import client_for, staff_client


def test_track_page_shows_state_and_history_in_the_chosen_language(app):
    kiosk = client_for(app, "kiosk")
    svc = kiosk.service("property.repair")
    m = kiosk.submit_matter(svc.id, sample_fields(svc), "kiosk")
    staff_client(app, "zhang.wei").transition(m.number, "dispatch")
    http = app.test_client()
    zh = http.get(f"/track/{m.number}").get_data(as_text=True)
    assert "物业报修" in zh and "已派单" in zh and "已受理" in zh
    en = http.get(f"/track/{m.number}?lang=en").get_data(as_text=True)
    assert "Report a repair" in en and "Dispatched" in en
    assert sample_fields(svc)[svc.fields[0].key] not in en  # no personal fields
    bad = http.get(f"/track/{m.number[:-1]}{(int(m.number[-1]) + 1) % 10}?lang=en")
    assert bad.status_code == 422 and "not valid" in bad.get_data(as_text=True)


def test_kiosk_sign_in_confirmed_on_the_phone_page(app):
    kiosk = client_for(app, "kiosk")
    qr = kiosk.start_qr_sign_in()
    path = qr["url"].split("portal.test", 1)[1]
    http = app.test_client()
    page = http.get(path).get_data(as_text=True)
    csrf = re.search(r'name="csrf" value="([^"]+)"', page).group(1)
    sent = http.post(path, data={"csrf": csrf, "phone": "13800000004", "step": "send"})
    assert sent.status_code == 200 and 'name="code"' in sent.get_data(as_text=True)
    with app.extensions["portal"].db.session() as s:
        body = s.scalar(select(OutboxMessage.body).where(OutboxMessage.kind == "otp"))
    code = re.search(r"\d{6}", body).group(0)
    wrong = http.post(path, data={"csrf": csrf, "phone": "13800000004", "step": "verify",
                                  "code": "000000" if code != "000000" else "111111"})
    assert wrong.status_code == 401
    ok = http.post(path, data={"csrf": csrf, "phone": "13800000004", "step": "verify",
                               "code": code})
    assert ok.status_code == 200
    session = kiosk.poll_qr_sign_in(qr["id"])
    assert session is not None and session.resident["name"] == "Emma Clarke"
    forged = http.post(path, data={"csrf": "forged", "phone": "13800000004", "step": "send"})
    assert forged.status_code == 400
