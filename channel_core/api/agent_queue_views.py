"""The agents' queue: the hotline reports who is waiting for a person; agents at the
console's desk see them and pick one up, which opens the caller's identity and matters."""

from __future__ import annotations

import re
from datetime import datetime

from apiflask import APIBlueprint
from flask import request
from pydantic import Field
from sqlalchemy import select

from channel_core.actors import Actor
from channel_core.agent_queue import service as agent_queue
from channel_core.agent_queue.models import QueuedCall
from channel_core.api.auth_views import resident_json
from channel_core.api.context import (
    actor,
    channel,
    documents_body,
    parse_body,
    require_channel,
    require_staff,
    session_scope,
)
from channel_core.api.schemas import _In
from channel_core.db import utcnow
from channel_core.errors import BadRequest, Forbidden, Unauthorized
from channel_core.identity import service as identity
from channel_core.identity.models import Resident, StaffUser
from channel_core.matters.models import Matter

bp = APIBlueprint("agent_queue", __name__, url_prefix="/api/v1", tag="Agents' queue")
CALL_REF = re.compile(r"^[A-Za-z0-9_.:-]+$")


class QueuedCallIn(_In):
    queue: str = Field(min_length=1, max_length=64)
    lang: str = Field(min_length=2, max_length=8)
    caller: str | None = Field(default=None, max_length=32)
    topic: str | None = Field(default=None, max_length=64)
    matter_numbers: list[str] = Field(default_factory=list, max_length=20)
    position: int | None = Field(default=None, ge=1)


def _agent() -> Actor:
    """Staff who answer callers (merchants and providers do not)."""
    a = require_staff()
    if "provider" in a.roles and not a.is_admin:
        raise Forbidden("problem.auth.staff_only")
    return a


def _call_ref(call_ref: str) -> str:
    if len(call_ref) > 64 or not CALL_REF.match(call_ref):
        raise BadRequest("problem.call.ref")
    return call_ref


def call_json(s, call: QueuedCall, now: datetime) -> dict:
    """A queued call as agents (and the reporting channel) see it."""
    resident = s.get(Resident, call.resident_id) if call.resident_id else None
    agent = s.get(StaffUser, call.picked_up_by) if call.picked_up_by else None
    return {
        "call_ref": call.call_ref, "channel": call.channel, "queue": call.queue,
        "caller": call.caller, "lang": call.lang, "topic": call.topic,
        "matter_numbers": list(call.matter_numbers or ()), "position": call.position,
        "status": call.status, "joined_at": call.joined_at.isoformat(),
        "waited_s": max(0, int((now - call.joined_at).total_seconds())),
        "resident": {"id": resident.id, "name": resident.name, "is_elder": resident.is_elder}
        if resident else None,
        "picked_up_by": {"id": agent.id, "name": agent.name} if agent else None,
        "picked_up_at": call.picked_up_at.isoformat() if call.picked_up_at else None,
        "left_reason": call.left_reason,
    }


@bp.put("/agent-queue/<call_ref>")
@bp.doc(summary="Channel: a caller is waiting for an agent (repeat while they wait)")
@documents_body(QueuedCallIn)
def report_waiting(call_ref: str):
    ch = require_channel()
    body = parse_body(QueuedCallIn)
    report = agent_queue.CallReport(
        call_ref=_call_ref(call_ref), queue=body.queue, lang=body.lang, caller=body.caller,
        topic=body.topic, matter_numbers=tuple(body.matter_numbers), position=body.position)
    with session_scope() as s:
        call = agent_queue.report_waiting(s, ch, report)
        return call_json(s, call, utcnow())


@bp.delete("/agent-queue/<call_ref>")
@bp.doc(summary="Channel: the caller left the queue (reason: answered, hung_up, timeout, "
                "voicemail, callback, other)")
def report_left(call_ref: str):
    ch = require_channel()
    reason = request.args.get("reason", "other")
    with session_scope() as s:
        call = agent_queue.report_left(s, ch, _call_ref(call_ref), reason)
        return call_json(s, call, utcnow())


@bp.get("/agent-queue")
@bp.doc(summary="Staff: callers waiting for an agent, longest waiting first")
def waiting_calls():
    _agent()
    now = utcnow()
    with session_scope() as s:
        return {"items": [call_json(s, c, now) for c in agent_queue.in_queue(s, now)]}


@bp.get("/agent-queue/<call_ref>")
@bp.doc(summary="Channel or staff: one queued call (the channel learns who picked it up)")
def queued_call(call_ref: str):
    a = actor()
    if channel() is None and (a is None or a.kind != "staff"):
        raise Unauthorized("problem.auth.channel_required")
    with session_scope() as s:
        call = agent_queue.get(s, _call_ref(call_ref))
        if a is None and call.channel != channel():
            raise Forbidden("problem.call.not_yours")
        return call_json(s, call, utcnow())


@bp.post("/agent-queue/<call_ref>/pickup")
@bp.doc(summary="Staff: take a waiting caller; returns the call and the caller's identity "
                "and open matters (409 when another agent has them)")
def pick_up(call_ref: str):
    a = _agent()
    now = utcnow()
    with session_scope() as s:
        call = agent_queue.pick_up(s, _call_ref(call_ref), a, now)
        out = {"call": call_json(s, call, now), "resident": None}
        if call.resident_id is not None:
            res = s.get(Resident, call.resident_id)
            if res is not None:
                resident = resident_json(s, res)
                resident["open_matters"] = list(s.scalars(
                    select(Matter.number).where(Matter.resident_id == res.id,
                                                Matter.is_open.is_(True))
                    .order_by(Matter.id.desc()).limit(10)))
                out["resident"] = resident
        identity.audit(s, a, "call.pickup", call.call_ref,
                       {"resident_id": call.resident_id}, request.remote_addr)
        return out
