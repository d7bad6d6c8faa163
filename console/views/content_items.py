"""Notices and FAQ editors, versions with restore, and content/ YAML export and import."""

from __future__ import annotations

import re
from typing import Any

import yaml
from flask import Response, abort, flash, redirect, render_template, request, url_for

from console import content_forms as cf
from console import core_api, i18n
from console.reference import invalidate, reference
from console.staff import api
from console.views.content import EDITORS
from console.web import bp, staff_required
from portal_client import PortalProblem
from portal_client.i18n import LANGS

KINDS = ("service", "workflow", "notice", "faq")
MAX_YAML = 200_000
ITEM_KEY = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")


def _editor_url(kind: str, key: str) -> str:
    if kind == "service":
        return url_for("console.service_edit", service_id=key)
    if kind == "workflow":
        return url_for("console.workflow_edit", name=key)
    return url_for("console.item_edit", kind=kind, key=key)


def _live_item(kind: str, key: str) -> dict | None:
    ref = reference()
    items = ref.notices if kind == "notice" else ref.faq
    return next((dict(i) for i in items if i.get("id") == key), None)


def _render_item(kind: str, key: str, body: dict, *, status: int = 200,
                 errors: dict[str, str] | None = None, is_new: bool = False) -> Any:
    versions: list[core_api.ContentVersion] = []
    if not is_new:
        try:
            versions = core_api.content_versions(api(), kind, key)
        except PortalProblem as exc:
            if exc.status not in (404, 405):
                raise
    return render_template("console/item_edit.html", nav="content", kind=kind, key=key,
                           item=body, errors=errors or {}, is_new=is_new, versions=versions,
                           notice_kinds=cf.NOTICE_KINDS, langs=LANGS,
                           services=reference().services_for(None)), status


@bp.get("/content/new-item")
@staff_required(roles=EDITORS)
def item_new() -> Any:
    kind = request.args.get("kind", "")
    key = (request.args.get("key") or "").strip()
    if kind not in ("notice", "faq") or not ITEM_KEY.match(key):
        flash(i18n.tr("content.bad_id"), "error")
        return redirect(url_for("console.content_index"))
    return redirect(url_for("console.item_edit", kind=kind, key=key, new=1))


@bp.route("/content/<kind>/<key>", methods=["GET", "POST"])
@staff_required(roles=EDITORS)
def item_edit(kind: str, key: str) -> Any:
    if kind not in ("notice", "faq") or not ITEM_KEY.match(key):
        abort(404)
    live = _live_item(kind, key)
    if request.method == "GET":
        if live is None and not request.args.get("new"):
            abort(404)
        return _render_item(kind, key, live or {"id": key}, is_new=live is None)
    body = (cf.notice_body(request.form, key, live) if kind == "notice"
            else cf.faq_body(request.form, key))
    try:
        out = core_api.save_content(api(), kind, key, body)
    except PortalProblem as exc:
        if exc.status != 422:
            raise
        return _render_item(kind, key, body, status=422, is_new=live is None,
                            errors=cf.problems_by_input(exc.errors, kind, key)
                            or {"(body)": exc.detail})
    invalidate()
    flash(i18n.tr("content.saved", version=out.get("version", "")), "success")
    return redirect(url_for("console.item_edit", kind=kind, key=key))


@bp.get("/content/<kind>/<key>.yaml")
@staff_required(roles=EDITORS)
def content_export(kind: str, key: str) -> Response:
    if kind not in KINDS:
        abort(404)
    text = core_api.export_yaml(api(), kind, key)
    filename = f"{key}.yaml"
    return Response(text, mimetype="application/yaml",
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})


@bp.route("/content/<kind>/<key>/import", methods=["GET", "POST"])
@staff_required(roles=EDITORS)
def content_import(kind: str, key: str) -> Any:
    if kind not in KINDS:
        abort(404)
    if request.method == "GET":
        return render_template("console/import.html", nav="content", kind=kind, key=key,
                               text="", errors={}, back=_editor_url(kind, key))
    upload = request.files.get("file")
    text = (upload.read(MAX_YAML + 1).decode("utf-8", "replace") if upload and upload.filename
            else request.form.get("text", ""))
    errors: dict[str, str] = {}
    body: Any = None
    if len(text) > MAX_YAML:
        errors["(file)"] = i18n.tr("content.yaml_too_big")
    else:
        try:
            body = yaml.safe_load(text)
        except yaml.YAMLError as exc:
            errors["(file)"] = i18n.tr("content.yaml_invalid", detail=str(exc).splitlines()[0])
        if body is not None and not isinstance(body, dict):
            errors["(file)"] = i18n.tr("content.yaml_mapping")
    if not errors:
        try:
            out = core_api.save_content(api(), kind, key, body or {}, note="import")
        except PortalProblem as exc:
            if exc.status != 422:
                raise
            errors = cf.problems_by_input(exc.errors, kind, key) or {"(body)": exc.detail}
        else:
            invalidate()
            flash(i18n.tr("content.imported", version=out.get("version", "")), "success")
            return redirect(_editor_url(kind, key))
    return render_template("console/import.html", nav="content", kind=kind, key=key, text=text,
                           errors=errors, back=_editor_url(kind, key)), 422


@bp.get("/content/<kind>/<key>/versions/<int:version>")
@staff_required(roles=EDITORS)
def content_version(kind: str, key: str, version: int) -> Any:
    if kind not in KINDS:
        abort(404)
    found = next((v for v in core_api.content_versions(api(), kind, key)
                  if v.version == version), None)
    if found is None:
        abort(404)
    text = yaml.safe_dump(found.body, allow_unicode=True, sort_keys=False)
    return render_template("console/version.html", nav="content", kind=kind, key=key,
                           v=found, text=text, back=_editor_url(kind, key))


@bp.post("/content/<kind>/<key>/versions/<int:version>/restore")
@staff_required(roles=EDITORS)
def content_restore(kind: str, key: str, version: int) -> Any:
    if kind not in KINDS:
        abort(404)
    found = next((v for v in core_api.content_versions(api(), kind, key)
                  if v.version == version), None)
    if found is None:
        abort(404)
    out = core_api.save_content(api(), kind, key, found.body,
                                note=i18n.tr("content.restore_note", version=version)[:200])
    invalidate()
    flash(i18n.tr("content.restored", version=version, new=out.get("version", "")), "success")
    return redirect(_editor_url(kind, key))
