"""Medication reminders: elder-care and health-centre staff set up a household's medicine
schedule (the core reminds the household's TV at each time) and see doses not confirmed."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask import flash, redirect, render_template, request, url_for

from console import i18n
from console.staff import api, current_staff
from console.web import bp, forbidden, staff_required
from portal_client import PortalClient, PortalProblem

FORM_FIELDS = ("medicine", "dose", "times", "start_date", "end_date")


@dataclass(frozen=True)
class CareHousehold:
    id: int
    address: str
    lang: str
    has_tv: bool
    elders: tuple[str, ...]


@dataclass(frozen=True)
class Schedule:
    id: int
    medicine: str
    dose: str
    times: tuple[str, ...]
    start_date: str | None
    end_date: str | None
    lang: str
    department: str
    status: str


@dataclass(frozen=True)
class MissedDose:
    address: str | None
    day: str
    time: str
    medicine: str
    dose: str


def households(client: PortalClient) -> list[CareHousehold]:
    out = client.get("/api/v1/care/households")["items"]
    return [CareHousehold(id=int(d["id"]), address=d["address"], lang=d["lang"],
                          has_tv=bool(d.get("has_tv")),
                          elders=tuple(e["name"] for e in d.get("elders") or ())) for d in out]


def schedules(client: PortalClient, household_id: int) -> list[Schedule]:
    out = client.get(f"/api/v1/care/households/{household_id}/medication")["items"]
    return [Schedule(id=int(d["id"]), medicine=d["medicine"], dose=d.get("dose") or "",
                     times=tuple(d["times"]), start_date=d.get("start_date"),
                     end_date=d.get("end_date"), lang=d["lang"], department=d["department"],
                     status=d["status"]) for d in out]


def missed(client: PortalClient) -> list[MissedDose]:
    out = client.get("/api/v1/care/medication/missed")["items"]
    return [MissedDose(address=d.get("address"), day=d["day"], time=d["time"],
                       medicine=d["medicine"], dose=d.get("dose") or "") for d in out]


def _guard() -> Any:
    staff = current_staff()
    if staff is None or not staff.cares_for_elders:
        return forbidden("medication.forbidden")
    return None


@bp.get("/medication")
@staff_required()
def medication_index() -> Any:
    refused = _guard()
    if refused:
        return refused
    return render_template("console/medication.html", nav="medication",
                           households=households(api()), missed=missed(api()))


def _household(household_id: int) -> CareHousehold | None:
    return next((h for h in households(api()) if h.id == household_id), None)


def _render(household_id: int, values: dict[str, str] | None = None,
            errors: dict[str, str] | None = None, status: int = 200) -> Any:
    household = _household(household_id)
    if household is None:
        return render_template("console/error.html", title=i18n.tr("error.404.title"),
                               message=i18n.tr("medication.no_household"), kept=[]), 404
    return render_template("console/medication_household.html", nav="medication",
                           household=household, schedules=schedules(api(), household_id),
                           values=values or {}, errors=errors or {}), status


@bp.get("/medication/<int:household_id>")
@staff_required()
def medication_household(household_id: int) -> Any:
    return _guard() or _render(household_id)


@bp.post("/medication/<int:household_id>")
@staff_required()
def medication_add(household_id: int) -> Any:
    refused = _guard()
    if refused:
        return refused
    values = {k: request.form.get(k, "").strip() for k in FORM_FIELDS}
    try:
        made = api().post(f"/api/v1/care/households/{household_id}/medication", values)
    except PortalProblem as exc:
        if exc.status == 422:
            return _render(household_id, values, exc.errors, 422)
        raise
    flash(i18n.tr("medication.added", medicine=made["medicine"],
                  times=", ".join(made["times"])), "success")
    return redirect(url_for("console.medication_household", household_id=household_id))


@bp.post("/medication/<int:household_id>/<int:schedule_id>/pause")
@staff_required()
def medication_pause(household_id: int, schedule_id: int) -> Any:
    refused = _guard()
    if refused:
        return refused
    paused = request.form.get("paused") == "1"
    return _change(household_id, "medication.paused" if paused else "medication.resumed",
                   lambda: api().post(f"/api/v1/care/medication/{schedule_id}/pause",
                                      {"paused": paused}))


@bp.post("/medication/<int:household_id>/<int:schedule_id>/delete")
@staff_required()
def medication_delete(household_id: int, schedule_id: int) -> Any:
    refused = _guard()
    if refused:
        return refused
    return _change(household_id, "medication.deleted",
                   lambda: api().request("DELETE", f"/api/v1/care/medication/{schedule_id}"))


def _change(household_id: int, done_key: str, call: Callable[[], object]) -> Any:
    """Pause, resume or delete; the core's refusal (another department's schedule, one
    already gone) is shown on the household's page in the staff's language."""
    try:
        call()
    except PortalProblem as exc:
        if exc.status not in (403, 404):
            raise
        flash(exc.detail or i18n.tr("error.forbidden"), "error")
    else:
        flash(i18n.tr(done_key), "success")
    return redirect(url_for("console.medication_household", household_id=household_id))
