"""The agents' desk shows who is waiting in the hotline's agents' queue, as the hotline
reports it through the core; one click picks a caller up and opens who they are and their
open matters; nobody else can take them; they leave the list when the hotline says so."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
import sqlalchemy as sa

from portal_client import PortalProblem
from tests.conftest import client_for, staff_client
from tests.console.conftest import console_sign_in, csrf_of, kiosk_submission

ELDER_PHONE = "13800000001"  # 王秀英, the demo resident with one-card A1B2C3D4


def _row(html: str, call_ref: str) -> str:
    m = re.search(rf'<tr data-call="{call_ref}".*?</tr>', html, re.S)
    assert m, f"{call_ref} is not on the desk"
    return m.group(0)


def _pick_up(tc, call_ref: str):
    page = tc.get("/console/desk")
    return tc.post(f"/console/desk/calls/{call_ref}/pickup",
                   data={"csrf_token": csrf_of(page.text)})


def test_an_agent_picks_up_a_waiting_caller_and_sees_who_they_are(app):
    matter, _ = kiosk_submission(app, "property.repair", card=("A1B2C3D4", "135790"))
    hotline = client_for(app, "hotline")
    hotline.report_waiting_call("CA-elder-1", "community-agents", lang="zh_CN",
                                caller="+86" + ELDER_PHONE, topic="property", position=1)
    hotline.report_waiting_call("CA-stranger-2", "community-agents", lang="en",
                                caller="13900000000", position=2)

    agent = app.test_client()
    console_sign_in(agent, "chen.jing", lang="en")
    desk = agent.get("/console/desk").text
    elder = _row(desk, "CA-elder-1")
    assert "王秀英" in elder and "Elder" in elder and "Property" in elder
    assert "Pick up" in elder
    assert "13900000000" in _row(desk, "CA-stranger-2")
    assert desk.index("CA-elder-1") < desk.index("CA-stranger-2")  # longest waiting first

    r = _pick_up(agent, "CA-elder-1")
    assert r.status_code == 302 and "call=CA-elder-1" in r.headers["Location"]
    opened = agent.get(r.headers["Location"]).text
    assert 'id="on-the-line"' in opened and "You picked up 王秀英" in opened
    card = re.search(r'id="caller-card".*?</ul>', opened, re.S).group(0)
    assert "王秀英" in card and matter.number in card  # identity and open matters
    assert "You have this caller" in _row(opened, "CA-elder-1")

    # The hotline learns who has the caller (to put them through).
    assert hotline.queued_call("CA-elder-1").picked_up_by["name"] == "陈静"

    # A second agent is told, and nothing changes hands.
    other = app.test_client()
    console_sign_in(other, "liu.fang", lang="en")
    assert "Picked up by 陈静" in _row(other.get("/console/desk").text, "CA-elder-1")
    r = _pick_up(other, "CA-elder-1")
    assert r.status_code == 302
    assert "陈静 has already picked up that caller." in other.get(r.headers["Location"]).text
    assert hotline.queued_call("CA-elder-1").picked_up_by["name"] == "陈静"

    # Put through: the hotline reports the caller out of the queue; the list refreshes.
    hotline.report_call_left("CA-elder-1", "answered")
    calls = agent.get("/console/desk/calls").text
    assert "CA-elder-1" not in calls and "CA-stranger-2" in calls
    r = _pick_up(other, "CA-elder-1")
    assert "That caller is no longer waiting." in other.get(r.headers["Location"]).text

    audit = staff_client(app, "admin").get("/api/v1/audit")["items"]
    assert any(e["action"] == "call.pickup" and e["target"] == "CA-elder-1" for e in audit)


def test_a_caller_unknown_to_the_portal_opens_their_matters_by_phone(app):
    kiosk = client_for(app, "kiosk")
    svc = kiosk.service("property.repair")
    from tests.console.conftest import sample_fields

    filed = kiosk.submit_matter("property.repair", sample_fields(svc), "kiosk",
                                contact={"name": "路人", "phone": "13900000077"})
    client_for(app, "hotline").report_waiting_call("CA-3", "community-agents", lang="zh_CN",
                                                   caller="13900000077")
    agent = app.test_client()
    console_sign_in(agent, "zhang.wei", lang="en")
    r = _pick_up(agent, "CA-3")
    page = agent.get(r.headers["Location"]).text
    assert 'id="caller-unknown"' in page and filed.number in page


def test_waiting_calls_through_the_api(any_app):
    hotline = client_for(any_app, "hotline")
    waiting = hotline.report_waiting_call("CA-9", "community-agents", lang="zh_CN",
                                          caller=ELDER_PHONE, matter_numbers=["100000015"])
    assert waiting.status == "waiting" and waiting.resident["name"] == "王秀英"
    # Reported again while waiting (Twilio retries, position updates): still one caller.
    hotline.report_waiting_call("CA-9", "community-agents", lang="zh_CN", caller=ELDER_PHONE,
                                position=3)
    agent = staff_client(any_app, "chen.jing")
    assert [(c.call_ref, c.position) for c in agent.waiting_calls()] == [("CA-9", 3)]
    picked = agent.pick_up_call("CA-9")
    assert picked.call.status == "picked_up" and picked.resident["name"] == "王秀英"
    assert agent.pick_up_call("CA-9").call.status == "picked_up"  # a double click is fine
    with pytest.raises(PortalProblem) as err:
        staff_client(any_app, "zhang.wei").pick_up_call("CA-9")
    assert err.value.status == 409 and "陈静" in err.value.detail

    # Only the channel holding the call reports it; only staff who answer calls see the queue.
    with pytest.raises(PortalProblem) as err:
        client_for(any_app, "kiosk").report_call_left("CA-9", "answered")
    assert err.value.status == 403
    with pytest.raises(PortalProblem) as err:
        client_for(any_app, "kiosk").waiting_calls()
    assert err.value.status == 401
    with pytest.raises(PortalProblem) as err:
        staff_client(any_app, "canteen").waiting_calls()
    assert err.value.status == 403
    with pytest.raises(PortalProblem) as err:
        hotline.report_waiting_call("bad ref!", "community-agents")
    assert err.value.status in (400, 404)


def test_a_caller_no_longer_reported_drops_off_the_list(any_app):
    hotline = client_for(any_app, "hotline")
    hotline.report_waiting_call("CA-lost", "community-agents", caller="13900000001")
    from channel_core.agent_queue.models import QueuedCall

    calls = QueuedCall.__table__
    with any_app.extensions["portal"].db.engine.begin() as conn:
        old = conn.execute(sa.select(calls.c.updated_at)).scalar_one() - timedelta(minutes=11)
        conn.execute(sa.update(calls).values(updated_at=old, joined_at=old))
    agent = staff_client(any_app, "chen.jing")
    assert agent.waiting_calls() == []
    with pytest.raises(PortalProblem) as err:
        agent.pick_up_call("CA-lost")
    assert err.value.status == 410


def test_merchants_get_no_waiting_calls(app):
    client_for(app, "hotline").report_waiting_call("CA-5", "community-agents", caller="1390000")
    merchant = app.test_client()
    console_sign_in(merchant, "canteen", lang="en")
    page = merchant.get("/console/desk")
    assert page.status_code == 200 and "waiting-calls" not in page.text
    assert merchant.get("/console/desk/calls").status_code == 403
