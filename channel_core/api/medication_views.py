"""Medication reminders: care staff manage a household's schedules; the household's TV lists
today's doses and confirms one taken."""

from __future__ import annotations

from apiflask import APIBlueprint
from flask import request
from pydantic import BaseModel, Field
from sqlalchemy import select

from channel_core.api.context import (
    documents_body,
    json_body,
    lang,
    portal,
    require_resident,
    require_staff,
    session_scope,
)
from channel_core.care import medication
from channel_core.care.models import MedicationDose, MedicationSchedule
from channel_core.errors import Forbidden, NotFound
from channel_core.identity import service as identity
from channel_core.identity.models import Household, Resident

bp = APIBlueprint("medication", __name__, url_prefix="/api/v1", tag="Elder care")


class ScheduleIn(BaseModel):
    """Documents the body; the checks (localized per field) are in care.medication."""

    medicine: str = Field(max_length=100)
    dose: str = Field(default="", max_length=100)
    times: list[str] | str = Field(description='["08:00", "20:00"] or "08:00, 20:00"')
    start_date: str | None = Field(default=None, description="YYYY-MM-DD")
    end_date: str | None = Field(default=None, description="YYYY-MM-DD, not before start")
    resident_id: int | None = None
    lang: str | None = Field(default=None, description="zh_CN|zh_TW|en; default the household's")


class PauseIn(BaseModel):
    paused: bool = True


def schedule_json(s: MedicationSchedule) -> dict:
    return {"id": s.id, "household_id": s.household_id, "resident_id": s.resident_id,
            "medicine": s.medicine, "dose": s.dose, "times": list(s.times),
            "start_date": s.start_date.isoformat() if s.start_date else None,
            "end_date": s.end_date.isoformat() if s.end_date else None,
            "lang": s.lang, "department": s.department, "created_by": s.created_by,
            "status": s.status, "created_at": s.created_at.isoformat()}


def dose_json(d: MedicationDose, s: MedicationSchedule) -> dict:
    return {"id": d.id, "schedule_id": s.id, "day": d.day.isoformat(), "time": d.time,
            "medicine": s.medicine, "dose": s.dose, "due_at": d.due_at.isoformat(),
            "reminded": d.reminded_at is not None, "taken": d.taken_at is not None,
            "taken_at": d.taken_at.isoformat() if d.taken_at else None,
            "missed": d.missed_at is not None}


def _department_named(exc: Forbidden) -> Forbidden:
    """Name the owning department in the reader's language rather than by its id."""
    dep_id = exc.params.get("department")
    dep = portal().catalog.tree.departments.get(str(dep_id)) if dep_id else None
    if dep is not None:
        exc.params["department"] = getattr(dep.name, lang(), None) or dep.name.en
    return exc


# --- staff ---------------------------------------------------------------------------------

@bp.get("/care/households")
@bp.doc(summary="Care staff: households with an elder (for setting up medication reminders)")
def care_households():
    a = require_staff()
    medication.require_care_staff(a)
    with session_scope() as s:
        rows = s.execute(select(Household, Resident)
                         .join(Resident, Resident.household_id == Household.id)
                         .where(Resident.is_elder.is_(True))
                         .order_by(Household.id, Resident.id)).all()
        out: dict[int, dict] = {}
        for h, r in rows:
            item = out.setdefault(h.id, {"id": h.id, "address": h.address, "lang": h.lang,
                                         "has_tv": h.box_id is not None, "elders": []})
            item["elders"].append({"id": r.id, "name": r.name})
        return {"items": list(out.values())}


@bp.get("/care/households/<int:household_id>/medication")
@bp.doc(summary="Care staff: a household's medication schedules (every department's)")
def list_schedules(household_id: int):
    a = require_staff()
    with session_scope() as s:
        rows = medication.schedules_of(s, a, household_id)
        return {"items": [schedule_json(r) for r in rows]}


@bp.post("/care/households/<int:household_id>/medication")
@bp.doc(summary="Care staff: set up a medication schedule (medicine, dose, times HH:MM, "
                "optional start/end dates)")
@documents_body(ScheduleIn)
def create_schedule(household_id: int):
    a = require_staff()
    req = medication.ScheduleRequest.from_json(json_body())
    with session_scope() as s:
        row = medication.create_schedule(s, a, household_id, req, lang())
        identity.audit(s, a, "medication.create", str(row.id),
                       {"household_id": household_id, "medicine": row.medicine,
                        "times": list(row.times)}, request.remote_addr)
        return schedule_json(row), 201


@bp.post("/care/medication/<int:schedule_id>/pause")
@bp.doc(summary="Care staff: pause ({\"paused\": true}) or resume a schedule of their department")
@documents_body(PauseIn)
def pause_schedule(schedule_id: int):
    a = require_staff()
    paused = bool(json_body().get("paused", True))
    with session_scope() as s:
        try:
            row = medication.set_paused(s, a, schedule_id, paused)
        except Forbidden as exc:
            raise _department_named(exc) from None
        identity.audit(s, a, "medication.pause" if paused else "medication.resume",
                       str(row.id), {"household_id": row.household_id}, request.remote_addr)
        return schedule_json(row)


@bp.delete("/care/medication/<int:schedule_id>")
@bp.doc(summary="Care staff: stop a schedule of their department for good")
def delete_schedule(schedule_id: int):
    a = require_staff()
    with session_scope() as s:
        try:
            row = medication.delete_schedule(s, a, schedule_id)
        except Forbidden as exc:
            raise _department_named(exc) from None
        identity.audit(s, a, "medication.delete", str(row.id),
                       {"household_id": row.household_id}, request.remote_addr)
        return schedule_json(row)


@bp.get("/care/medication/missed")
@bp.doc(summary="Care staff: doses of their department not confirmed in time (7 days)")
def missed():
    a = require_staff()
    with session_scope() as s:
        rows = medication.missed_doses(s, a)
        addresses = dict(s.execute(select(Household.id, Household.address).where(
            Household.id.in_({d.household_id for d, _ in rows}))).all()) if rows else {}
        return {"items": [{**dose_json(d, sch), "household_id": d.household_id,
                           "address": addresses.get(d.household_id)} for d, sch in rows]}


# --- the household (TV) ----------------------------------------------------------------------

def _household_id() -> tuple[int, int | None]:
    a = require_resident()
    if not a.household_id:
        raise NotFound("problem.household.unknown_box")
    return a.household_id, a.id


@bp.get("/me/medication/today")
@bp.doc(summary="The household's medicine doses today, in time order")
def today():
    hid, _rid = _household_id()
    with session_scope() as s:
        rows = medication.today_doses(s, hid)
        return {"day": medication.local_today().isoformat(),
                "items": [dose_json(d, sch) for d, sch in rows]}


@bp.post("/me/medication/doses/<int:dose_id>/taken")
@bp.doc(summary="Confirm one of today's doses taken (again: no change)")
def taken(dose_id: int):
    hid, rid = _household_id()
    with session_scope() as s:
        d, sch = medication.mark_taken(s, hid, dose_id, rid)
        return dose_json(d, sch)
