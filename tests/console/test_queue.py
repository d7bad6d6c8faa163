"""The department queue: scoping, filters, search, urgent order, SLA colours, SOS alert."""

from __future__ import annotations

import re
from datetime import timedelta

from channel_core.db import utcnow
from channel_core.jobs import core_jobs
from tests.conftest import client_for
from tests.console.conftest import console_sign_in, kiosk_submission, sample_fields


def _numbers(html: str) -> list[str]:
    return re.findall(r'<tr class="[^"]*" data-number="(\d{9})"', html)


def _submit(app, service_id: str, channel: str, phone: str = "13800000002"):
    c = client_for(app, "chatbot" if channel == "wechat" else channel)  # a channel files as itself
    return c.submit_matter(service_id, sample_fields(c.service(service_id)), channel,
                           contact={"name": "李建国", "phone": phone})


def test_queue_shows_only_the_department_and_filters(app):
    repair = _submit(app, "property.repair", "kiosk")
    complaint = _submit(app, "property.complaint", "hotline", phone="13800000004")
    sos = _submit(app, "gov.sos", "tv")
    tc = app.test_client()
    console_sign_in(tc, "zhang.wei")
    page = tc.get("/console/queue").text
    shown = _numbers(page)
    assert repair.number in shown and complaint.number in shown
    assert sos.number not in shown  # elder-care's matter
    assert _numbers(tc.get("/console/queue?channel=hotline").text) == [complaint.number]
    assert _numbers(tc.get(f"/console/queue?q={repair.number}").text) == [repair.number]
    assert _numbers(tc.get("/console/queue?q=13800000004").text) == [complaint.number]
    assert _numbers(tc.get("/console/queue?service_id=property.repair").text) == [repair.number]
    assert _numbers(tc.get("/console/queue?state=dispatched").text) == []
    # Unknown filter values are ignored rather than passed on; a bad page is page 1.
    assert set(_numbers(tc.get("/console/queue?channel=fax&page=zz").text)) == set(shown)


def test_overdue_and_escalated_come_first_in_red(app):
    first = _submit(app, "property.complaint", "kiosk")
    later = _submit(app, "property.repair", "kiosk")
    state = app.extensions["portal"]
    # The repair's 2-hour accept clock runs out; the complaint's is longer.
    core_jobs.check_clocks(state.db, state.catalog, now=utcnow() + timedelta(hours=3))
    tc = app.test_client()
    console_sign_in(tc, "liu.fang")
    page = tc.get("/console/queue").text
    assert _numbers(page)[0] == later.number
    row = re.search(rf'<tr class="([^"]*)" data-number="{later.number}"', page).group(1)
    assert row in ("sla-escalated", "sla-overdue")
    assert "Overdue matters: 1." in page
    overdue = _numbers(tc.get("/console/queue?sla=overdue").text)
    assert overdue == [later.number] and first.number not in overdue


def test_pages_of_twenty_five(app):
    made = [_submit(app, "property.sanitation-report", "kiosk").number for _ in range(27)]
    tc = app.test_client()
    console_sign_in(tc, "zhang.wei")
    p1 = tc.get("/console/queue?order=newest")
    p2 = tc.get("/console/queue?order=newest&page=2")
    assert "Page 1 of 2" in p1.text and "Page 2 of 2" in p2.text
    assert _numbers(p1.text) == list(reversed(made))[:25]
    assert _numbers(p2.text) == list(reversed(made))[25:]


def test_sos_raises_an_alert_for_the_elder_care_centre(app):
    sos = _submit(app, "gov.sos", "tv")
    tc = app.test_client()
    console_sign_in(tc, "zhao.min")
    page = tc.get("/console/queue").text
    alert = re.search(r'id="sos-alert".*?</div>', page, re.S).group(0)
    assert sos.number in alert and "SOS waiting for an answer: 1" in alert


def test_queue_in_each_language(app):
    kiosk_submission(app, "property.repair")
    tc = app.test_client()
    console_sign_in(tc, "zhang.wei", lang="zh_TW")
    page = tc.get("/console/queue").text
    assert "工單佇列" in page and "物業報修" in page
    page = tc.get("/console/queue?lang=zh_CN").text
    assert "工单队列" in page and "物业报修" in page
    assert not re.search(r">\s*(queue|matter|sla|channel)\.[a-z_]+\s*<", page)
    page = tc.get("/console/queue?lang=en").text
    assert "Report a repair" in page
