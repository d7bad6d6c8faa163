"""How a submission is stored: one number per matter, every row complete, the reply from it."""

import json

import pytest
from sqlalchemy import inspect, select

from channel_core.actors import Actor
from channel_core.matters import numbers
from channel_core.matters import service as matters
from channel_core.matters.models import Matter, MatterClock, MatterEvent
from channel_core.notify.models import OutboxMessage
from channel_core.workflows import engine
from tests.channel_core.samples import sample_fields
from tests.conftest import client_for

KIOSK = Actor(kind="channel", channel="kiosk", name="kiosk")
REPAIR = {"area": "in_flat", "category": "plumbing", "location": "3号楼2单元501 卫生间",
          "description": "卫生间水管接口漏水", "phone": "13800000009"}


def _submit(state, session, fields=None, **kw):
    sub = matters.Submission(service_id="property.repair", fields=fields or dict(REPAIR),
                             channel="kiosk", lang="zh_CN", contact_name="张三",
                             contact_phone="13800000009", **kw)
    return matters.submit_matter(session, state.catalog, sub, KIOSK)


def _columns(obj) -> dict:
    return {c.key: getattr(obj, c.key) for c in inspect(obj).mapper.column_attrs}


def test_a_new_matter_is_complete_in_memory_and_in_the_database(any_app):
    state = any_app.extensions["portal"]
    with state.db.session() as s:
        done = _submit(state, s)
        m = done.matter
        # Nothing is left to load: reading any attribute costs no query.
        assert not inspect(m).unloaded and not inspect(m).expired_attributes
        assert inspect(m).persistent and m in s
        assert m.number == numbers.encode(m.id) and numbers.is_valid(m.number)
        event = done.history[0]
        assert not inspect(event).unloaded and inspect(event).persistent
        in_memory, event_in_memory = _columns(m), _columns(event)
    with state.db.session() as s:
        stored = s.get(Matter, in_memory["id"])
        assert _columns(stored) == in_memory
        assert _columns(s.get(MatterEvent, event_in_memory["id"])) == event_in_memory
        clocks = s.scalars(select(MatterClock).where(MatterClock.matter_id == stored.id)).all()
        wf = state.catalog.workflow("report")
        assert {c.name for c in clocks} == set(wf.clocks) and len(clocks) == len(wf.clocks)
        assert stored.due_at == max(c.deadline for c in clocks)
        assert all(c.stopped_at is None and c.breached_at is None for c in clocks)
        notice = s.scalars(select(OutboxMessage)
                           .where(OutboxMessage.matter_number == stored.number)).one()
        assert (notice.status, notice.attempts, notice.medium) == ("pending", 0, "sms")
        assert notice.next_attempt_at is not None and notice.created_at is not None


def test_numbers_follow_the_sequence_one_per_matter(any_app):
    state = any_app.extensions["portal"]
    ids = []
    for _ in range(3):
        with state.db.session() as s:
            ids.append(_submit(state, s).matter.id)
    with pytest.raises(RuntimeError):  # a rolled-back submission keeps nothing
        with state.db.session() as s:
            _submit(state, s)
            raise RuntimeError("client went away")
    with state.db.session() as s:
        ids.append(_submit(state, s).matter.id)
        rows = s.execute(select(Matter.id, Matter.number).where(Matter.id.in_(ids))).all()
    assert ids == sorted(ids) and len(set(ids)) == 4
    assert all(number == numbers.encode(mid) for mid, number in rows) and len(rows) == 4


def test_a_submitted_matter_can_move_on_in_the_same_transaction(any_app):
    state = any_app.extensions["portal"]
    staff = Actor(kind="staff", id=1, name="王主任", roles=frozenset({"staff", "supervisor"}),
                  department="property-office")
    with state.db.session() as s:
        m = _submit(state, s).matter
        matters.transition(s, state.catalog, m, "dispatch", staff, note="派单", lang="zh_CN")
        number = m.number
    with state.db.session() as s:
        back = matters.get_by_number(s, number)
        assert (back.state, back.version) == ("dispatched", 2)
        kinds = [e.kind for e in matters.events_of(s, back, include_internal=True)]
        assert kinds == ["created", "transition"]
        assert engine.workflow_of(s, back).name == "report"


def test_the_reply_shows_what_tracking_shows(any_app):
    c = client_for(any_app, "kiosk", "en")
    for service_id in ("property.repair", "property.complaint"):
        svc = c.service(service_id)
        raw = any_app.test_client().post(
            "/api/v1/matters", headers={"X-Channel-Token": "kiosk-test-token"},
            data=json.dumps({"service_id": svc.id, "channel": "kiosk", "lang": "en",
                             "fields": sample_fields(svc),
                             "contact": {"name": "张三", "phone": "13800000009"}}),
            content_type="application/json")
        assert raw.status_code == 201, raw.get_json()
        made = raw.get_json()
        tracked = any_app.test_client().get(f"/api/v1/matters/{made['number']}?lang=en")
        seen = tracked.get_json()
        assert made["history"] == seen["history"] and len(made["history"]) == 1
        for key in ("state", "state_label", "due_at", "version", "created_at", "next_step"):
            assert made[key] == seen[key]
