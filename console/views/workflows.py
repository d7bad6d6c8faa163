"""Workflow templates: states, transitions, roles and clocks, drawn as a diagram; the core
validates a change and applies it to new matters only (running ones keep their template)."""

from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from markupsafe import Markup

from console import core_api, diagram, i18n
from console import workflow_forms as wff
from console.reference import invalidate, reference
from console.staff import api
from console.views.content import EDITORS
from console.web import bp, staff_required
from portal_client import PortalProblem
from portal_client.i18n import LANGS


def render_workflow(name: str, body: dict, *, status: int = 200,
                    errors: dict[str, str] | None = None) -> Any:
    versions: list[core_api.ContentVersion] = []
    try:
        versions = core_api.content_versions(api(), "workflow", name)
    except PortalProblem as exc:
        if exc.status not in (404, 405):
            raise
    return render_template(
        "console/workflow_edit.html", nav="workflows", name=name, wf=body,
        errors=errors or {}, analysis=diagram.analyse(body), roles=wff.ROLES, langs=LANGS,
        svg=Markup(diagram.svg(body, i18n.current_lang())), versions=versions), status


@bp.get("/workflows")
@staff_required(roles=EDITORS)
def workflow_index() -> Any:
    ref = reference()
    used: dict[str, int] = {}
    for svc in ref.services.values():
        used[svc.workflow] = used.get(svc.workflow, 0) + 1
    return render_template("console/workflow_index.html", nav="workflows",
                           workflows=ref.workflows, used=used,
                           diagrams={n: Markup(diagram.svg(wf, i18n.current_lang()))
                                     for n, wf in ref.workflows.items()})


@bp.route("/workflows/<name>", methods=["GET", "POST"])
@staff_required(roles=EDITORS)
def workflow_edit(name: str) -> Any:
    ref = reference()
    if name not in ref.workflows:
        abort(404)
    if request.method == "GET":
        return render_workflow(name, ref.workflows[name])
    body = wff.workflow_body(request.form, name)
    if request.form.get("action") == "preview":
        return render_workflow(name, body)
    try:
        out = core_api.save_content(api(), "workflow", name, body,
                                    note=(request.form.get("note") or "").strip()[:200] or None)
    except PortalProblem as exc:
        if exc.status != 422:
            raise
        return render_workflow(name, body, status=422,
                               errors=wff.problems_by_input(exc.errors, body, name)
                               or {"(body)": exc.detail})
    invalidate()
    flash(i18n.tr("workflow.saved", version=out.get("version", "")), "success")
    return redirect(url_for("console.workflow_edit", name=name))
