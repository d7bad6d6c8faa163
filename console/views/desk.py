"""Agents' desk for hotline calls and chat handoffs: who is waiting in the hotline's queue
(picked up with one click), who is calling and their open matters, the knowledge base in
three languages, replies to chats, and matters filed on a caller's behalf."""

from __future__ import annotations

import uuid
from typing import Any

from flask import flash, redirect, render_template, request, url_for

from console import core_api, i18n
from console.fields import form_values
from console.reference import reference
from console.staff import api, current_staff
from console.web import bp, forbidden, staff_required
from portal_client import Matter, PortalProblem, QueuedCall
from portal_client.i18n import LANGS

DESK_CHANNELS = ("hotline", "chatbot", "wechat", "console")
CHAT_CHANNELS = ("chatbot", "wechat")
PHONE_MAX = 32


def _open_matters(numbers: tuple[str, ...]) -> list[Matter]:
    out = []
    for number in numbers[:10]:
        try:
            out.append(api().matter(number))
        except PortalProblem as exc:
            if exc.status != 404:
                raise
    return out


def _chat_handoffs() -> list[core_api.QueueItem]:
    items: list[core_api.QueueItem] = []
    for ch in CHAT_CHANNELS:
        items.extend(core_api.queue(api(), channel=ch, open="1", order="newest", per_page=10).items)
    return items


def _answers_calls() -> bool:
    """Whether the signed-in member answers callers (merchants and providers do not)."""
    staff = current_staff()
    return staff is not None and not staff.is_merchant


def _families() -> set[str]:
    """The catalog's families (a caller's topic is the family they were in)."""
    return {str(f.get("id")) for f in reference().families}


def _waiting_calls() -> list[QueuedCall]:
    return api().waiting_calls() if _answers_calls() else []


def _call_on_the_line(call_ref: str) -> QueuedCall | None:
    """The call this agent picked up (shown above the caller's card), if it still is theirs."""
    if not call_ref or not _answers_calls():
        return None
    try:
        call = api().queued_call(call_ref[:64])
    except PortalProblem as exc:
        if exc.status in (400, 404):
            return None
        raise
    staff = current_staff()
    mine = call.picked_up_by and staff is not None and call.picked_up_by.get("id") == staff.id
    return call if mine else None


@bp.get("/desk")
@staff_required()
def desk() -> Any:
    phone = (request.args.get("phone") or "").strip()[:PHONE_MAX]
    kb_q = (request.args.get("kb") or "").strip()[:200]
    kb_lang = request.args.get("kb_lang") if request.args.get("kb_lang") in LANGS else i18n.current_lang()
    call = _call_on_the_line(request.args.get("call") or "")
    caller = None
    caller_matters: list[Matter] = []
    phone_matters: list[core_api.QueueItem] = []
    if phone:
        caller = core_api.resident_by_phone(api(), phone)
        if caller is not None:
            caller_matters = _open_matters(caller.open_matters)
        phone_matters = list(core_api.queue(api(), q=phone, order="newest", per_page=10).items)
    answers = api().faq(kb_q, lang=kb_lang) if kb_q else []
    ref = reference()
    return render_template(
        "console/desk.html", nav="desk", phone=phone, caller=caller,
        caller_matters=caller_matters, phone_matters=phone_matters, kb_q=kb_q, kb_lang=kb_lang,
        answers=answers, chats=_chat_handoffs(), services=ref.services_for(None),
        langs=LANGS, calls=_waiting_calls(), call=call, answers_calls=_answers_calls(),
        families=_families())


@bp.get("/desk/calls")
@staff_required()
def desk_calls() -> Any:
    """The waiting callers alone, for the desk to refresh in place."""
    if not _answers_calls():
        return forbidden()
    return render_template("console/_waiting_calls.html", calls=_waiting_calls(), langs=LANGS,
                           families=_families())


@bp.post("/desk/calls/<call_ref>/pickup")
@staff_required()
def pick_up_call(call_ref: str) -> Any:
    """Take a waiting caller: their identity and open matters open on the desk."""
    if not _answers_calls():
        return forbidden()
    try:
        picked = api().pick_up_call(call_ref[:64])
    except PortalProblem as exc:
        if exc.status == 409:
            flash(i18n.tr("desk.call_taken", agent=exc.body.get("agent") or "?"), "error")
        elif exc.status in (400, 404, 410):
            flash(i18n.tr("desk.call_gone"), "error")
        else:
            raise
        return redirect(url_for("console.desk"))
    call = picked.call
    return redirect(url_for("console.desk", phone=call.caller or None, call=call.call_ref))


@bp.route("/desk/new", methods=["GET", "POST"])
@staff_required()
def desk_new() -> Any:
    ref = reference()
    service_id = request.values.get("service_id", "")
    svc = ref.services.get(service_id)
    if svc is None:
        flash(i18n.tr("desk.pick_service"), "error")
        return redirect(url_for("console.desk", phone=request.values.get("phone", "")))
    rid = request.values.get("resident_id", "")
    resident_id = int(rid) if rid.isdigit() else None
    contact = {"name": (request.values.get("name") or "").strip()[:100],
               "phone": (request.values.get("phone") or "").strip()[:PHONE_MAX]}
    channel = request.values.get("channel")
    channel = channel if channel in DESK_CHANNELS else "hotline"
    errors: dict[str, str] = {}
    values: dict[str, Any] = {}
    if request.method == "POST":
        values = form_values(svc, request.form)
        try:
            created = api().submit_matter(
                svc.id, values, channel, contact={k: v for k, v in contact.items() if v} or None,
                client_ref=request.form.get("client_ref") or None,
                notify_via="sms" if contact["phone"] else None,
                notify_address=contact["phone"] or None, resident_id=resident_id)
        except PortalProblem as exc:
            if exc.status not in (400, 401, 422):
                raise
            errors = exc.field_errors or {"form": exc.detail}
            if exc.status == 401:
                errors = {"form": i18n.tr("desk.identity_required")}
        else:
            flash(i18n.tr("desk.created", number=created.number), "success")
            staff = current_staff()
            assert staff is not None
            if staff.is_admin or created.raw.get("department") == staff.department:
                return redirect(url_for("console.matter", number=created.number))
            return redirect(url_for("console.desk", phone=contact["phone"]))
    return render_template("console/desk_new.html", nav="desk", service=svc, contact=contact,
                           channel=channel, channels=DESK_CHANNELS, values=values,
                           errors=errors, resident_id=resident_id, client_ref=request.form.get("client_ref") or uuid.uuid4().hex), \
        422 if errors else 200
