"""The department's queue: filters, search, urgent-first order, SLA colours, SOS alerts."""

from __future__ import annotations

import time
from typing import Any

from flask import current_app, render_template, request

from console import core_api
from console.reference import reference
from console.sla import clock_status
from console.staff import api, current_staff
from console.web import bp, staff_required

CHANNELS = ("kiosk", "tv", "hotline", "chatbot", "wechat", "web", "console", "open311", "sms")
SLA_FILTERS = ("overdue", "due_today")
PER_PAGE = 25
ALERT_TTL_S = 15.0  # the overdue banner may lag this much; the list itself never does


def queue_filters(args: Any) -> dict[str, Any]:
    """The API filters named in the query string (unknown values dropped, page clamped)."""
    out: dict[str, Any] = {}
    for key in ("state", "service_id", "q", "department"):
        value = (args.get(key) or "").strip()
        if value:
            out[key] = value[:100]
    if args.get("channel") in CHANNELS:
        out["channel"] = args["channel"]
    if args.get("sla") in SLA_FILTERS:
        out["sla"] = args["sla"]
    out["order"] = "newest" if args.get("order") == "newest" else "urgent"
    if args.get("open") == "1":
        out["open"] = "1"
    try:
        out["page"] = max(1, min(10_000, int(args.get("page", 1))))
    except ValueError:
        out["page"] = 1
    out["per_page"] = PER_PAGE
    return out


def sos_alerts(department: str | None) -> list[core_api.QueueItem]:
    """Open SOS matters of the department, oldest first (they page until acknowledged)."""
    ref = reference()
    items: list[core_api.QueueItem] = []
    for svc in ref.services_for(department):
        if svc.workflow != "sos":
            continue
        page = core_api.queue(api(), service_id=svc.id, open="1", order="urgent", per_page=10,
                              **({"department": department} if department else {}))
        items.extend(i for i in page.items if i.is_open)
    return items


def overdue_count(department: str | None) -> int:
    """How many of the department's matters are overdue (cached briefly per department)."""
    cache = current_app.extensions.setdefault("console", {}).setdefault("overdue", {})
    hit = cache.get(department)
    if hit is not None and time.monotonic() - hit[0] < ALERT_TTL_S:
        return hit[1]
    total = core_api.queue(api(), sla="overdue", per_page=1,
                           **({"department": department} if department else {})).total
    cache[department] = (time.monotonic(), total)
    return total


@bp.get("/queue")
@staff_required()
def queue() -> Any:
    staff = current_staff()
    assert staff is not None
    filters = queue_filters(request.args)
    if not staff.is_admin:
        filters.pop("department", None)
    page = core_api.queue(api(), **filters)
    dept = filters.get("department") if staff.is_admin else staff.department
    only_overdue = filters.get("sla") == "overdue" and set(filters) <= {
        "sla", "order", "page", "per_page", "department"}
    overdue = page.total if only_overdue else overdue_count(dept)
    ref = reference()
    rows = [(item, clock_status(item.is_open, item.due_at, item.overdue, item.escalated),
             ref.state_label(item.service_id, item.state)) for item in page.items]
    return render_template(
        "console/queue.html", nav="queue", page=page, rows=rows, filters=filters,
        services=ref.services_for(dept), states=ref.states_for(dept), channels=CHANNELS,
        departments=ref.departments if staff.is_admin else {}, overdue_count=overdue,
        sos=sos_alerts(dept), department=dept)
