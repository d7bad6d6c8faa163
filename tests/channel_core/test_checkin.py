"""Daily check-in: once a day from the TV; a missed one becomes a matter for elder care."""

from datetime import datetime, time, timedelta

from channel_core.care.checkin import local_today, raise_missed
from channel_render.clock import COMMUNITY_TZ
from tests.conftest import client_for, staff_client


def test_checkin_once_a_day_and_missed_checkin_raises_one_matter(any_app):
    state = any_app.extensions["portal"]
    tv1 = client_for(any_app, "tv")
    tv1.sign_in_box("STB-DEMO-0001")
    assert tv1.check_in()["created"] is True
    assert tv1.check_in()["created"] is False
    assert tv1.check_in_status()["checked_in"]
    local_noon = datetime.combine(local_today(), time(12, 0), COMMUNITY_TZ)
    before = raise_missed(state.db, state.catalog, time(23, 59), now=local_noon - timedelta(hours=12))
    assert before == []
    raised = raise_missed(state.db, state.catalog, time(10, 0), now=local_noon)
    again = raise_missed(state.db, state.catalog, time(10, 0), now=local_noon)
    # household 1 checked in today; household 2 (an elder with a TV box) did not
    assert len(raised) == 1 and again == []
    staff = staff_client(any_app, "zhao.min")
    m = staff.matter(raised[0])
    assert m.service_id == "gov.daily-checkin-missed" and m.raw["department"] == "elder-care"
    assert m.raw["contact_name"] == "陳美玲"
