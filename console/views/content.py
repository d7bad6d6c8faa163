"""Edit catalog services with a live preview per channel; saved edits are versioned by the
core, validated exactly as the YAML loader validates, and live on every channel at once."""

from __future__ import annotations

import re
from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for

from console import content_forms as cf
from console import core_api, i18n, preview
from console.reference import invalidate, reference
from console.staff import api
from console.web import bp, staff_required
from portal_client import PortalProblem
from portal_client.i18n import LANGS

EDITORS = {"admin", "editor", "supervisor"}
SERVICE_ID = re.compile(r"^(gov|property|payment|ordering|housekeeping|themed)\.[a-z0-9-]+$")


def blank_service(service_id: str) -> dict:
    """A new service's starting point: its family from the id, one text field."""
    family = service_id.split(".", 1)[0]
    empty = {lg: "" for lg in LANGS}
    return {"id": service_id, "family": family, "theme": None, "title": dict(empty),
            "summary": dict(empty), "keywords": {}, "workflow": "application", "handler": "",
            "sla": {"accept": "1d", "complete": "5d"}, "fee": {"amount": "0.00", "currency": "CNY"},
            "requires_identity": False, "channels": list(cf.SERVICE_CHANNELS), "fields": []}


def _versions(kind: str, key: str) -> list[core_api.ContentVersion]:
    try:
        return core_api.content_versions(api(), kind, key)
    except PortalProblem as exc:
        if exc.status in (404, 405):
            return []
        raise


def render_editor(service_id: str, body: dict, *, status: int = 200,
                  errors: dict[str, str] | None = None, is_new: bool = False,
                  preview_lang: str | None = None) -> Any:
    ref = reference()
    plang = preview_lang if preview_lang in LANGS else i18n.current_lang()
    return render_template(
        "console/service_edit.html", nav="content", sid=service_id, svc=body, is_new=is_new,
        errors=errors or {}, departments=ref.departments, workflows=ref.workflows,
        families=cf.FAMILIES, themes=cf.THEMES, field_types=cf.FIELD_TYPES,
        bill_kinds=cf.BILL_KINDS, channels=cf.SERVICE_CHANNELS, choices_text=cf.choices_text,
        versions=[] if is_new else _versions("service", service_id), preview_lang=plang,
        hotline=preview.hotline_script(body, plang), chat=preview.chat_script(body, plang),
        kiosk=preview.kiosk_form(body, plang), tv=preview.tv_plan(body, plang),
        offered=preview.channel_notes(body), langs=LANGS,
        errs_under=lambda prefix: any(k.startswith(prefix) for k in (errors or {}))), status


@bp.get("/content")
@staff_required(roles=EDITORS)
def content_index() -> Any:
    ref = reference()
    by_family: dict[str, list] = {f: [] for f in cf.FAMILIES}
    for svc in ref.services_for(None):
        by_family.setdefault(svc.family, []).append(svc)
    return render_template("console/content_index.html", nav="content", by_family=by_family,
                           ref=ref, families=cf.FAMILIES)


@bp.get("/content/services/new")
@staff_required(roles=EDITORS)
def service_new() -> Any:
    sid = (request.args.get("id") or "").strip().lower()
    if not SERVICE_ID.match(sid):
        flash(i18n.tr("content.bad_id"), "error")
        return redirect(url_for("console.content_index"))
    if sid in reference().services:
        return redirect(url_for("console.service_edit", service_id=sid))
    return render_editor(sid, blank_service(sid), is_new=True)


@bp.route("/content/services/<service_id>", methods=["GET", "POST"])
@staff_required(roles=EDITORS)
def service_edit(service_id: str) -> Any:
    ref = reference()
    is_new = service_id not in ref.services
    if request.method == "GET":
        if is_new:
            abort(404)
        return render_editor(service_id, ref.raw_services[service_id],
                             preview_lang=request.args.get("preview_lang"))
    if not SERVICE_ID.match(service_id):
        abort(404)
    body, errors = cf.service_body(request.form, service_id)
    plang = request.form.get("preview_lang")
    if request.form.get("action") == "preview" or errors:
        return render_editor(service_id, body, errors=errors, is_new=is_new,
                             status=422 if errors else 200, preview_lang=plang)
    try:
        out = core_api.save_content(api(), "service", service_id, body,
                                    note=(request.form.get("note") or "").strip()[:200] or None)
    except PortalProblem as exc:
        if exc.status != 422:
            raise
        return render_editor(service_id, body, status=422, is_new=is_new, preview_lang=plang,
                             errors=cf.problems_by_input(exc.errors, "service", service_id)
                             or {"(body)": exc.detail})
    invalidate()
    flash(i18n.tr("content.saved", version=out.get("version", "")), "success")
    return redirect(url_for("console.service_edit", service_id=service_id))
