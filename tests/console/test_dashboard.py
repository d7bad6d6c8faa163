"""Dashboards: figures per department and date range, chart data, CSV export."""

from __future__ import annotations

import csv
import io
import json
import re
from datetime import date, timedelta

from tests.conftest import client_for, staff_client
from tests.console.conftest import console_sign_in, sample_fields


def _chart_data(html: str) -> dict:
    raw = re.search(r'<script type="application/json" id="dashboard-data">(.*?)</script>',
                    html, re.S).group(1)
    return json.loads(raw)


def _submit(app, service_id: str, channel: str):
    c = client_for(app, "chatbot" if channel == "wechat" else channel)  # files as itself
    return c.submit_matter(service_id, sample_fields(c.service(service_id)), channel)


def test_dashboard_counts_the_departments_matters_by_channel_and_day(app):
    for ch in ("kiosk", "kiosk", "hotline"):
        _submit(app, "property.repair", ch)
    _submit(app, "gov.sos", "tv")  # elder-care: not counted for the property office
    done = _submit(app, "property.complaint", "wechat")
    st = staff_client(app, "liu.fang")
    for t in ("dispatch", "start"):
        st.transition(done.number, t)
    st.transition(done.number, "answer", note="已处理")
    tc = app.test_client()
    console_sign_in(tc, "zhang.wei")
    page = tc.get("/console/dashboard").text
    data = _chart_data(page)
    by_channel = dict(zip(data["by_channel"]["keys"], data["by_channel"]["values"], strict=True))
    assert by_channel == {"kiosk": 2, "hotline": 1, "wechat": 1}
    assert data["by_day"]["values"][-1] == 4 and len(data["by_day"]["values"]) == 30
    assert data["by_family"]["keys"] == ["property"]
    assert dict(zip(data["top_services"]["keys"], data["top_services"]["values"], strict=True)) == {
        "property.repair": 3, "property.complaint": 1}
    assert set(data["state_hours"]["keys"]) >= {"accepted", "dispatched", "in_progress"}
    assert re.search(r'id="stat-total">4<', page)
    assert "chart.umd.min.js" in page


def test_csv_export_has_every_figure(app):
    _submit(app, "property.repair", "tv")
    tc = app.test_client()
    console_sign_in(tc, "zhang.wei")
    today = date.today().isoformat()
    r = tc.get(f"/console/dashboard.csv?from={today}&to={today}")
    assert r.status_code == 200 and r.mimetype == "text/csv"
    assert "attachment" in r.headers["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(r.data.decode("utf-8-sig"))))
    table = {(row[0], row[1]): row[3] for row in rows[1:]}
    assert table[("total", "matters")] == "1"
    assert table[("by_channel", "tv")] == "1"
    assert table[("by_day", today)] == "1"
    assert ("top_services", "property.repair") in table


def test_bad_or_reversed_dates_are_explained(app):
    tc = app.test_client()
    console_sign_in(tc, "zhang.wei")
    r = tc.get("/console/dashboard?from=2026-13-01")
    assert r.status_code == 200 and "That date was not valid" in r.text
    later, earlier = date.today(), date.today() - timedelta(days=3)
    r = tc.get(f"/console/dashboard?from={later}&to={earlier}")
    assert "they were swapped" in r.text
    assert f'value="{earlier}"' in r.text


def test_admin_sees_any_department_and_the_sos_log(app):
    sos = _submit(app, "gov.sos", "tv")
    tc = app.test_client()
    console_sign_in(tc, "admin")
    page = tc.get("/console/dashboard?department=elder-care").text
    log = re.search(r'id="sos-log".*?</section>', page, re.S).group(0)
    assert sos.number in log
    assert _chart_data(page)["by_channel"]["keys"] == ["tv"]
