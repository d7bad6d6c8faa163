"""SLA and volume dashboards over a date range, drawn with Chart.js, exportable as CSV."""

from __future__ import annotations

import time
from datetime import UTC, date, datetime, timedelta
from typing import Any

from flask import Response, current_app, render_template, request

from channel_render.clock import community_today
from console import charts, core_api, i18n
from console.reference import reference
from console.staff import api, current_staff
from console.web import bp, staff_required

MAX_DAYS = 366
STATS_TTL_S = 60.0  # dashboards may be a minute old; "refresh" fetches them fresh
STATS_CACHED = 64


def date_range(args: Any) -> tuple[str, str, str | None]:
    """(from, to, error key): defaults to the last 30 days; bad or reversed dates are refused."""
    today = community_today()
    try:
        d_to = date.fromisoformat(args["to"]) if args.get("to") else today
        d_from = date.fromisoformat(args["from"]) if args.get("from") else d_to - timedelta(days=29)
    except ValueError:
        return (today - timedelta(days=29)).isoformat(), today.isoformat(), "dash.bad_date"
    if d_from > d_to:
        return d_to.isoformat(), d_from.isoformat(), "dash.reversed"
    if (d_to - d_from).days > MAX_DAYS:
        return (d_to - timedelta(days=MAX_DAYS)).isoformat(), d_to.isoformat(), "dash.too_long"
    return d_from.isoformat(), d_to.isoformat(), None


def cached_stats(d_from: str, d_to: str, dept: str | None,
                 fresh: bool) -> tuple[core_api.StatsSummary, float]:
    """The summary and when it was computed (reused for STATS_TTL_S seconds per range)."""
    cache = current_app.extensions.setdefault("console", {}).setdefault("stats", {})
    key = (d_from, d_to, dept)
    hit = cache.get(key)
    if hit is not None and not fresh and time.time() - hit[1] < STATS_TTL_S:
        return hit
    entry = (core_api.stats(api(), d_from, d_to, dept), time.time())
    if len(cache) >= STATS_CACHED:
        cache.pop(min(cache, key=lambda k: cache[k][1]))
    cache[key] = entry
    return entry


def _summary() -> tuple[core_api.StatsSummary, float, str | None, str | None]:
    staff = current_staff()
    assert staff is not None
    d_from, d_to, error = date_range(request.args)
    dept = (request.args.get("department") or None) if staff.is_admin else staff.department
    summary, at = cached_stats(d_from, d_to, dept, fresh=request.args.get("fresh") == "1")
    return summary, at, dept, error


@bp.get("/dashboard")
@staff_required()
def dashboard() -> Any:
    summary, at, dept, error = _summary()
    ref = reference()
    staff = current_staff()
    assert staff is not None
    return render_template(
        "console/dashboard.html", nav="dashboard", summary=summary, department=dept,
        data=charts.chart_data(summary, ref), error=i18n.tr(error) if error else None,
        departments=ref.departments if staff.is_admin else {}, ref=ref,
        computed_at=datetime.fromtimestamp(at, UTC))


@bp.get("/dashboard.csv")
@staff_required()
def dashboard_csv() -> Response:
    summary, _, dept, _ = _summary()
    name = f"dashboard_{dept or 'all'}_{summary.date_from}_{summary.date_to}.csv"
    return Response(charts.csv_text(summary, reference()), mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})
