"""The one engine that moves every matter through its workflow template."""

from __future__ import annotations

import hashlib
import json
import weakref
from datetime import datetime, timedelta

from sqlalchemy import or_, select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from channel_core.actors import SYSTEM, Actor
from channel_core.catalog.schema import ServiceDef, parse_duration
from channel_core.db import utcnow
from channel_core.errors import Conflict, Forbidden, ValidationFailed
from channel_core.matters.models import Matter, MatterClock, MatterEvent, WorkflowSnapshot
from channel_core.workflows.schema import TransitionDef, WorkflowDef
from portal_client.i18n import gettext

# Snapshots are content-addressed and never change: each process keeps the ones it has seen.
_HASHES: dict[int, tuple[WorkflowDef, str]] = {}  # id(template) -> (template, hash)
# Per database (engine): hash -> template, only once it is committed there.
_SNAPSHOTS: weakref.WeakKeyDictionary[Engine, dict[str, WorkflowDef]] = weakref.WeakKeyDictionary()


def _committed(session: Session) -> dict[str, WorkflowDef]:
    engine = session.get_bind().engine
    known = _SNAPSHOTS.get(engine)
    if known is None:
        known = _SNAPSHOTS[engine] = {}
    return known


def snapshot_hash(wf: WorkflowDef) -> str:
    known = _HASHES.get(id(wf))
    if known is not None and known[0] is wf:
        return known[1]
    body = json.dumps(wf.model_dump(mode="json", by_alias=True), sort_keys=True, ensure_ascii=False)
    h = hashlib.sha256(body.encode()).hexdigest()
    _HASHES[id(wf)] = (wf, h)
    return h


def ensure_snapshot(session: Session, wf: WorkflowDef) -> str:
    """Store the template a new matter runs under (once per distinct template)."""
    h = snapshot_hash(wf)
    committed = _committed(session)
    if h in committed:
        return h
    if session.get(WorkflowSnapshot, h) is None:
        session.info.setdefault("uncommitted_snapshots", set()).add(h)
        with session.begin_nested():
            session.add(WorkflowSnapshot(hash=h, name=wf.name,
                                         definition=wf.model_dump(mode="json", by_alias=True)))
    else:
        committed[h] = wf  # committed by an earlier transaction: safe to trust from now on
    return h


def workflow_of(session: Session, matter: Matter) -> WorkflowDef:
    """The template the matter was created under, not today's edited one."""
    committed = _committed(session)
    wf = committed.get(matter.workflow_hash)
    if wf is None:
        snap = session.get(WorkflowSnapshot, matter.workflow_hash)
        assert snap is not None, matter.workflow_hash
        wf = WorkflowDef.model_validate(snap.definition)
        if matter.workflow_hash not in session.info.get("uncommitted_snapshots", ()):
            committed[matter.workflow_hash] = wf
    return wf


def roles_for(actor: Actor, matter: Matter) -> frozenset[str]:
    """The workflow roles this actor holds on this matter (empty: may not act at all)."""
    if actor.kind == "system":
        return frozenset({"system"})
    if actor.kind == "resident":
        own = matter.resident_id is not None and matter.resident_id == actor.id
        household = (actor.household_id is not None and matter.household_id == actor.household_id)
        return frozenset({"resident"}) if own or household else frozenset()
    if actor.kind == "staff":
        roles = set(actor.roles)
        if "admin" in roles:
            return frozenset(roles | {"staff", "supervisor"})
        if actor.department != matter.department:
            return frozenset()
        return frozenset(roles)
    return frozenset()


def allowed_transitions(session: Session, matter: Matter, actor: Actor) -> list[TransitionDef]:
    """Transitions from the matter's state that this actor may fire (the console's buttons)."""
    wf = workflow_of(session, matter)
    roles = roles_for(actor, matter)
    return [t for t in wf.available(matter.state) if roles & set(t.roles)]


def opening_clocks(wf: WorkflowDef, service: ServiceDef,
                   now: datetime) -> tuple[list[dict], datetime | None]:
    """The SLA clocks a new matter starts with (matter_clocks rows, less matter_id) and the
    latest of their deadlines (the matter's due_at)."""
    sla = service.sla.model_dump()
    rows: list[dict] = []
    due: datetime | None = None
    for name, clock in wf.clocks.items():
        deadline = now + clock.duration(sla)
        rows.append({"name": name, "deadline": deadline, "stopped_at": None, "breached_at": None,
                     "last_paged_at": None,
                     "repeat_s": int(parse_duration(clock.repeat).total_seconds())
                     if clock.repeat else None})
        due = deadline if due is None else max(due, deadline)
    return rows, due


def _stop_clocks(session: Session, matter: Matter, wf: WorkflowDef, now: datetime) -> None:
    clocks = session.scalars(select(MatterClock).where(
        MatterClock.matter_id == matter.id, MatterClock.stopped_at.is_(None))).all()
    for c in clocks:
        cdef = wf.clocks.get(c.name)
        if cdef is None or matter.state in cdef.stop_states or wf.states[matter.state].final:
            c.stopped_at = now
    if all(c.stopped_at is not None for c in clocks):
        matter.overdue = False


def fire(session: Session, matter: Matter, transition: str, actor: Actor, *,
         note: str | None = None, lang: str = "zh_CN", expected_version: int | None = None,
         rating: int | None = None, now: datetime | None = None) -> MatterEvent:
    """Apply one transition, or raise Forbidden (role) / Conflict (state or stale version)."""
    now = now or utcnow()
    wf = workflow_of(session, matter)
    tdef = wf.transition(transition)
    if expected_version is not None and expected_version != matter.version:
        raise Conflict("problem.matter.stale", number=matter.number)
    roles = roles_for(actor, matter)
    if not roles:
        raise Forbidden("problem.matter.not_yours", number=matter.number)
    if tdef is None or matter.state not in tdef.from_:
        raise Conflict("problem.transition.not_allowed", transition=transition, state=matter.state)
    if not roles & set(tdef.roles):
        raise Forbidden("problem.transition.role", transition=transition)
    if tdef.needs_note and not (note and note.strip()):
        raise ValidationFailed(errors={"note": gettext("core", "field.note_required", lang)})
    if transition == "rate":
        if rating is None or not 1 <= rating <= 5:
            raise ValidationFailed(errors={"rating": gettext("core", "field.rating", lang)})
        matter.rating = rating
    from_state = matter.state
    matter.state = tdef.to
    matter.is_open = wf.states[tdef.to].open and not wf.states[tdef.to].final
    matter.updated_at = now
    if not matter.is_open and matter.closed_at is None:
        matter.closed_at = now
    if tdef.to == "escalated" or transition == "escalate":
        matter.escalated = True
    event = MatterEvent(
        matter_id=matter.id, at=now, kind="transition", actor_kind=actor.kind, actor_id=actor.id,
        actor_name=actor.name, transition=transition, from_state=from_state, to_state=tdef.to,
        note=note, public=True, data={"rating": rating} if rating else None)
    session.add(event)
    _stop_clocks(session, matter, wf, now)
    session.flush()
    return event


def overdue_clocks(session: Session, now: datetime, limit: int = 500) -> list[MatterClock]:
    """Running clocks past their deadline that have not fired yet or are due to repeat."""
    rows = session.scalars(
        select(MatterClock)
        .where(MatterClock.stopped_at.is_(None), MatterClock.deadline <= now,
               # breached clocks only come back when they repeat (SOS paging); filtering
               # them here keeps the LIMIT from filling up with escalated matters
               or_(MatterClock.breached_at.is_(None), MatterClock.repeat_s.is_not(None)))
        .order_by(MatterClock.deadline).limit(limit)).all()
    due = []
    for c in rows:
        if c.breached_at is None:
            due.append(c)
        elif c.repeat_s and (c.last_paged_at or c.breached_at) + timedelta(seconds=c.repeat_s) <= now:
            due.append(c)
    return due


def breach(session: Session, clock: MatterClock, now: datetime) -> tuple[Matter, MatterEvent | None, bool]:
    """Record an overdue clock: mark the matter, fire its on_overdue transition if allowed.

    Returns (matter, transition event or None, first_breach).
    """
    matter = session.get(Matter, clock.matter_id)
    assert matter is not None
    wf = workflow_of(session, matter)
    first = clock.breached_at is None
    if first:
        clock.breached_at = now
    clock.last_paged_at = now
    matter.overdue = True
    session.add(MatterEvent(
        matter_id=matter.id, at=now, kind="overdue" if first else "page", actor_kind="system",
        actor_name="system", public=False,
        data={"clock": clock.name, "deadline": clock.deadline.isoformat()}))
    event = None
    cdef = wf.clocks.get(clock.name)
    if first and cdef and cdef.on_overdue:
        tdef = wf.transition(cdef.on_overdue)
        if tdef and matter.state in tdef.from_ and "system" in tdef.roles:
            event = fire(session, matter, tdef.name, SYSTEM, now=now)
    session.flush()
    return matter, event, first
