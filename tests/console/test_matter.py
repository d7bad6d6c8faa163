"""Working one matter: transitions as buttons, notes, replies to the inbox, assignment,
transfer, another department's matter (403) and two staff acting at once (409)."""

from __future__ import annotations

import re

from channel_core.jobs import core_jobs
from channel_core.matters import numbers
from tests.conftest import client_for, staff_client
from tests.console.conftest import console_sign_in, csrf_of, kiosk_submission


def _buttons(html: str) -> list[str]:
    return re.findall(r'name="transition" value="([a-z_]+)"', html)


def _version(html: str) -> str:
    return re.search(r'name="expected_version" value="(\d+)"', html).group(1)


def _fire(tc, number: str, transition: str, note: str = "", **extra):
    page = tc.get(f"/console/matters/{number}").text
    return tc.post(f"/console/matters/{number}/transition", data={
        "csrf_token": csrf_of(page), "expected_version": _version(page),
        "transition": transition, "note": note, **extra})


def test_work_a_kiosk_matter_to_closed_and_reply_to_the_inbox(any_app):
    app = any_app
    matter, resident = kiosk_submission(app, "property.repair", card=("A1B2C3D4", "135790"))
    tc = app.test_client()
    console_sign_in(tc, "zhang.wei")
    page = tc.get(f"/console/matters/{matter.number}").text
    assert _buttons(page) == ["dispatch", "reject", "cancel"]  # staff, not supervisor
    assert "Kiosk" in page and "Inside my flat" in page  # channel and the choice's label
    for step in ("dispatch", "start"):
        assert _fire(tc, matter.number, step).status_code == 302
    refused = _fire(tc, matter.number, "answer")  # needs a note
    assert refused.status_code == 422
    r = _fire(tc, matter.number, "answer", note="已更换水管接头")
    assert r.status_code == 302
    page = tc.get(f"/console/matters/{matter.number}").text
    assert "Matter " in page and "Answered" in page
    r = tc.post(f"/console/matters/{matter.number}/reply",
                data={"csrf_token": csrf_of(page), "text": "维修已完成，如仍漏水请再联系我们。"})
    assert r.status_code == 302
    assert _fire(tc, matter.number, "close").status_code == 302
    state = app.extensions["portal"]
    core_jobs.deliver_outbox(state.db, state.senders)
    bodies = [m.body for m in resident.inbox()]
    assert any("维修已完成，如仍漏水请再联系我们。" in b for b in bodies)
    final = resident.matter(matter.number)
    assert final.state == "closed"
    assert [h.transition for h in final.history if h.kind == "transition"] == [
        "dispatch", "start", "answer", "close"]


def test_a_note_needed_but_missing_keeps_nothing_back(app):
    matter, _ = kiosk_submission(app, "property.repair")
    tc = app.test_client()
    console_sign_in(tc, "liu.fang")
    r = _fire(tc, matter.number, "reject", note="   ")
    assert r.status_code == 422
    assert client_for(app, "kiosk").matter(matter.number).state == "accepted"


def test_second_staff_is_told_and_nothing_is_overwritten(any_app):
    app = any_app
    matter, _ = kiosk_submission(app, "property.repair")
    first, second = app.test_client(), app.test_client()
    console_sign_in(first, "zhang.wei")
    console_sign_in(second, "liu.fang")
    stale = second.get(f"/console/matters/{matter.number}").text
    assert _fire(first, matter.number, "dispatch").status_code == 302
    r = second.post(f"/console/matters/{matter.number}/transition", data={
        "csrf_token": csrf_of(stale), "expected_version": _version(stale),
        "transition": "reject", "note": "重复报修，已合并"})
    assert r.status_code == 409
    assert "Another staff member acted on this matter first" in r.text
    assert "“Dispatched”" in r.text
    assert "重复报修，已合并" in r.text  # the note is kept in the form
    now = client_for(app, "kiosk").matter(matter.number)
    assert now.state == "dispatched"
    assert [h.transition for h in now.history if h.kind == "transition"] == ["dispatch"]


def test_another_departments_matter_is_forbidden_by_url(app):
    sos, _ = kiosk_submission(app, "gov.sos")
    tc = app.test_client()
    console_sign_in(tc, "zhang.wei")
    r = tc.get(f"/console/matters/{sos.number}")
    assert r.status_code == 403
    assert "belongs to another department" in r.text
    r = tc.post(f"/console/matters/{sos.number}/note",
                data={"csrf_token": csrf_of(r.text), "text": "x"})
    assert r.status_code == 403


def test_notes_assignment_and_transfer(app):
    matter, _ = kiosk_submission(app, "property.repair")
    tc = app.test_client()
    console_sign_in(tc, "liu.fang")
    page = tc.get(f"/console/matters/{matter.number}").text
    r = tc.post(f"/console/matters/{matter.number}/note",
                data={"csrf_token": csrf_of(page), "text": "需带 20mm 接头"})
    assert r.status_code == 302
    page = tc.get(f"/console/matters/{matter.number}").text
    assert "需带 20mm 接头" in page and "Internal" in page
    # The resident's public view does not carry internal notes.
    assert all(h.note != "需带 20mm 接头" for h in client_for(app, "kiosk").matter(matter.number).history)
    zhang = re.search(r'<option value="(\d+)"[^>]*>张伟</option>', page).group(1)
    r = tc.post(f"/console/matters/{matter.number}/assign",
                data={"csrf_token": csrf_of(page), "staff_id": zhang, "note": "请张伟跟进"})
    assert r.status_code == 302
    page = tc.get(f"/console/matters/{matter.number}").text
    assert re.search(r'id="matter-assignee">张伟<', page)
    r = tc.post(f"/console/matters/{matter.number}/assign",
                data={"csrf_token": csrf_of(page), "department": "street-office",
                      "note": "属于街道职责"})
    assert r.status_code == 302 and r.headers["Location"].endswith("/console/queue")
    assert tc.get(f"/console/matters/{matter.number}").status_code == 403
    chen = staff_client(app, "chen.jing")
    assert chen.matter(matter.number).raw["department"] == "street-office"


def test_unknown_matter_number_is_a_clear_404(app):
    tc = app.test_client()
    console_sign_in(tc, "zhang.wei")
    r = tc.get(f"/console/matters/{numbers.encode(99_999)}")
    assert r.status_code == 404 and "Not found." in r.text
    good = numbers.encode(5)
    r = tc.get(f"/console/matters/{good[:-1]}{(int(good[-1]) + 1) % 10}")  # wrong check digit
    assert r.status_code == 422


def test_a_residents_photo_is_viewable_by_staff_only(app):
    import io

    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", (40, 30), (200, 30, 30)).save(buf, format="PNG")
    kiosk = client_for(app, "kiosk")
    ref = kiosk.upload_photo(buf.getvalue(), "leak.png")
    matter, _ = kiosk_submission(app, "property.repair", overrides={"photo": ref})
    tc = app.test_client()
    assert tc.get(f"/console/uploads/{ref[7:]}").status_code == 302  # signed out
    console_sign_in(tc, "zhang.wei")
    page = tc.get(f"/console/matters/{matter.number}").text
    src = re.search(r'<img class="photo" src="([^"]+)"', page).group(1)
    assert src == f"/console/uploads/{ref[7:]}"
    img = tc.get(src)
    assert img.status_code == 200 and img.mimetype == "image/png"
    assert Image.open(io.BytesIO(img.data)).size == (40, 30)
    assert tc.get("/console/uploads/nosuchphoto123").status_code == 404


def test_console_actions_land_in_the_audit_log(app):
    matter, _ = kiosk_submission(app, "property.repair")
    tc = app.test_client()
    console_sign_in(tc, "zhang.wei")
    assert _fire(tc, matter.number, "dispatch").status_code == 302
    admin = app.test_client()
    console_sign_in(admin, "admin")
    log = admin.get("/console/audit").text
    rows = re.findall(r"<tr><td>.*?</tr>", log, re.S)
    assert any("matter.dispatch" in r and matter.number in r for r in rows)
    assert any("staff.login" in r for r in rows)
