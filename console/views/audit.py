"""The audit log of staff actions (admin only), newest first."""

from __future__ import annotations

from typing import Any

from flask import render_template, request

from console import core_api
from console.staff import api
from console.web import bp, staff_required


@bp.get("/audit")
@staff_required(roles={"admin"})
def audit_log() -> Any:
    try:
        page = max(1, int(request.args.get("page", 1)))
    except ValueError:
        page = 1
    entries = core_api.audit(api(), page)
    return render_template("console/audit.html", nav="audit", entries=entries, page=page)
