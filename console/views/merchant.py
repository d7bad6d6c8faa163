"""Merchants and providers: their orders and jobs with one-click accept / deliver, ratings."""

from __future__ import annotations

from typing import Any

from flask import render_template, request

from console import core_api
from console.reference import Reference, reference
from console.sla import clock_status
from console.staff import StaffIdentity, api, current_staff
from console.views.queue import queue_filters
from console.web import bp, staff_required
from portal_client import PortalProblem


def actions_for(ref: Reference, staff: StaffIdentity, item: core_api.QueueItem) -> list[dict]:
    """Transitions the current template offers this member from the order's state.

    The core decides on submit (the matter may run under an older template); this only
    chooses which buttons to draw in the list.
    """
    svc = ref.services.get(item.service_id)
    wf = ref.workflows.get(svc.workflow) if svc else None
    if wf is None or not item.is_open:
        return []
    roles = set(staff.roles) | ({"staff", "supervisor"} if staff.is_admin else set())
    return [t for t in wf.get("transitions", ())
            if item.state in t.get("from", ()) and roles & set(t.get("roles", ()))]


@bp.get("/orders")
@staff_required()
def orders() -> Any:
    staff = current_staff()
    assert staff is not None
    filters = queue_filters(request.args)
    filters.pop("department", None)
    if "open" not in request.args and not request.args.get("state"):
        filters["open"] = "1"
    if "order" not in request.args:
        filters["order"] = "newest"
    page = core_api.queue(api(), **filters)
    ref = reference()
    rows = []
    for item in page.items:
        rows.append((item, clock_status(item.is_open, item.due_at, item.overdue, item.escalated),
                     ref.state_label(item.service_id, item.state), actions_for(ref, staff, item)))
    try:
        summary = core_api.stats(api(), None, None)
    except PortalProblem as exc:
        if exc.status not in (403, 404, 405):
            raise
        summary = None
    return render_template("console/orders.html", nav="orders", page=page, rows=rows,
                           filters=filters, summary=summary, states=ref.states_for(staff.department))
