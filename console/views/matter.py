"""Work one matter: fields, history, the transitions the workflow and role allow, notes,
replies to the resident, assignment and transfer. Stale actions are refused, never applied."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from flask import Response, abort, flash, redirect, render_template, request, url_for

from console import core_api, i18n
from console.fields import field_rows
from console.reference import reference
from console.sla import clock_status
from console.staff import api, current_staff
from console.web import bp, forbidden, safe_next, staff_required
from portal_client import PortalProblem


def _staff_list(department: str) -> list[core_api.StaffMember]:
    try:
        return core_api.staff_members(api(), department)
    except PortalProblem as exc:
        if exc.status in (403, 404, 405):
            return []
        raise


def render_matter(number: str, *, status: int = 200, drafts: dict[str, str] | None = None,
                  notice: tuple[str, str] | None = None,
                  errors: dict[str, str] | None = None) -> Any:
    """The matter page; `drafts` puts back what the user typed when an action was refused."""
    staff = current_staff()
    assert staff is not None
    sm = core_api.staff_matter(api(), number)
    if not sm.private or (sm.department != staff.department and not staff.is_admin):
        return forbidden("error.other_department")
    ref = reference()
    m = sm.matter
    svc = ref.services.get(m.service_id)
    members = _staff_list(sm.department)
    assignee = next((s for s in members if s.id == sm.assignee_id), None)
    return render_template(
        "console/matter.html", nav="orders" if staff.is_merchant else "queue", sm=sm, m=m,
        service=svc, fields=field_rows(svc, m.fields or {}),
        clock=clock_status(m.is_open, m.due_at, m.overdue, m.escalated),
        members=members, assignee=assignee, departments=ref.departments,
        drafts=drafts or {}, notice=notice, errors=errors or {},
    ), status


@bp.get("/matters/<number>")
@staff_required()
def matter(number: str) -> Any:
    return render_matter(number)


def _refused(number: str, exc: PortalProblem, drafts: dict[str, str]) -> Any:
    """Re-show the matter with the user's text kept and the reason the core gave."""
    if exc.status == 409:
        fresh = core_api.staff_matter(api(), number).matter
        # Stale version or a state that no longer allows it: someone else acted first.
        notice = ("conflict", i18n.tr("matter.conflict", state=fresh.state_text or fresh.state))
        return render_matter(number, status=409, drafts=drafts, notice=notice)
    if exc.status == 422:
        return render_matter(number, status=422, drafts=drafts,
                             notice=("error", i18n.tr("matter.invalid")), errors=exc.field_errors)
    if exc.status == 403:
        return render_matter(number, status=403, drafts=drafts,
                             notice=("error", i18n.tr("matter.not_allowed")))
    raise exc


IMAGE_TYPES = ((b"\xff\xd8\xff", "image/jpeg"), (b"\x89PNG", "image/png"), (b"RIFF", "image/webp"))


@bp.get("/uploads/<ident>")
@staff_required()
def upload(ident: str) -> Any:
    """A resident's photo, fetched with the staff member's own token (the core checks it)."""
    data = api().get(f"/api/v1/uploads/{quote(ident, safe='')}")
    if not isinstance(data, bytes):
        abort(404)
    mimetype = next((m for magic, m in IMAGE_TYPES if data.startswith(magic)), None)
    if mimetype is None:
        abort(404)
    return Response(data, mimetype=mimetype, headers={"Cache-Control": "private, max-age=3600",
                                                       "X-Content-Type-Options": "nosniff"})


@bp.post("/matters/<number>/transition")
@staff_required()
def transition(number: str) -> Any:
    name = request.form.get("transition", "")
    note = request.form.get("note", "").strip()
    drafts = {"note": note}
    try:
        version = int(request.form.get("expected_version", ""))
    except ValueError:
        return render_matter(number, status=400, drafts=drafts,
                             notice=("error", i18n.tr("matter.reload")))
    rating = request.form.get("rating") or None
    if name == "rate" and not (rating and rating.isdigit()):
        return render_matter(number, status=422, drafts=drafts,
                             notice=("error", i18n.tr("matter.rating_required")),
                             errors={"rating": i18n.tr("matter.rating_required")})
    try:
        out = api().transition(number, name, note=note or None, expected_version=version,
                               rating=int(rating) if rating else None)
    except PortalProblem as exc:
        return _refused(number, exc, drafts)
    flash(i18n.tr("matter.moved", number=number, state=out.state_text or out.state), "success")
    return redirect(safe_next(request.form.get("next"))
                    or url_for("console.matter", number=number))


@bp.post("/matters/<number>/note")
@staff_required()
def note(number: str) -> Any:
    text = request.form.get("text", "").strip()
    public = request.form.get("public") == "1"
    if not text:
        return render_matter(number, status=422, drafts={"note_text": text},
                             errors={"note_text": i18n.tr("form.required")})
    try:
        api().add_note(number, text, public=public)
    except PortalProblem as exc:
        return _refused(number, exc, {"note_text": text})
    flash(i18n.tr("matter.note_added"), "success")
    return redirect(url_for("console.matter", number=number) + "#history")


@bp.post("/matters/<number>/reply")
@staff_required()
def reply(number: str) -> Any:
    text = request.form.get("text", "").strip()
    if not text:
        return render_matter(number, status=422, drafts={"reply_text": text},
                             errors={"reply_text": i18n.tr("form.required")})
    try:
        api().reply(number, text)
    except PortalProblem as exc:
        return _refused(number, exc, {"reply_text": text})
    flash(i18n.tr("matter.reply_sent"), "success")
    return redirect(safe_next(request.form.get("next"))
                    or url_for("console.matter", number=number) + "#history")


@bp.post("/matters/<number>/assign")
@staff_required()
def assign(number: str) -> Any:
    staff_id = request.form.get("staff_id") or None
    department = request.form.get("department") or None
    note_text = request.form.get("note", "").strip() or None
    if staff_id is None and department is None:
        return render_matter(number, status=422, drafts={"assign_note": note_text or ""},
                             errors={"assign": i18n.tr("matter.assign_pick")})
    try:
        api().assign(number, staff_id=int(staff_id) if staff_id else None,
                     department=department, note=note_text)
    except PortalProblem as exc:
        return _refused(number, exc, {"assign_note": note_text or ""})
    staff = current_staff()
    assert staff is not None
    if department and department != staff.department and not staff.is_admin:
        flash(i18n.tr("matter.transferred", number=number), "success")
        return redirect(url_for("console.queue"))
    flash(i18n.tr("matter.assigned"), "success")
    return redirect(url_for("console.matter", number=number))
