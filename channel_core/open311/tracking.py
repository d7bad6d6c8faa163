"""GET requests: find matters by the GeoReport query parameters and show their public view."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session
from werkzeug.datastructures import MultiDict

from channel_core.catalog.catalog import Catalog
from channel_core.db import utcnow
from channel_core.errors import ValidationFailed
from channel_core.matters import numbers
from channel_core.matters.models import Matter, MatterEvent
from channel_core.open311.attributes import DOMAIN
from channel_core.open311.intake import INTAKE_EVENT
from channel_core.workflows import engine
from channel_core.workflows.schema import WorkflowDef
from channel_render.clock import COMMUNITY_TZ
from portal_client.i18n import gettext, pick

MAX_SPAN = timedelta(days=90)
MAX_RESULTS = 1000
STATUSES = ("open", "closed")
_CHUNK = 500


@dataclass(frozen=True)
class RequestQuery:
    """What GET requests asked for; ids override every other filter (as the spec says)."""

    numbers: tuple[str, ...] = ()
    service_codes: tuple[str, ...] = ()
    start: datetime | None = None
    end: datetime | None = None
    statuses: tuple[str, ...] = field(default=STATUSES)


@dataclass(frozen=True)
class ServiceRequest:
    """One service request as GeoReport shows it: the matter's public tracking view."""

    service_request_id: str
    status: str
    status_notes: str
    service_name: str
    service_code: str
    description: str | None
    agency_responsible: str
    service_notice: str
    requested_datetime: str
    updated_datetime: str
    expected_datetime: str | None
    address: str | None
    address_id: str | None
    zipcode: str | None
    lat: float | None
    long: float | None
    media_url: str | None


def _split(raw: str | None) -> tuple[str, ...]:
    return tuple(p.strip() for p in (raw or "").split(",") if p.strip())


def _moment(raw: str, name: str, lang: str) -> datetime:
    try:
        value = datetime.fromisoformat(raw.strip())
    except ValueError as exc:
        raise ValidationFailed(errors={name: gettext(DOMAIN, "error.datetime", lang)}) from exc
    return value if value.tzinfo else value.replace(tzinfo=COMMUNITY_TZ)


def parse_query(args: MultiDict, lang: str, now: datetime | None = None) -> RequestQuery:
    """The query parameters, or ValidationFailed naming each unusable one in `lang`."""
    ids = _split(args.get("service_request_id"))
    if ids:
        bad = [i for i in ids if not numbers.is_valid(i)]
        if bad:
            raise ValidationFailed(errors={"service_request_id": gettext(
                "core", "problem.matter.number_invalid", lang)})
        return RequestQuery(numbers=tuple(numbers.normalize(i) for i in ids))
    statuses = tuple(s.lower() for s in _split(args.get("status"))) or STATUSES
    if any(s not in STATUSES for s in statuses):
        raise ValidationFailed(errors={"status": gettext(DOMAIN, "error.status", lang)})
    now = now or utcnow()
    start = _moment(args["start_date"], "start_date", lang) if args.get("start_date") else None
    end = _moment(args["end_date"], "end_date", lang) if args.get("end_date") else None
    if end is None:
        end = now if start is None else min(now, start + MAX_SPAN)
    if start is None:
        start = end - MAX_SPAN
    if end < start or end - start > MAX_SPAN:
        raise ValidationFailed(errors={"end_date": gettext(DOMAIN, "error.date_span", lang)})
    return RequestQuery(service_codes=_split(args.get("service_code")), start=start, end=end,
                        statuses=statuses)


def find(session: Session, query: RequestQuery) -> list[Matter]:
    """The matching matters, newest first, at most MAX_RESULTS."""
    stmt = select(Matter).where(Matter.number.is_not(None))
    if query.numbers:
        stmt = stmt.where(Matter.number.in_(query.numbers))
    else:
        if query.service_codes:
            stmt = stmt.where(Matter.service_id.in_(query.service_codes))
        if set(query.statuses) != set(STATUSES):
            stmt = stmt.where(Matter.is_open.is_("open" in query.statuses))
        if query.start is not None:
            stmt = stmt.where(Matter.created_at >= query.start)
        if query.end is not None:
            stmt = stmt.where(Matter.created_at <= query.end)
    stmt = stmt.order_by(Matter.created_at.desc(), Matter.id.desc()).limit(MAX_RESULTS)
    return list(session.scalars(stmt))


def _events(session: Session, ids: Sequence[int]) -> tuple[dict[int, dict], dict[int, str]]:
    """Per matter: the 311 envelope it was filed with, and its latest public note."""
    envelopes: dict[int, dict] = {}
    notes: dict[int, str] = {}
    for i in range(0, len(ids), _CHUNK):
        stmt = select(MatterEvent).where(
            MatterEvent.matter_id.in_(ids[i:i + _CHUNK]),
            or_(MatterEvent.kind == INTAKE_EVENT,
                and_(MatterEvent.public.is_(True), MatterEvent.note.is_not(None),
                     MatterEvent.kind.in_(("transition", "reply"))))).order_by(MatterEvent.id)
        for e in session.scalars(stmt):
            if e.kind == INTAKE_EVENT:
                envelopes[e.matter_id] = e.data or {}
            elif e.note and e.note.strip():
                notes[e.matter_id] = e.note.strip()
    return envelopes, notes


def _w3c(moment: datetime | None) -> str | None:
    return moment.astimezone(COMMUNITY_TZ).isoformat(timespec="seconds") if moment else None


def describe(session: Session, catalog: Catalog, found: Sequence[Matter],
             lang: str) -> list[ServiceRequest]:
    """The public GeoReport view of each matter; only what a 311 client itself sent is shown."""
    envelopes, notes = _events(session, [m.id for m in found])
    workflows: dict[str, WorkflowDef] = {}
    out: list[ServiceRequest] = []
    for m in found:
        wf = workflows.get(m.workflow_hash)
        if wf is None:
            wf = workflows[m.workflow_hash] = engine.workflow_of(session, m)
        state = wf.states[m.state]
        label = pick(state.label.model_dump(), lang)
        note = notes.get(m.id)
        svc = catalog.service(m.service_id)
        dep = catalog.tree.departments.get(m.department)
        env = envelopes.get(m.id, {})
        assert m.number is not None
        out.append(ServiceRequest(
            service_request_id=m.number, status="open" if m.is_open else "closed",
            status_notes=f"{label} — {note}" if note else label,
            service_name=pick(svc.title.model_dump(), lang) if svc else m.service_id,
            service_code=m.service_id, description=env.get("description"),
            agency_responsible=pick(dep.name.model_dump(), lang) if dep else m.department,
            service_notice=pick(state.next_step.model_dump(), lang) if state.next_step else "",
            requested_datetime=_w3c(m.created_at) or "",
            updated_datetime=_w3c(m.updated_at) or "", expected_datetime=_w3c(m.due_at),
            address=env.get("address_string"), address_id=env.get("address_id"), zipcode=None,
            lat=env.get("lat"), long=env.get("long"), media_url=env.get("media_url")))
    return out


def as_records(requests: Sequence[ServiceRequest]) -> list[dict]:
    return [asdict(r) for r in requests]
