"""Report callers joining and leaving the agents' queue; list them; pick one up.

The channel holding the call (the hotline) is the only source of truth for who is waiting:
it reports each caller when they join, again while they wait (their position), and when they
leave. A report that stops coming (a hotline worker died mid-call) goes stale after
STALE_AFTER and the caller drops off the list rather than waiting there forever.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import cast

from sqlalchemy import CursorResult, select, update
from sqlalchemy.orm import Session

from channel_core.actors import Actor
from channel_core.agent_queue.models import QueuedCall
from channel_core.db import utcnow
from channel_core.errors import Conflict, Forbidden, Gone, NotFound
from channel_core.identity.models import Resident, StaffUser

STALE_AFTER = timedelta(minutes=10)
LEFT_REASONS = ("answered", "hung_up", "timeout", "voicemail", "callback", "other")


@dataclass(frozen=True)
class CallReport:
    """What the channel knows of a waiting caller."""

    call_ref: str
    queue: str
    lang: str
    caller: str | None = None
    topic: str | None = None
    matter_numbers: tuple[str, ...] = field(default_factory=tuple)
    position: int | None = None


def phone_forms(phone: str) -> set[str]:
    """The ways one mainland number is written: with and without +86, spaces dropped."""
    digits = phone.strip().replace(" ", "").replace("-", "")
    forms = {digits}
    if digits.startswith("+86"):
        forms.add(digits[3:])
    elif digits.startswith("1") and len(digits) == 11:
        forms.add("+86" + digits)
    return forms


def _resident_for(session: Session, phone: str | None) -> int | None:
    if not phone:
        return None
    return session.scalar(select(Resident.id).where(Resident.phone.in_(phone_forms(phone))))


def _owned(session: Session, channel: str, call_ref: str) -> QueuedCall | None:
    call = session.scalar(select(QueuedCall).where(QueuedCall.call_ref == call_ref))
    if call is not None and call.channel != channel:
        raise Forbidden("problem.call.not_yours")
    return call


def report_waiting(session: Session, channel: str, report: CallReport,
                   now: datetime | None = None) -> QueuedCall:
    """A caller joined the queue, or is still in it (safe to repeat: webhooks are retried)."""
    now = now or utcnow()
    call = _owned(session, channel, report.call_ref)
    if call is None:
        call = QueuedCall(call_ref=report.call_ref, channel=channel, status="waiting",
                          joined_at=now, resident_id=_resident_for(session, report.caller))
        session.add(call)
    elif call.status == "left":  # back in the queue ("keep waiting"): a new wait
        call.status, call.joined_at = "waiting", now
        call.picked_up_by = call.picked_up_at = call.left_at = call.left_reason = None
    call.queue, call.lang, call.caller = report.queue, report.lang, report.caller
    call.topic, call.position = report.topic, report.position
    call.matter_numbers = list(report.matter_numbers)
    call.updated_at = now
    session.flush()
    return call


def report_left(session: Session, channel: str, call_ref: str, reason: str,
                now: datetime | None = None) -> QueuedCall:
    """The caller is out of the queue (answered, hung up, timed out...); repeating is harmless."""
    call = _owned(session, channel, call_ref)
    if call is None:
        raise NotFound("problem.call.unknown")
    if call.status != "left":
        now = now or utcnow()
        call.status, call.left_at, call.updated_at = "left", now, now
        call.left_reason = reason if reason in LEFT_REASONS else "other"
    return call


def in_queue(session: Session, now: datetime | None = None) -> list[QueuedCall]:
    """Callers waiting or just picked up, longest waiting first (stale reports left out)."""
    now = now or utcnow()
    return list(session.scalars(
        select(QueuedCall).where(QueuedCall.status.in_(("waiting", "picked_up")),
                                 QueuedCall.updated_at > now - STALE_AFTER)
        .order_by(QueuedCall.joined_at, QueuedCall.id)))


def get(session: Session, call_ref: str) -> QueuedCall:
    call = session.scalar(select(QueuedCall).where(QueuedCall.call_ref == call_ref))
    if call is None:
        raise NotFound("problem.call.unknown")
    return call


def pick_up(session: Session, call_ref: str, agent: Actor,
            now: datetime | None = None) -> QueuedCall:
    """An agent takes the caller; a second agent is told who has them (409).

    One conditional UPDATE decides, so two agents clicking at once cannot both win.
    """
    now = now or utcnow()
    taken = session.execute(
        update(QueuedCall)
        .where(QueuedCall.call_ref == call_ref, QueuedCall.status == "waiting",
               QueuedCall.updated_at > now - STALE_AFTER)
        .values(status="picked_up", picked_up_by=agent.id, picked_up_at=now, updated_at=now)
        .execution_options(synchronize_session=False))
    won = cast(CursorResult, taken).rowcount == 1
    call = session.scalar(select(QueuedCall).where(QueuedCall.call_ref == call_ref)
                          .execution_options(populate_existing=True))
    if call is None:
        raise NotFound("problem.call.unknown")
    if won or (call.status == "picked_up" and call.picked_up_by == agent.id):
        return call
    if call.status != "picked_up":
        raise Gone("problem.call.gone")
    other = session.get(StaffUser, call.picked_up_by) if call.picked_up_by else None
    raise Conflict("problem.call.taken", agent=other.name if other else "?")
