"""Dashboard figures as Chart.js datasets and as CSV rows, labelled in the staff's language."""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta

from console import i18n
from console.core_api import StatsSummary
from console.reference import Reference


def _days(summary: StatsSummary) -> list[tuple[str, int]]:
    """Every day of the range, zero where nothing came in."""
    start, end = date.fromisoformat(summary.date_from), date.fromisoformat(summary.date_to)
    if (end - start).days > 366 or end < start:
        return sorted(summary.by_day.items())
    out = []
    d = start
    while d <= end:
        out.append((d.isoformat(), int(summary.by_day.get(d.isoformat(), 0))))
        d += timedelta(days=1)
    return out


def _family_label(ref: Reference, family: str) -> str:
    for fam in ref.families:
        if fam.get("id") == family:
            return i18n.text_of(fam.get("label"))
    return family


def _state_label(ref: Reference, state: str) -> str:
    for wf in ref.workflows.values():
        st = wf.get("states", {}).get(state)
        if st:
            return i18n.text_of(st["label"])
    return state


def _service_label(ref: Reference, service_id: str) -> str:
    svc = ref.services.get(service_id)
    return i18n.text_of(svc.title) if svc else service_id


def chart_data(summary: StatsSummary, ref: Reference) -> dict:
    """Labels and values for every chart on the dashboard."""
    days = _days(summary)
    channels = sorted(summary.by_channel.items(), key=lambda kv: -kv[1])
    families = sorted(summary.by_family.items(), key=lambda kv: -kv[1])
    states = sorted(summary.avg_seconds_in_state.items(), key=lambda kv: -kv[1])
    return {
        "by_day": {"labels": [d for d, _ in days], "values": [n for _, n in days],
                   "series": i18n.tr("dash.matters")},
        "by_channel": {"keys": [c for c, _ in channels],
                       "labels": [i18n.tr(f"channel.{c}") for c, _ in channels],
                       "values": [n for _, n in channels]},
        "by_family": {"keys": [f for f, _ in families],
                      "labels": [_family_label(ref, f) for f, _ in families],
                      "values": [n for _, n in families], "series": i18n.tr("dash.matters")},
        "sla": {"labels": [i18n.tr("dash.sla_met"), i18n.tr("dash.sla_breached")],
                "values": [summary.sla_met, summary.sla_breached]},
        "state_hours": {"keys": [s for s, _ in states],
                        "labels": [_state_label(ref, s) for s, _ in states],
                        "values": [round(sec / 3600, 4) for _, sec in states],
                        "series": i18n.tr("dash.hours")},
        "ratings": {"labels": ["★" * n for n in range(1, 6)],
                    "values": [summary.ratings.get(str(n), 0) for n in range(1, 6)],
                    "series": i18n.tr("dash.ratings_count")},
        "top_services": {"keys": [s for s, _ in summary.top_services],
                         "labels": [_service_label(ref, s) for s, _ in summary.top_services],
                         "values": [n for _, n in summary.top_services],
                         "series": i18n.tr("dash.matters")},
    }


def csv_text(summary: StatsSummary, ref: Reference) -> str:
    """Every figure of the dashboard as CSV (section, key, label, value), UTF-8 with BOM."""
    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow([i18n.tr("csv.section"), i18n.tr("csv.key"), i18n.tr("csv.label"),
                i18n.tr("csv.value")])
    w.writerow(["range", "from", i18n.tr("dash.from"), summary.date_from])
    w.writerow(["range", "to", i18n.tr("dash.to"), summary.date_to])
    w.writerow(["total", "matters", i18n.tr("dash.total"), summary.total])
    for d, n in _days(summary):
        w.writerow(["by_day", d, d, n])
    for c, n in sorted(summary.by_channel.items()):
        w.writerow(["by_channel", c, i18n.tr(f"channel.{c}"), n])
    for f, n in sorted(summary.by_family.items()):
        w.writerow(["by_family", f, _family_label(ref, f), n])
    w.writerow(["sla", "met", i18n.tr("dash.sla_met"), summary.sla_met])
    w.writerow(["sla", "breached", i18n.tr("dash.sla_breached"), summary.sla_breached])
    w.writerow(["sla", "compliance", i18n.tr("dash.sla_compliance"),
                "" if summary.sla_compliance is None else summary.sla_compliance])
    for s, sec in sorted(summary.avg_seconds_in_state.items()):
        w.writerow(["avg_hours_in_state", s, _state_label(ref, s), round(sec / 3600, 3)])
    for n in range(1, 6):
        w.writerow(["ratings", str(n), "★" * n, summary.ratings.get(str(n), 0)])
    w.writerow(["ratings", "average", i18n.tr("dash.avg_rating"),
                "" if summary.avg_rating is None else summary.avg_rating])
    for s, n in summary.top_services:
        w.writerow(["top_services", s, _service_label(ref, s), n])
    for e in summary.sos_log:
        w.writerow(["sos_log", e.get("number", ""), _service_label(ref, e.get("service_id", "")),
                    f"{e.get('state', '')} {e.get('created_at', '')}".strip()])
    return "\ufeff" + buf.getvalue()
