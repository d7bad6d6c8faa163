"""Agents' desk for hotline calls and chat handoffs: who is calling, their open matters, the
knowledge base in three languages, replies to chats, and matters filed on a caller's behalf."""

from __future__ import annotations

import uuid
from typing import Any

from flask import flash, redirect, render_template, request, url_for

from console import core_api, i18n
from console.fields import form_values
from console.reference import reference
from console.staff import api, current_staff
from console.web import bp, staff_required
from portal_client import Matter, PortalProblem
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


@bp.get("/desk")
@staff_required()
def desk() -> Any:
    phone = (request.args.get("phone") or "").strip()[:PHONE_MAX]
    kb_q = (request.args.get("kb") or "").strip()[:200]
    kb_lang = request.args.get("kb_lang") if request.args.get("kb_lang") in LANGS else i18n.current_lang()
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
        langs=LANGS)


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
