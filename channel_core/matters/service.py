"""Submitting, reading and advancing matters; every state change notifies the resident."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime
from typing import TypeVar

from sqlalchemy import Table, bindparam, func, insert, select, text, update
from sqlalchemy.orm import Session, make_transient_to_detached

from channel_core.actors import Actor
from channel_core.catalog.catalog import Catalog
from channel_core.catalog.schema import ServiceDef
from channel_core.db import utcnow
from channel_core.errors import Conflict, Forbidden, NotFound, ValidationFailed
from channel_core.identity.models import Household, Resident
from channel_core.matters import numbers, search
from channel_core.matters.models import Matter, MatterClock, MatterEvent
from channel_core.matters.validate import fee_minor, validate_fields
from channel_core.notify.outbox import Notice, enqueue
from channel_core.workflows import engine
from portal_client.i18n import gettext, pick

R = TypeVar("R", Matter, MatterEvent)
CHANNELS = ("kiosk", "tv", "hotline", "chatbot", "wechat", "web", "console", "open311", "sms")
# The catalog's `channels:` medium each matter channel is offered through (WeChat is a
# connector of the chatbot); web, open311 and sms carry whatever any resident medium offers.
MEDIUM = {"kiosk": "kiosk", "tv": "tv", "hotline": "hotline", "chatbot": "chatbot",
          "wechat": "chatbot"}
# The matter channels a channel credential may file as: its own, plus its connectors.
FILES_AS = {"chatbot": frozenset({"chatbot", "wechat"})}
NOTIFY_MEDIA = ("sms", "inbox", "wechat", "chat")


@dataclass(frozen=True)
class Submission:
    service_id: str
    fields: dict
    channel: str
    lang: str
    contact_name: str | None = None
    contact_phone: str | None = None
    notify_via: str | None = None
    notify_address: str | None = None
    client_ref: str | None = None
    on_behalf_of: int | None = None  # a resident id, when staff file for a caller


def offered_on(service: ServiceDef, channel: str) -> bool:
    """Whether residents may file `service` through `channel` (its `channels:` list)."""
    medium = MEDIUM.get(channel)
    if medium is None:
        return bool(service.channels)
    return medium in service.channels


def may_file_as(credential_channel: str, channel: str) -> bool:
    """Whether a channel credential may file a matter as `channel` (its own, or a connector)."""
    return channel in FILES_AS.get(credential_channel, frozenset({credential_channel}))


def _request_hash(sub: Submission, resident_id: int | None) -> str:
    body = json.dumps([sub.service_id, sub.fields, sub.channel, sub.contact_phone, resident_id],
                      sort_keys=True, default=str, ensure_ascii=False)
    return hashlib.sha256(body.encode()).hexdigest()


@dataclass(frozen=True)
class Submitted:
    """The outcome of a submission; `history` is the new matter's events (None for a replay)."""

    matter: Matter
    created: bool
    history: list[MatterEvent] | None


def submit(session: Session, catalog: Catalog, sub: Submission, actor: Actor,
           now: datetime | None = None) -> tuple[Matter, bool]:
    """Validate and store a submission; returns (matter, created). Replays return the original."""
    done = submit_matter(session, catalog, sub, actor, now)
    return done.matter, done.created


def submit_matter(session: Session, catalog: Catalog, sub: Submission, actor: Actor,
                  now: datetime | None = None) -> Submitted:
    """`submit`, also handing back the events written, so a reply needs no re-read."""
    now = now or utcnow()
    lang = sub.lang
    resident_id = actor.id if actor.kind == "resident" else None
    if actor.kind == "staff" and sub.on_behalf_of is not None:
        if session.get(Resident, sub.on_behalf_of) is None:
            raise NotFound("problem.resident.unknown")
        resident_id = sub.on_behalf_of
    if sub.client_ref:
        existing = session.scalar(select(Matter).where(Matter.client_ref == sub.client_ref))
        if existing is not None:
            if existing.request_hash != _request_hash(sub, resident_id):
                raise Conflict("problem.client_ref.reused")
            return Submitted(existing, False, None)
    service = catalog.service(sub.service_id)
    if service is None:
        raise NotFound("problem.service.unknown", service=sub.service_id)
    errors: dict[str, str] = {}
    if sub.channel not in CHANNELS:
        errors["channel"] = gettext("core", "field.choice", lang)
    elif actor.kind not in ("staff", "system") and not offered_on(service, sub.channel):
        raise Forbidden("problem.service.not_on_channel", service=service.id, channel=sub.channel)
    values, field_errors = validate_fields(service, sub.fields, lang)
    errors.update({f"fields.{k}" if k != "fields" else k: v for k, v in field_errors.items()})
    if service.requires_identity and resident_id is None:
        raise_identity = True
    else:
        raise_identity = False
    if sub.notify_via is not None and sub.notify_via not in NOTIFY_MEDIA:
        errors["notify_via"] = gettext("core", "field.choice", lang)
    if errors:
        raise ValidationFailed(errors=errors)
    if raise_identity:
        from channel_core.errors import Unauthorized

        raise Unauthorized("problem.identity.required")
    wf = catalog.workflow(service.workflow)
    assert wf is not None  # the loader checked the reference
    household_id = actor.household_id
    contact_phone, contact_name = sub.contact_phone, sub.contact_name
    if resident_id is not None:
        res = session.get(Resident, resident_id)
        if res is not None:
            household_id = household_id or res.household_id
            contact_phone = contact_phone or res.phone
            contact_name = contact_name or res.name
    notify_via = sub.notify_via or ("inbox" if (resident_id or household_id) else
                                    "sms" if contact_phone else None)
    notify_address = sub.notify_address or (contact_phone if notify_via == "sms" else None)
    clocks, due_at = engine.opening_clocks(wf, service, now)
    row = dict(
        service_id=service.id, family=service.family, workflow=wf.name,
        workflow_hash=engine.ensure_snapshot(session, wf), state=wf.initial, is_open=True,
        department=service.handler, channel=sub.channel, lang=lang, resident_id=resident_id,
        household_id=household_id, contact_name=contact_name, contact_phone=contact_phone,
        notify_via=notify_via, notify_address=notify_address, fields=values,
        amount_minor=fee_minor(service, values), currency=service.fee.currency,
        client_ref=sub.client_ref, request_hash=_request_hash(sub, resident_id),
        assignee_id=None, escalated=False, overdue=False, rating=None, version=1,
        created_at=now, updated_at=now, closed_at=None, due_at=due_at,
    )
    matter = _insert_matter(session, row, service)
    conn = session.connection()
    if clocks:
        conn.execute(_INSERT_CLOCKS, [dict(c, matter_id=matter.id) for c in clocks])
    event_row = dict(
        matter_id=matter.id, at=now, kind="created", actor_kind=actor.kind, actor_id=actor.id,
        actor_name=actor.name or actor.channel, transition=None, from_state=None,
        to_state=wf.initial, note=None, public=True, data={"channel": sub.channel})
    event_row["id"] = int(conn.execute(_INSERT_EVENT, event_row).scalar_one())
    event = _persistent(session, MatterEvent, event_row)
    notify_resident(session, catalog, matter, event)
    if service.workflow == "sos":
        page_department(session, catalog, matter, event, urgent=True)
    return Submitted(matter, True, [event])


def _table(model: type[Matter] | type[MatterClock] | type[MatterEvent]) -> Table:
    table = model.__table__
    assert isinstance(table, Table)
    return table


# A new matter is written with Core statements built once (the ORM's unit of work cost more
# CPU than everything else in a submission): on PostgreSQL its id comes from the sequence
# first, so the number is part of the INSERT; SQLite, without sequences, sets it after.
_MATTERS, _CLOCKS, _EVENTS = _table(Matter), _table(MatterClock), _table(MatterEvent)
_NEXTVAL = text("SELECT nextval('matters_id_seq')")
_INSERT_MATTER = insert(_MATTERS)
_INSERT_MATTER_ID = insert(_MATTERS).returning(_MATTERS.c.id)
_SET_NUMBER = (update(_MATTERS).where(_MATTERS.c.id == bindparam("b_id"))
               .values(number=bindparam("b_number"), search_text=bindparam("b_search_text")))
# RETURNING makes SQLAlchemy send all of a matter's clocks as one multi-row INSERT.
_INSERT_CLOCKS = insert(_CLOCKS).returning(_CLOCKS.c.id)
_INSERT_EVENT = insert(_EVENTS).returning(_EVENTS.c.id)


def _insert_matter(session: Session, row: dict, service: ServiceDef) -> Matter:
    """INSERT the matter's row with its number and search text; returns it as a persistent
    Matter."""
    session.flush()  # rows it may refer to (a resident added in this session) go first
    conn = session.connection()

    def numbered(matter_id: int) -> None:
        row["id"], row["number"] = matter_id, numbers.encode(matter_id)
        row["search_text"] = search.search_text(service, row["number"], row["contact_name"],
                                                row["contact_phone"], row["fields"])

    if conn.dialect.name == "postgresql":
        numbered(int(conn.execute(_NEXTVAL).scalar_one()))
        conn.execute(_INSERT_MATTER, row)
    else:
        new_id = conn.execute(_INSERT_MATTER_ID, dict(row, number=None, search_text=""))
        numbered(int(new_id.scalar_one()))
        conn.execute(_SET_NUMBER, {"b_id": row["id"], "b_number": row["number"],
                                   "b_search_text": row["search_text"]})
    return _persistent(session, Matter, row)


def _persistent(session: Session, model: type[R], row: dict) -> R:
    """The object for a row just INSERTed (every column given), attached to the session as
    if loaded from it: later changes to it are UPDATEs, and nothing is read back."""
    obj = model(**row)
    make_transient_to_detached(obj)
    session.add(obj)
    return obj


def get_by_number(session: Session, number: str, *, for_update: bool = False) -> Matter:
    """The matter with this number; ValidationFailed for a bad check digit, NotFound if absent."""
    n = numbers.normalize(number)
    if not numbers.is_valid(n):
        raise ValidationFailed("problem.matter.number_invalid", errors={"number": "check_digit"})
    stmt = select(Matter).where(Matter.number == n)
    if for_update:
        stmt = stmt.with_for_update()
    matter = session.scalar(stmt)
    if matter is None:
        raise NotFound("problem.matter.unknown", number=n)
    return matter


def events_of(session: Session, matter: Matter, *, include_internal: bool) -> list[MatterEvent]:
    """The matter's history, oldest first (public entries only unless include_internal)."""
    stmt = select(MatterEvent).where(MatterEvent.matter_id == matter.id).order_by(MatterEvent.id)
    if not include_internal:
        stmt = stmt.where(MatterEvent.public.is_(True))
    return list(session.scalars(stmt))


def transition(session: Session, catalog: Catalog, matter: Matter, name: str, actor: Actor, *,
               note: str | None, lang: str, expected_version: int | None = None,
               rating: int | None = None) -> MatterEvent:
    """Fire a workflow transition and notify the resident."""
    event = engine.fire(session, matter, name, actor, note=note, lang=lang,
                        expected_version=expected_version, rating=rating)
    notify_resident(session, catalog, matter, event)
    return event


def add_note(session: Session, matter: Matter, actor: Actor, text: str, *, public: bool,
             kind: str = "note") -> MatterEvent:
    event = MatterEvent(matter_id=matter.id, kind=kind, actor_kind=actor.kind, actor_id=actor.id,
                        actor_name=actor.name, note=text, public=public)
    session.add(event)
    matter.updated_at = utcnow()
    session.flush()
    return event


def reply(session: Session, catalog: Catalog, matter: Matter, actor: Actor, text: str) -> MatterEvent:
    """A staff reply: recorded publicly and delivered on the resident's chosen medium."""
    event = add_note(session, matter, actor, text, public=True, kind="reply")
    notify_resident(session, catalog, matter, event, body_override=text)
    return event


def state_label(session: Session, matter: Matter, lang: str) -> tuple[str, str]:
    """(state label, next step) in the given language."""
    wf = engine.workflow_of(session, matter)
    sdef = wf.states[matter.state]
    nxt = pick(sdef.next_step.model_dump(), lang) if sdef.next_step else ""
    return pick(sdef.label.model_dump(), lang), nxt


def notify_resident(session: Session, catalog: Catalog, matter: Matter, event: MatterEvent,
                    body_override: str | None = None) -> None:
    """Queue the notice of one event on the medium the resident chose (never twice)."""
    if not matter.notify_via:
        return
    lang = matter.lang
    service = catalog.service(matter.service_id)
    title = pick(service.title.model_dump(), lang) if service else matter.service_id
    label, nxt = state_label(session, matter, lang)
    if body_override is not None:
        body = gettext("core", "notice.matter.reply", lang, number=matter.number, service=title,
                       text=body_override)
        kind = "matter_reply"
    elif event.kind == "created":
        body = gettext("core", "notice.matter.created", lang, number=matter.number,
                       service=title, state=label, next=nxt)
        kind = "matter_created"
    else:
        body = gettext("core", "notice.matter.state", lang, number=matter.number, service=title,
                       state=label, next=nxt)
        kind = "matter_state"
    medium = matter.notify_via
    enqueue(session, Notice(
        medium=medium, kind=kind, title=f"{title} {matter.number}", body=body, lang=lang,
        dedupe_key=f"matter:{matter.number}:event:{event.id}:{medium}",
        address=matter.notify_address, resident_id=matter.resident_id,
        household_id=matter.household_id, matter_number=matter.number))


def channel_notice(session: Session, catalog: Catalog, matter: Matter, channel: str, text: str,
                   dedupe: str) -> bool:
    """A channel's own notice about its matter (an upload or pay link), sent once per dedupe."""
    medium = matter.notify_via or ("sms" if matter.contact_phone else None)
    if medium is None:
        return False
    address = matter.notify_address if matter.notify_via else matter.contact_phone
    service = catalog.service(matter.service_id)
    title = pick(service.title.model_dump(), matter.lang) if service else matter.service_id
    session.add(MatterEvent(matter_id=matter.id, kind="notice", actor_kind="channel",
                            actor_name=channel, note=text, public=False,
                            data={"dedupe": dedupe, "medium": medium}))
    return enqueue(session, Notice(
        medium=medium, kind="channel_notice", title=f"{title} {matter.number}", body=text,
        lang=matter.lang, dedupe_key=f"matter:{matter.number}:channel:{dedupe}",
        address=address, resident_id=matter.resident_id, household_id=matter.household_id,
        matter_number=matter.number))


def page_department(session: Session, catalog: Catalog, matter: Matter, event: MatterEvent,
                    *, urgent: bool = False) -> None:
    """Alert the handling department's staff (console alert, and SMS to its duty phone)."""
    dep = catalog.tree.departments.get(matter.department)
    service = catalog.service(matter.service_id)
    lang = "zh_CN"
    title = pick(service.title.model_dump(), lang) if service else matter.service_id
    key = "notice.staff.sos" if urgent else "notice.staff.overdue"
    body = gettext("core", key, lang, number=matter.number, service=title)
    enqueue(session, Notice(medium="staff", kind="sos" if urgent else "overdue", title=title,
                            body=body, lang=lang, address=matter.department,
                            dedupe_key=f"staff:{matter.number}:event:{event.id}",
                            matter_number=matter.number))
    if dep is not None and dep.phone:
        enqueue(session, Notice(medium="sms", kind="page", title=title, body=body, lang=lang,
                                address=dep.phone, matter_number=matter.number,
                                dedupe_key=f"page:{matter.number}:event:{event.id}"))


def household_of(session: Session, resident_id: int) -> Household | None:
    res = session.get(Resident, resident_id)
    return session.get(Household, res.household_id) if res and res.household_id else None


def count_by_state(session: Session) -> dict[str, int]:
    return dict(session.execute(select(Matter.state, func.count()).group_by(Matter.state)).all())
