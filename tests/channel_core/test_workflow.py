"""The 12345 loop worked by staff, roles and states enforced, overdue clocks escalate."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from channel_core.db import utcnow
from channel_core.jobs import core_jobs
from channel_core.matters.models import Matter
from channel_core.notify.models import InboxMessage, OutboxMessage
from portal_client import PortalProblem
from tests.channel_core.samples import sample_fields
from tests.conftest import client_for, staff_client


def _repair(app, resident=True):
    c = client_for(app, "kiosk", "zh_CN")
    if resident:
        c.sign_in_card("A1B2C3D4", "135790")
    svc = c.service("property.repair")
    return c, c.submit_matter(svc.id, sample_fields(svc), "kiosk")


def test_full_12345_loop(any_app):
    resident, m = _repair(any_app)
    staff = staff_client(any_app, "zhang.wei")
    sup = staff_client(any_app, "liu.fang")
    view = staff.matter(m.number)
    assert {t["name"] for t in view.allowed_transitions} == {"dispatch", "reject", "cancel"}
    m = staff.transition(m.number, "dispatch", expected_version=view.version)
    m = staff.transition(m.number, "start")
    with pytest.raises(PortalProblem) as err:
        staff.transition(m.number, "answer")  # needs a note
    assert err.value.status == 422
    m = staff.transition(m.number, "answer", note="已更换水管接头")
    m = resident.transition(m.number, "close")
    m = sup.transition(m.number, "follow_up")
    m = resident.transition(m.number, "rate", rating=5)
    assert m.state == "rated" and not m.is_open
    states = [h.to_state for h in resident.matter(m.number).history if h.to_state]
    assert states == ["accepted", "dispatched", "in_progress", "answered", "closed",
                      "follow_up", "rated"]
    # every state change reached the resident's inbox (through the outbox)
    state = any_app.extensions["portal"]
    core_jobs.deliver_outbox(state.db, state.senders)
    inbox = resident.inbox()
    assert len([i for i in inbox if i.matter_number == m.number]) == 7
    assert any("已评价" in i.body for i in inbox)


def test_roles_and_states_are_enforced(any_app):
    resident, m = _repair(any_app)
    staff = staff_client(any_app, "zhang.wei")
    other_dept = staff_client(any_app, "chen.jing")
    with pytest.raises(PortalProblem) as err:
        resident.transition(m.number, "dispatch")  # resident may not dispatch
    assert err.value.status == 403
    with pytest.raises(PortalProblem) as err:
        other_dept.transition(m.number, "dispatch")  # another department
    assert err.value.status == 403
    with pytest.raises(PortalProblem) as err:
        staff.transition(m.number, "close")  # not from accepted
    assert err.value.status == 409
    with pytest.raises(PortalProblem) as err:
        staff.transition(m.number, "escalate")  # supervisors and the system only
    assert err.value.status == 403
    stranger = client_for(any_app, "kiosk")
    stranger.sign_in_card("D4E5F6A7", "445566")
    with pytest.raises(PortalProblem) as err:
        stranger.transition(m.number, "cancel")
    assert err.value.status == 403


def test_two_staff_at_once_second_is_told(any_app):
    _, m = _repair(any_app)
    a = staff_client(any_app, "zhang.wei")
    b = staff_client(any_app, "liu.fang")
    version = a.matter(m.number).version
    a.transition(m.number, "dispatch", expected_version=version)
    with pytest.raises(PortalProblem) as err:
        b.transition(m.number, "reject", note="重复", expected_version=version)
    assert err.value.status == 409
    assert a.matter(m.number).state == "dispatched"


def test_overdue_clock_escalates_and_notifies(any_app):
    _, m = _repair(any_app)
    state = any_app.extensions["portal"]
    # Nothing is due yet.
    assert core_jobs.check_clocks(state.db, state.catalog) == 0
    later = utcnow() + timedelta(hours=2, seconds=30)  # accept SLA is 2h
    assert core_jobs.check_clocks(state.db, state.catalog, now=later) == 1
    assert core_jobs.check_clocks(state.db, state.catalog, now=later) == 0  # fires once
    staff = staff_client(any_app, "liu.fang")
    view = staff.matter(m.number)
    assert view.state == "escalated" and view.escalated and view.overdue
    with state.db.session() as s:
        pages = s.scalars(select(OutboxMessage).where(
            OutboxMessage.matter_number == m.number, OutboxMessage.medium == "staff")).all()
        assert len(pages) == 1
    core_jobs.deliver_outbox(state.db, state.senders)
    with state.db.session() as s:
        alerts = s.scalars(select(InboxMessage).where(InboxMessage.department == "property-office")).all()
        assert any(m.number in a.body for a in alerts)
    queue = staff.queue(sla="overdue")
    assert queue["items"][0]["number"] == m.number
    staff.transition(m.number, "dispatch")
    assert staff.matter(m.number).state == "dispatched"


def test_sos_pages_until_acknowledged_and_records_who(any_app):
    c = client_for(any_app, "tv")
    c.sign_in_box("STB-DEMO-0001")
    m = c.submit_matter("gov.sos", {}, "tv")
    state = any_app.extensions["portal"]
    with state.db.session() as s:
        first = len(s.scalars(select(OutboxMessage).where(
            OutboxMessage.matter_number == m.number, OutboxMessage.medium == "staff")).all())
    assert first == 1  # paged at once
    sla_ack = state.catalog.service("gov.sos").sla.accept
    from channel_core.catalog.schema import parse_duration

    t = utcnow() + parse_duration(sla_ack) + timedelta(seconds=5)
    assert core_jobs.check_clocks(state.db, state.catalog, now=t) == 1
    assert core_jobs.check_clocks(state.db, state.catalog, now=t + timedelta(seconds=61)) == 1
    with state.db.session() as s:
        pages = s.scalars(select(OutboxMessage).where(
            OutboxMessage.matter_number == m.number, OutboxMessage.medium == "staff")).all()
    assert len(pages) == 3
    staff = staff_client(any_app, "zhao.min")
    acked = staff.transition(m.number, "acknowledge")
    assert acked.state == "acknowledged"
    assert core_jobs.check_clocks(state.db, state.catalog, now=t + timedelta(seconds=200)) == 0
    raw = staff.matter(m.number).raw
    ack = next(h for h in raw["history"] if h.get("transition") == "acknowledge")
    assert ack["actor_name"] == "赵敏"


def test_workflow_edit_applies_to_new_matters_only(app):
    _, old = _repair(app)
    admin = staff_client(app, "admin")
    wf = admin.workflow("report")
    for t in wf["transitions"]:
        if t["name"] == "dispatch":
            t["label"]["en"] = "Send to team"
        if t["name"] == "reject":
            t["roles"] = ["supervisor"]  # plain staff may no longer reject
    admin.request("PUT", "/api/v1/workflows/report", json=wf)
    _, new = _repair(app)
    staff = staff_client(app, "zhang.wei")
    old_names = {t["name"] for t in staff.matter(old.number).allowed_transitions}
    new_names = {t["name"] for t in staff.matter(new.number).allowed_transitions}
    assert "reject" in old_names and "reject" not in new_names
    with app.extensions["portal"].db.session() as s:
        hashes = {m.workflow_hash for m in s.scalars(select(Matter))}
    assert len(hashes) == 2
