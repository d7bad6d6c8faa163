"""Matter endpoints: submit, track, list, transitions, notes, replies, assignment."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

from apiflask import APIBlueprint
from flask import request
from sqlalchemy import func, select

from channel_core.actors import Actor
from channel_core.api.context import (
    actor,
    channel,
    documents_body,
    lang,
    parse_body,
    portal,
    require_actor,
    require_staff,
    session_scope,
)
from channel_core.api.schemas import (
    AssignIn,
    ChannelNoticeIn,
    MatterIn,
    NoteIn,
    ReplyIn,
    TransitionIn,
)
from channel_core.errors import BadRequest, Forbidden, NotFound, Unauthorized
from channel_core.identity import service as identity
from channel_core.matters import search as matter_search
from channel_core.matters import service as matters
from channel_core.matters.models import URGENT_ORDER, Matter, MatterEvent
from channel_core.workflows import engine
from channel_render.clock import COMMUNITY_TZ
from portal_client.i18n import normalize_lang, pick

bp = APIBlueprint("matters", __name__, url_prefix="/api/v1", tag="Matters")
SEARCH_COUNT_CAP = 1000  # a text search's `total` stops here (`total_capped` says so)


def _sees_private(a: Actor | None, m: Matter) -> bool:
    return a is not None and bool(engine.roles_for(a, m))


def matter_json(session, m: Matter, a: Actor | None, lg: str,
                events: list[MatterEvent] | None = None) -> dict:
    """The matter as the requester may see it: the public tracking view, or all of it.

    `events` is its whole history when the caller already has it (a matter just submitted).
    """
    cat = portal().catalog
    svc = cat.service(m.service_id)
    wf = engine.workflow_of(session, m)
    sdef = wf.states[m.state]
    private = _sees_private(a, m)
    staff = a is not None and a.kind == "staff" and private
    history = []
    if events is None:
        events = matters.events_of(session, m, include_internal=staff)
    for e in events:
        if not (staff or e.public):
            continue
        item: dict[str, object] = {"at": e.at.isoformat(), "kind": e.kind, "transition": e.transition,
                "from_state": e.from_state, "to_state": e.to_state, "actor_kind": e.actor_kind}
        if e.to_state and e.to_state in wf.states:
            item["state_label"] = wf.states[e.to_state].label.model_dump()
        if e.kind in ("reply", "transition") or staff:
            item["note"] = e.note
        if staff:
            item["actor_name"] = e.actor_name
            item["public"] = e.public
            item["data"] = e.data
        history.append(item)
    body: dict[str, object] = {
        "number": m.number, "service_id": m.service_id,
        "service_title": svc.title.model_dump() if svc else None,
        "family": m.family, "workflow": m.workflow, "state": m.state,
        "state_label": sdef.label.model_dump(),
        "next_step": sdef.next_step.model_dump() if sdef.next_step else None,
        "state_text": pick(sdef.label.model_dump(), lg),
        "next_step_text": pick(sdef.next_step.model_dump(), lg) if sdef.next_step else "",
        "is_open": m.is_open, "department": m.department, "channel": m.channel,
        "created_at": m.created_at.isoformat(), "updated_at": m.updated_at.isoformat(),
        "due_at": m.due_at.isoformat() if m.due_at else None, "overdue": m.overdue,
        "escalated": m.escalated, "version": m.version, "rating": m.rating,
        "amount_minor": m.amount_minor, "currency": m.currency, "history": history,
    }
    if private:
        body["fields"] = m.fields
        body["lang"] = m.lang
        body["allowed_transitions"] = [
            {"name": t.name, "label": t.label.model_dump(), "needs_note": t.needs_note}
            for t in engine.allowed_transitions(session, m, a)]  # type: ignore[arg-type]
    if staff:
        body.update(contact_name=m.contact_name, contact_phone=m.contact_phone,
                    resident_id=m.resident_id, household_id=m.household_id,
                    assignee_id=m.assignee_id, notify_via=m.notify_via)
    return body


def _today_left(now: datetime | None = None) -> tuple[datetime, datetime]:
    """Now, and the end of today in the community's time zone (both UTC-aware)."""
    now = now or datetime.now(UTC)
    local = now.astimezone(COMMUNITY_TZ)
    day_ends = datetime.combine(local.date() + timedelta(days=1), time.min, COMMUNITY_TZ)
    return now, day_ends.astimezone(UTC)


def _actor_or_channel() -> Actor:
    a = actor()
    if a is not None:
        return a
    ch = channel()
    return Actor(kind="channel", channel=ch, name=ch or "anonymous")


def _filing_channel(a: Actor, named: str) -> str:
    """The channel a matter is filed as: staff name any; others only their credential's own."""
    if a.kind == "staff":
        return named
    bound = channel()
    if bound is None and a.kind == "resident" and a.channel in matters.CHANNELS:
        bound = a.channel
    if bound is not None and not matters.may_file_as(bound, named):
        raise Forbidden("problem.auth.channel_mismatch", channel=named, credential=bound)
    return named


@bp.post("/matters")
@bp.doc(summary="Submit a service's fields; 201 with the matter number, 422 per-field errors",
        responses={201: "Created", 200: "Replay of an earlier client_ref", 422: "Invalid fields",
                   403: "Another channel than the credential's, or a service not offered there"})
@documents_body(MatterIn)
def submit_matter():
    body = parse_body(MatterIn)
    lg = normalize_lang(body.lang) if body.lang else lang()
    if actor() is None and channel() is None:
        raise Unauthorized("problem.auth.channel_required")
    a = _actor_or_channel()
    ch = _filing_channel(a, body.channel)
    sub = matters.Submission(
        service_id=body.service_id, fields=body.fields, channel=ch, lang=lg,
        contact_name=body.contact.name if body.contact else None,
        contact_phone=body.contact.phone if body.contact else None,
        notify_via=body.notify_via, notify_address=body.notify_address,
        client_ref=body.client_ref, on_behalf_of=body.resident_id)
    if body.resident_id is not None and a.kind != "staff":
        raise Forbidden("problem.auth.staff_only")
    with session_scope() as s:
        done = matters.submit_matter(s, portal().catalog, sub, a)
        m, created = done.matter, done.created
        if a.kind == "staff":
            identity.audit(s, a, "matter.file_for_resident", m.number,
                           {"resident_id": body.resident_id}, request.remote_addr)
        out = matter_json(s, m, a if a.kind != "channel" else None, lg, done.history)
        if a.kind == "channel" or a.kind == "resident":
            out["fields"] = m.fields
    return out, 201 if created else 200


@bp.get("/matters/<number>")
@bp.doc(summary="Track a matter by its number (public view; more for its resident or staff)")
def get_matter(number: str):
    with session_scope() as s:
        m = matters.get_by_number(s, number)
        a = actor()
        if a is not None and a.kind == "staff" and not _sees_private(a, m):
            # Staff of another department see the public view only.
            a = None
        return matter_json(s, m, a, lang())


@bp.get("/matters")
@bp.doc(summary="Staff queue: filter, search, paginate (own department unless admin)",
        description="q: every word must be in the matter (number, contact, field values, chosen "
                    "choices' labels) or in its service's title, in any of the three languages. "
                    "sla=due_today: open, not overdue, due before midnight in the community's "
                    "time zone (Asia/Shanghai). With q, total counts at most "
                    f"{SEARCH_COUNT_CAP} hits and total_capped says when there are more.")
def list_matters():
    a = require_staff()
    args = request.args
    with session_scope() as s:
        stmt = select(Matter)
        dept = args.get("department")
        if "admin" not in a.roles:
            if dept and dept != a.department:
                raise Forbidden("problem.auth.department")
            dept = a.department
        if dept:
            stmt = stmt.where(Matter.department == dept)
        for key, col in (("service_id", Matter.service_id), ("channel", Matter.channel),
                         ("state", Matter.state), ("family", Matter.family)):
            if args.get(key):
                stmt = stmt.where(col == args[key])
        if args.get("open") in ("1", "true"):
            stmt = stmt.where(Matter.is_open.is_(True))
        sla = args.get("sla")
        if sla == "overdue":
            stmt = stmt.where(Matter.overdue.is_(True))
        elif sla == "due_today":
            now, day_ends = _today_left()
            stmt = stmt.where(Matter.is_open.is_(True), Matter.overdue.is_(False),
                              Matter.due_at >= now, Matter.due_at < day_ends)
        if args.get("resident_id"):
            stmt = stmt.where(Matter.resident_id == int(args["resident_id"]))
        q = (args.get("q") or "").strip()[:200]
        if q:
            stmt = stmt.where(matter_search.matches(portal().catalog, q))
        filtered = stmt
        order = args.get("order", "urgent")
        if order == "newest":
            stmt = stmt.order_by(Matter.created_at.desc())
        else:
            stmt = stmt.order_by(*URGENT_ORDER)
        try:
            page = max(1, int(args.get("page", 1)))
            per_page = min(100, max(1, int(args.get("per_page", 25))))
        except ValueError as exc:
            raise BadRequest("problem.query.page") from exc
        rows = s.scalars(stmt.offset((page - 1) * per_page).limit(per_page)).all()
        total, capped = _count(s, filtered, page, per_page, len(rows), searched=bool(q))
        cat = portal().catalog
        items = []
        for m in rows:
            svc = cat.service(m.service_id)
            items.append({
                "number": m.number, "service_id": m.service_id,
                "service_title": svc.title.model_dump() if svc else None,
                "state": m.state, "is_open": m.is_open, "channel": m.channel,
                "department": m.department, "created_at": m.created_at.isoformat(),
                "due_at": m.due_at.isoformat() if m.due_at else None, "overdue": m.overdue,
                "escalated": m.escalated, "contact_name": m.contact_name,
                "contact_phone": m.contact_phone, "version": m.version,
            })
        return {"total": total, "total_capped": capped, "page": page, "per_page": per_page,
                "items": items}


def _count(s, filtered, page: int, per_page: int, shown: int, *,
           searched: bool) -> tuple[int, bool]:
    """(total, capped) of a queue: known without counting from a last, part-filled page;
    counted only up to SEARCH_COUNT_CAP for a text search, where a common word would
    otherwise be counted across every matter on each page (a few pages are all anyone reads).
    """
    if shown < per_page and (shown or page == 1):
        return (page - 1) * per_page + shown, False
    counted = filtered.with_only_columns(Matter.id)
    if searched:
        counted = counted.limit(SEARCH_COUNT_CAP + 1)
    total = s.scalar(select(func.count()).select_from(counted.subquery())) or 0
    if searched and total > SEARCH_COUNT_CAP:
        return SEARCH_COUNT_CAP, True
    return total, False


@bp.post("/matters/<number>/transitions")
@bp.doc(summary="Fire a workflow transition (403 role, 409 state or stale version)")
@documents_body(TransitionIn)
def fire_transition(number: str):
    a = require_actor()
    body = parse_body(TransitionIn)
    with session_scope() as s:
        m = matters.get_by_number(s, number, for_update=portal().db.is_postgres)
        matters.transition(s, portal().catalog, m, body.transition, a, note=body.note,
                           lang=lang(), expected_version=body.expected_version,
                           rating=body.rating)
        if a.kind == "staff":
            identity.audit(s, a, f"matter.{body.transition}", m.number,
                           {"note": body.note}, request.remote_addr)
        return matter_json(s, m, a, lang())


def _staff_matter(s, number: str, a: Actor) -> Matter:
    m = matters.get_by_number(s, number, for_update=portal().db.is_postgres)
    if not engine.roles_for(a, m):
        raise Forbidden("problem.auth.department")
    return m


@bp.post("/matters/<number>/notes")
@bp.doc(summary="Add an internal (or public) note")
@documents_body(NoteIn)
def add_note(number: str):
    a = require_staff()
    body = parse_body(NoteIn)
    with session_scope() as s:
        m = _staff_matter(s, number, a)
        matters.add_note(s, m, a, body.text, public=body.public)
        identity.audit(s, a, "matter.note", m.number, None, request.remote_addr)
        return matter_json(s, m, a, lang()), 201


@bp.post("/matters/<number>/replies")
@bp.doc(summary="Reply to the resident on the medium they chose")
@documents_body(ReplyIn)
def add_reply(number: str):
    a = require_staff()
    body = parse_body(ReplyIn)
    with session_scope() as s:
        m = _staff_matter(s, number, a)
        matters.reply(s, portal().catalog, m, a, body.text)
        identity.audit(s, a, "matter.reply", m.number, None, request.remote_addr)
        return matter_json(s, m, a, lang()), 201


@bp.post("/matters/<number>/assign")
@bp.doc(summary="Assign to a staff member or transfer to another department")
@documents_body(AssignIn)
def assign(number: str):
    a = require_staff()
    body = parse_body(AssignIn)
    with session_scope() as s:
        m = _staff_matter(s, number, a)
        if body.department and body.department != m.department:
            if body.department not in portal().catalog.tree.departments:
                raise NotFound("problem.department.unknown")
            old = m.department
            m.department = body.department
            m.assignee_id = None
            s.add(MatterEvent(matter_id=m.id, kind="transfer", actor_kind="staff", actor_id=a.id,
                              actor_name=a.name, note=body.note, public=False,
                              data={"from": old, "to": body.department}))
        if body.staff_id is not None:
            from channel_core.identity.models import StaffUser

            user = s.get(StaffUser, body.staff_id)
            if user is None or user.department != m.department:
                raise BadRequest("problem.staff.not_in_department")
            m.assignee_id = user.id
            s.add(MatterEvent(matter_id=m.id, kind="assign", actor_kind="staff", actor_id=a.id,
                              actor_name=a.name, note=body.note, public=False,
                              data={"assignee": user.id}))
        identity.audit(s, a, "matter.assign", m.number, body.model_dump(), request.remote_addr)
        s.flush()
        return matter_json(s, m, a, lang())


@bp.post("/matters/<number>/notices")
@bp.doc(summary="Channel: send the resident a notice about a matter it filed (e.g. an upload link)",
        responses={202: "Queued (or already queued under this dedupe key)"})
@documents_body(ChannelNoticeIn)
def channel_notice(number: str):
    ch = channel()
    if ch is None:
        raise Unauthorized("problem.auth.channel_required")
    body = parse_body(ChannelNoticeIn)
    with session_scope() as s:
        m = matters.get_by_number(s, number)
        if m.channel != ch:
            raise Forbidden("problem.matter.not_yours", number=m.number)
        queued = matters.channel_notice(s, portal().catalog, m, ch, body.text, body.dedupe)
    return {"queued": queued}, 202
