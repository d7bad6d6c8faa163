"""Staff-side endpoints: content editing with versions, staff list, audit, statistics,
and the resident lookup agents and the hotline use."""

from __future__ import annotations

from collections import Counter
from datetime import date, datetime, time, timedelta

import yaml
from apiflask import APIBlueprint
from flask import Response, request
from sqlalchemy import and_, case, func, or_, select

from channel_core.api.auth_views import resident_json
from channel_core.api.context import (
    actor,
    channel,
    json_body,
    portal,
    require_staff,
    session_scope,
)
from channel_core.catalog import edits
from channel_core.catalog.loader import ContentError
from channel_core.catalog.models import ContentEdit
from channel_core.errors import BadRequest, Forbidden, NotFound, Unauthorized, ValidationFailed
from channel_core.identity import service as identity
from channel_core.identity.models import AuditEntry, Resident, StaffUser
from channel_core.matters.models import Matter, MatterEvent
from channel_render.clock import COMMUNITY_TZ, community_today

bp = APIBlueprint("admin", __name__, url_prefix="/api/v1", tag="Staff")
EDITOR_ROLES = ("admin", "editor", "supervisor")


def _editor():
    a = require_staff()
    if not set(EDITOR_ROLES) & set(a.roles):
        raise Forbidden("problem.auth.role", role="editor")
    return a


def _content_problem(exc: ContentError) -> ValidationFailed:
    return ValidationFailed("problem.content.invalid",
                            errors={f"{p.key}": f"{p.file}: {p.message}" for p in exc.problems})


def _save(kind: str, key: str):
    a = _editor()
    body = json_body()
    note = request.args.get("note")
    p = portal()
    with session_scope() as s:
        try:
            row = edits.save_edit(s, p.catalog, p.extras["content_base"], kind, key, body,
                                  a.id, a.name, note)
        except ContentError as exc:
            raise _content_problem(exc) from exc
        identity.audit(s, a, f"content.{kind}.edit", key, {"version": row.id}, request.remote_addr)
        p.extras["content_edit_id"] = row.id
        return {"kind": kind, "key": key, "version": row.id, "catalog_version": p.catalog.version}


@bp.put("/services/<service_id>")
@bp.doc(summary="Staff: save a new version of a service (validated like the YAML loader)")
def put_service(service_id: str):
    return _save("service", service_id)


@bp.put("/workflows/<name>")
@bp.doc(summary="Staff: save a new version of a workflow template (applies to new matters)")
def put_workflow(name: str):
    return _save("workflow", name)


@bp.put("/notices/<notice_id>")
@bp.doc(summary="Staff: save a new version of a notice")
def put_notice(notice_id: str):
    return _save("notice", notice_id)


@bp.put("/faq/<faq_id>")
@bp.doc(summary="Staff: save a new version of an FAQ entry")
def put_faq(faq_id: str):
    return _save("faq", faq_id)


@bp.get("/content/<kind>/<key>/versions")
@bp.doc(summary="Staff: the saved versions of one content item, newest first")
def versions(kind: str, key: str):
    require_staff()
    if kind not in edits.KINDS:
        raise NotFound("problem.not_found.detail")
    with session_scope() as s:
        rows = s.scalars(select(ContentEdit).where(ContentEdit.kind == kind, ContentEdit.key == key)
                         .order_by(ContentEdit.id.desc())).all()
        return {"items": [{"version": r.id, "at": r.at.isoformat(), "staff": r.staff_name,
                           "note": r.note, "body": r.body} for r in rows]}


@bp.get("/content/<kind>/<key>.yaml")
@bp.doc(summary="Staff: export the live version of one item as content/ YAML")
def export_yaml(kind: str, key: str):
    require_staff()
    cat = portal().catalog
    data: dict | None
    if kind == "service" and key in cat.services:
        data = cat.services[key].model_dump(mode="json", by_alias=True, exclude_none=True)
    elif kind == "workflow" and key in cat.workflows:
        data = cat.workflows[key].model_dump(mode="json", by_alias=True, exclude_none=True)
    elif kind == "notice":
        data = next((n.model_dump(mode="json", exclude_none=True) for n in cat.tree.notices
                     if n.id == key), None)
    elif kind == "faq":
        data = next((f.model_dump(mode="json", exclude_none=True) for f in cat.tree.faq
                     if f.id == key), None)
    else:
        data = None
    if data is None:
        raise NotFound("problem.not_found.detail")
    text = yaml.safe_dump(data, allow_unicode=True, sort_keys=False)
    return Response(text, mimetype="application/yaml")


@bp.post("/content/<kind>/<key>.yaml")
@bp.doc(summary="Staff: import one item from content/ YAML (a new version)")
def import_yaml(kind: str, key: str):
    a = _editor()
    if kind not in edits.KINDS:
        raise NotFound("problem.not_found.detail")
    try:
        body = yaml.safe_load(request.get_data(as_text=True))
    except yaml.YAMLError as exc:
        raise BadRequest("problem.content.yaml") from exc
    p = portal()
    with session_scope() as s:
        try:
            row = edits.save_edit(s, p.catalog, p.extras["content_base"], kind, key, body,
                                  a.id, a.name, "import")
        except ContentError as exc:
            raise _content_problem(exc) from exc
        identity.audit(s, a, f"content.{kind}.import", key, {"version": row.id}, request.remote_addr)
        p.extras["content_edit_id"] = row.id
        return {"kind": kind, "key": key, "version": row.id}, 201


@bp.get("/staff")
@bp.doc(summary="Staff: members of a department (own department unless admin)")
def staff_list():
    a = require_staff()
    dept = request.args.get("department") or a.department
    if dept != a.department and not a.is_admin:
        raise Forbidden("problem.auth.department")
    with session_scope() as s:
        rows = s.scalars(select(StaffUser).where(StaffUser.department == dept,
                                                 StaffUser.active.is_(True))).all()
        return {"items": [{"id": u.id, "username": u.username, "name": u.name,
                           "department": u.department, "roles": sorted(u.role_set),
                           "kind": u.kind} for u in rows]}


@bp.get("/audit")
@bp.doc(summary="Admin: the audit log, newest first")
def audit_log():
    a = require_staff()
    if not a.is_admin:
        raise Forbidden("problem.auth.role", role="admin")
    page = max(1, int(request.args.get("page", 1) or 1))
    with session_scope() as s:
        rows = s.scalars(select(AuditEntry).order_by(AuditEntry.id.desc())
                         .offset((page - 1) * 50).limit(50)).all()
        return {"page": page, "items": [
            {"at": r.at.isoformat(), "actor_kind": r.actor_kind, "actor_id": r.actor_id,
             "action": r.action, "target": r.target, "detail": r.detail, "ip": r.ip}
            for r in rows]}


@bp.get("/residents/by-phone/<phone>")
@bp.doc(summary="Channel or staff: the resident with this phone (caller ID, agents' desk)")
def resident_by_phone(phone: str):
    a = actor()
    if channel() is None and (a is None or a.kind != "staff"):
        raise Unauthorized("problem.auth.channel_required")
    digits = phone.strip().replace(" ", "")
    candidates = {digits}
    if digits.startswith("+86"):
        candidates.add(digits[3:])
    elif digits.startswith("1") and len(digits) == 11:
        candidates.add("+86" + digits)
    with session_scope() as s:
        res = s.scalar(select(Resident).where(Resident.phone.in_(candidates)))
        if res is None:
            raise NotFound("problem.resident.unknown_phone")
        out = resident_json(s, res)
        out["open_matters"] = [m.number for m in s.scalars(
            select(Matter).where(Matter.resident_id == res.id, Matter.is_open.is_(True))
            .order_by(Matter.id.desc()).limit(10))]
        if a is not None and a.kind == "staff":
            identity.audit(s, a, "resident.lookup", str(res.id), None, request.remote_addr)
        return out


def _range() -> tuple[datetime, datetime]:
    """The requested calendar days in Asia/Shanghai, as a UTC-aware interval."""
    today = community_today()
    try:
        d_to = date.fromisoformat(request.args["to"]) if request.args.get("to") else today
        d_from = (date.fromisoformat(request.args["from"]) if request.args.get("from")
                  else d_to - timedelta(days=29))
    except ValueError as exc:
        raise BadRequest("problem.query.date") from exc
    return (datetime.combine(d_from, time.min, COMMUNITY_TZ), datetime.combine(d_to, time.max, COMMUNITY_TZ))


def _local_day(col, dialect: str):
    """The Asia/Shanghai calendar day of a UTC timestamp column, in SQL."""
    if dialect == "postgresql":
        return func.to_char(func.timezone("Asia/Shanghai", col), "YYYY-MM-DD")
    return func.strftime("%Y-%m-%d", col, "+8 hours")


@bp.get("/stats/summary")
@bp.doc(summary="Staff: volumes, SLA compliance, time per state, ratings, SOS/check-in log")
def stats_summary():
    a = require_staff()
    start, end = _range()
    dept = request.args.get("department")
    if not a.is_admin:
        dept = a.department
    with session_scope() as s:
        dialect = s.get_bind().dialect.name
        where = [Matter.created_at >= start, Matter.created_at <= end]
        if dept:
            where.append(Matter.department == dept)

        # One pass over the range's matters for every figure but the daily counts: grouped
        # by the dimensions the dashboard shows, with the SLA outcome summed in SQL.
        late = or_(Matter.overdue.is_(True),
                   and_(Matter.closed_at.is_not(None), Matter.due_at.is_not(None),
                        Matter.closed_at > Matter.due_at))
        met_in_time = and_(Matter.closed_at.is_not(None), ~late)
        groups = s.execute(
            select(Matter.channel, Matter.family, Matter.service_id, Matter.rating,
                   func.count(), func.sum(case((late, 1), else_=0)),
                   func.sum(case((met_in_time, 1), else_=0)))
            .where(*where)
            .group_by(Matter.channel, Matter.family, Matter.service_id, Matter.rating)).all()
        by_channel: Counter[str] = Counter()
        by_family: Counter[str] = Counter()
        by_service: Counter[str] = Counter()
        rating_counts: Counter[str] = Counter()
        breached = met = total = 0
        for ch, fam, sid, rating, n, n_late, n_met in groups:
            n = int(n)
            by_channel[ch] += n
            by_family[fam] += n
            by_service[sid] += n
            if rating is not None:
                rating_counts[str(rating)] += n
            breached += int(n_late or 0)
            met += int(n_met or 0)
            total += n
        top = sorted(by_service.items(), key=lambda kv: (-kv[1], kv[0]))[:10]
        ratings = dict(sorted(rating_counts.items()))
        day = _local_day(Matter.created_at, dialect)
        by_day = dict(s.execute(select(day, func.count()).where(*where).group_by(day)).all())
        # The SOS and missed check-in services, named through the catalog: the service_id
        # index finds their few matters, where a test of every row would read them all.
        logged = sorted(sid for sid, svc in portal().catalog.services.items()
                        if svc.workflow == "sos" or sid.endswith("checkin-missed"))
        sos = [{"number": r.number, "service_id": r.service_id, "state": r.state,
                "created_at": r.created_at.isoformat()}
               for r in s.execute(select(Matter.number, Matter.service_id, Matter.state,
                                         Matter.created_at)
                                  .where(*where, Matter.service_id.in_(logged))
                                  .order_by(Matter.id.desc()).limit(100)).all()]
        # Average time in each state: the gap between consecutive state changes of a matter.
        # The range's matters, in id order, each joined to its state changes through the
        # (matter_id, id, at, to_state) index: the rows come out nearly in window order
        # (an incremental sort), and no other matter's events are read.
        in_range = select(Matter.id).where(*where).order_by(Matter.id).subquery()
        ev = select(MatterEvent.matter_id, MatterEvent.at, MatterEvent.to_state,
                    func.lead(MatterEvent.at).over(partition_by=MatterEvent.matter_id,
                                                   order_by=MatterEvent.id).label("left_at")
                    ).join(in_range, in_range.c.id == MatterEvent.matter_id).where(
            MatterEvent.to_state.is_not(None)).subquery()
        if dialect == "postgresql":
            seconds = func.extract("epoch", ev.c.left_at - ev.c.at)
        else:
            seconds = (func.julianday(ev.c.left_at) - func.julianday(ev.c.at)) * 86400.0
        avg_state = {k: round(float(v), 1) for k, v in s.execute(
            select(ev.c.to_state, func.avg(seconds)).where(ev.c.left_at.is_not(None))
            .group_by(ev.c.to_state)).all()}
        rated_n = sum(ratings.values())
        return {
            "from": start.date().isoformat(), "to": end.date().isoformat(), "department": dept,
            "timezone": "Asia/Shanghai",
            "total": total,
            "by_channel": dict(by_channel), "by_family": dict(by_family),
            "by_day": dict(sorted(by_day.items())),
            "top_services": [[sid, n] for sid, n in top],
            "sla": {"met": met, "breached": breached,
                    "compliance": round(met / (met + breached), 4) if met + breached else None},
            "avg_seconds_in_state": avg_state,
            "ratings": ratings,
            "avg_rating": round(sum(int(k) * v for k, v in ratings.items()) / rated_n, 2)
            if rated_n else None,
            "sos_log": sos,
        }
