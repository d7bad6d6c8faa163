"""Medication reminders in the console: care staff set up a household's schedule (CSRF,
localized field errors, audit); other departments may neither open the page nor change it."""

from __future__ import annotations

import re

from tests.conftest import staff_client
from tests.console.conftest import console_sign_in, page_csrf

H1 = "阳光花园 3 号楼 2 单元 501"


def household_path(tc) -> str:
    page = tc.get("/console/medication")
    assert page.status_code == 200
    m = re.search(r'<td>' + re.escape(H1) + r'</td>.*?href="(/console/medication/\d+)"',
                  page.text, re.S)
    assert m, page.text
    return m.group(1)


def test_care_staff_set_up_a_schedule_with_clear_errors(app):
    tc = app.test_client()
    console_sign_in(tc, "zhao.min")
    assert "Medication" in tc.get("/console/queue").text  # the nav link
    path = household_path(tc)
    page = tc.get(path)
    assert "No medication reminders for this household yet." in page.text
    token = page_csrf(tc, path)
    bad = tc.post(path, data={"csrf_token": token, "medicine": "", "dose": "1 tablet",
                              "times": "8am, 20:00", "start_date": "2026-03-10",
                              "end_date": "2026-03-01"})
    assert bad.status_code == 422
    assert "Enter the medicine&#39;s name" in bad.text
    assert "“8am” is not a time; use HH:MM" in bad.text
    assert "The end date is before the start date" in bad.text
    assert 'value="1 tablet"' in bad.text  # what was typed is kept
    assert tc.post(path, data={"medicine": "Amlodipine", "times": "08:00"}).status_code == 400
    ok = tc.post(path, data={"csrf_token": token, "medicine": "Amlodipine", "dose": "1 tablet",
                             "times": "20:00, 08:00", "start_date": "", "end_date": ""})
    assert ok.status_code == 302
    page = tc.get(path)
    assert "Set up: Amlodipine, daily at 08:00, 20:00" in page.text
    assert "08:00 20:00" in page.text and "Home Elder-Care Centre" in page.text
    sid = re.search(r'id="schedule-(\d+)"', page.text).group(1)
    r = tc.post(f"{path}/{sid}/pause", data={"csrf_token": token, "paused": "1"})
    assert r.status_code == 302 and "Paused" in tc.get(path).text
    audit = staff_client(app, "admin").get("/api/v1/audit")["items"]
    assert {"medication.create", "medication.pause"} <= {e["action"] for e in audit}

    # Health-centre staff see the schedule but cannot delete elder-care's.
    nurse = app.test_client()
    console_sign_in(nurse, "sun.li")
    page = nurse.get(path)
    assert "Amlodipine" in page.text and f"{path}/{sid}/delete" not in page.text
    r = nurse.post(f"{path}/{sid}/delete", data={"csrf_token": page_csrf(nurse, path)},
                   follow_redirects=True)
    assert "only their staff can change it" in r.text and "Amlodipine" in r.text


def test_other_departments_have_no_medication_page(app):
    tc = app.test_client()
    console_sign_in(tc, "zhang.wei")
    assert "/console/medication" not in tc.get("/console/queue").text
    r = tc.get("/console/medication")
    assert r.status_code == 403
    assert "Only elder-care and health-centre staff" in r.text


def test_elders_are_listed_as_the_reader_writes_a_list(app):
    from channel_core.identity.models import Household, Resident

    with app.extensions["portal"].db.session() as s:
        hid = s.query(Household.id).filter_by(address=H1).scalar()
        s.add(Resident(name="李桂兰", household_id=hid, is_elder=True))
    tc = app.test_client()
    console_sign_in(tc, "zhao.min")
    path = household_path(tc)
    for lang, shown in (("en", "王秀英 and 李桂兰"), ("zh_CN", "王秀英和李桂兰"),
                        ("zh_TW", "王秀英和李桂兰")):
        index = tc.get(f"/console/medication?lang={lang}").text
        assert f"<td>{shown}</td>" in index, lang
        assert f'<p class="muted">{shown} · ' in tc.get(path).text, lang
    assert "、" not in tc.get("/console/medication?lang=en").text
