"""Medication reminders: schedules care staff set up, the doses they fall due as, and the job
that reminds a household once per dose through the outbox (and records doses not confirmed)."""

from __future__ import annotations

import importlib
import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import cache
from typing import Any

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session

from channel_core.actors import Actor
from channel_core.care.checkin import local_today
from channel_core.care.models import MedicationDose, MedicationSchedule
from channel_core.db import Database, utcnow
from channel_core.errors import Forbidden, NotFound, ValidationFailed
from channel_core.identity.models import Household, Resident
from channel_core.notify.outbox import Notice, enqueue
from channel_render.clock import COMMUNITY_TZ
from portal_client.i18n import LANGS, gettext

# The departments that look after elders' medicines (staff of others may not set them up).
CARE_DEPARTMENTS = ("elder-care", "health-centre")
# A reminder later than this after its time (the server was down) is no longer sent.
LATE_LIMIT = timedelta(hours=2)
MAX_TIMES = 8
_HHMM = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")


@dataclass(frozen=True)
class ScheduleRequest:
    """What staff fill in for a new schedule (raw strings from the API body)."""

    medicine: str
    dose: str
    times: tuple[str, ...]
    start_date: str | None = None
    end_date: str | None = None
    resident_id: int | None = None
    lang: str | None = None

    @classmethod
    def from_json(cls, d: dict) -> ScheduleRequest:
        times = d.get("times")
        if isinstance(times, str):
            times = [t for t in re.split(r"[,\s，、]+", times) if t]
        return cls(medicine=str(d.get("medicine") or "").strip(),
                   dose=str(d.get("dose") or "").strip(),
                   times=tuple(str(t).strip() for t in times or ()),
                   start_date=d.get("start_date") or None, end_date=d.get("end_date") or None,
                   resident_id=d.get("resident_id") or None, lang=d.get("lang") or None)


def require_care_staff(actor: Actor) -> None:
    """Only elder-care and health-centre staff (and admins) manage medication schedules."""
    if actor.kind != "staff":
        raise Forbidden("problem.auth.staff_only")
    if not actor.is_admin and actor.department not in CARE_DEPARTMENTS:
        raise Forbidden("problem.medication.department")


def _household(session: Session, household_id: int) -> Household:
    h = session.get(Household, household_id)
    if h is None:
        raise NotFound("problem.medication.household_unknown", household=household_id)
    return h


def _day(value: object, key: str, lang: str, errors: dict[str, str]) -> date | None:
    if value in (None, ""):
        return None
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        errors[key] = gettext("core", "field.medication.date", lang)
        return None


def create_schedule(session: Session, actor: Actor, household_id: int, req: ScheduleRequest,
                    lang: str) -> MedicationSchedule:
    """Validate and save a new schedule for a household (errors in the staff's language)."""
    require_care_staff(actor)
    household = _household(session, household_id)
    errors: dict[str, str] = {}
    if not req.medicine:
        errors["medicine"] = gettext("core", "field.medication.medicine_required", lang)
    elif len(req.medicine) > 100:
        errors["medicine"] = gettext("core", "field.too_long_plain", lang)
    if len(req.dose) > 100:
        errors["dose"] = gettext("core", "field.too_long_plain", lang)
    bad = [t for t in req.times if not _HHMM.match(t)]
    if not req.times:
        errors["times"] = gettext("core", "field.medication.times_required", lang)
    elif bad:
        errors["times"] = gettext("core", "field.medication.time_format", lang, value=bad[0])
    elif len(set(req.times)) > MAX_TIMES:
        errors["times"] = gettext("core", "field.medication.too_many_times", lang, max=MAX_TIMES)
    start = _day(req.start_date, "start_date", lang, errors)
    end = _day(req.end_date, "end_date", lang, errors)
    if start and end and end < start:
        errors["end_date"] = gettext("core", "field.medication.end_before_start", lang)
    if req.lang is not None and req.lang not in LANGS:
        errors["lang"] = gettext("core", "field.invalid", lang)
    resident_id = req.resident_id
    if resident_id is not None:
        res = session.get(Resident, resident_id)
        if res is None or res.household_id != household.id:
            errors["resident_id"] = gettext("core", "field.medication.resident", lang)
    if errors:
        raise ValidationFailed(errors=errors)
    row = MedicationSchedule(
        household_id=household.id, resident_id=resident_id, medicine=req.medicine, dose=req.dose,
        times=sorted(set(req.times)), start_date=start, end_date=end,
        lang=req.lang or household.lang, department=actor.department or "admin",
        created_by=actor.id, status="active")
    session.add(row)
    session.flush()
    return row


def schedules_of(session: Session, actor: Actor, household_id: int) -> list[MedicationSchedule]:
    """A household's schedules (every department's: staff see what else the elder takes)."""
    require_care_staff(actor)
    _household(session, household_id)
    return list(session.scalars(
        select(MedicationSchedule).where(MedicationSchedule.household_id == household_id,
                                         MedicationSchedule.status != "deleted")
        .order_by(MedicationSchedule.id)))


def _own_schedule(session: Session, actor: Actor, schedule_id: int) -> MedicationSchedule:
    require_care_staff(actor)
    row = session.get(MedicationSchedule, schedule_id)
    if row is None or row.status == "deleted":
        raise NotFound("problem.medication.unknown")
    if row.department != actor.department and not actor.is_admin:
        raise Forbidden("problem.medication.other_department", department=row.department)
    return row


def set_paused(session: Session, actor: Actor, schedule_id: int, paused: bool) -> MedicationSchedule:
    """Pause (no reminders) or resume a schedule of the staff's own department."""
    row = _own_schedule(session, actor, schedule_id)
    row.status = "paused" if paused else "active"
    return row


def delete_schedule(session: Session, actor: Actor, schedule_id: int) -> MedicationSchedule:
    """Stop a schedule for good (kept, marked deleted, so its dose history stays)."""
    row = _own_schedule(session, actor, schedule_id)
    row.status = "deleted"
    return row


def missed_doses(session: Session, actor: Actor, days: int = 7,
                 now: datetime | None = None) -> list[tuple[MedicationDose, MedicationSchedule]]:
    """Doses of the staff's department not confirmed in time, newest first."""
    require_care_staff(actor)
    since = local_today(now) - timedelta(days=days)
    stmt = (select(MedicationDose, MedicationSchedule)
            .join(MedicationSchedule, MedicationSchedule.id == MedicationDose.schedule_id)
            .where(MedicationDose.missed_at.is_not(None), MedicationDose.day >= since)
            .order_by(MedicationDose.due_at.desc()).limit(200))
    if not actor.is_admin:
        stmt = stmt.where(MedicationSchedule.department == actor.department)
    return [(d, s) for d, s in session.execute(stmt).all()]


# --- doses ------------------------------------------------------------------------------

def _applies(s: MedicationSchedule, day: date) -> bool:
    return ((s.start_date is None or s.start_date <= day) and
            (s.end_date is None or s.end_date >= day))


def due_moment(day: date, hhmm: str) -> datetime:
    """A local time of day on a local day, as an aware datetime."""
    return datetime.combine(day, time.fromisoformat(hhmm), COMMUNITY_TZ)


@cache
def _dose_insert(dialect: str) -> Any:
    """INSERT … ON CONFLICT DO NOTHING for doses (two workers may materialise the same day)."""
    dml = importlib.import_module(f"sqlalchemy.dialects.{dialect}")
    return dml.insert(MedicationDose.__table__).on_conflict_do_nothing(
        index_elements=["schedule_id", "day", "time"])


def _materialise(session: Session, schedules: list[MedicationSchedule], day: date,
                 until: datetime | None = None, after: datetime | None = None) -> None:
    rows = [dict(schedule_id=s.id, household_id=s.household_id, day=day, time=t,
                 due_at=due_moment(day, t))
            for s in schedules if _applies(s, day) for t in s.times
            if (until is None or due_moment(day, t) <= until)
            and (after is None or due_moment(day, t) > max(after, s.created_at))]
    if rows:
        session.flush()
        conn = session.connection()
        conn.execute(_dose_insert(conn.dialect.name), rows)


def today_doses(session: Session, household_id: int, now: datetime | None = None
                ) -> list[tuple[MedicationDose, MedicationSchedule]]:
    """Today's doses of a household's active schedules, in time order, after yesterday's
    still unconfirmed late-evening ones (a 23:30 dose can be confirmed at 00:10)."""
    now = now or utcnow()
    day = local_today(now)
    active = list(session.scalars(select(MedicationSchedule).where(
        MedicationSchedule.household_id == household_id, MedicationSchedule.status == "active")))
    _materialise(session, active, day)
    ids = [s.id for s in active if _applies(s, day) or _applies(s, day - timedelta(days=1))]
    if not ids:
        return []
    yesterday_late = and_(MedicationDose.day == day - timedelta(days=1),
                          MedicationDose.due_at > now - LATE_LIMIT,
                          MedicationDose.taken_at.is_(None))
    return [(d, s) for d, s in session.execute(
        select(MedicationDose, MedicationSchedule)
        .join(MedicationSchedule, MedicationSchedule.id == MedicationDose.schedule_id)
        .where(MedicationDose.household_id == household_id,
               or_(MedicationDose.day == day, yesterday_late),
               MedicationDose.schedule_id.in_(ids))
        .order_by(MedicationDose.day, MedicationDose.time, MedicationSchedule.medicine)).all()]


def mark_taken(session: Session, household_id: int, dose_id: int, resident_id: int | None,
               now: datetime | None = None) -> tuple[MedicationDose, MedicationSchedule]:
    """The elder confirms a dose of today, or a late one of last night (again: nothing
    changes)."""
    now = now or utcnow()
    dose = session.get(MedicationDose, dose_id)
    if dose is None or dose.household_id != household_id or (
            dose.day != local_today(now) and dose.due_at <= now - LATE_LIMIT):
        raise NotFound("problem.medication.dose_unknown")
    if dose.taken_at is None:
        dose.taken_at = now
        dose.taken_by = resident_id
    schedule = session.get(MedicationSchedule, dose.schedule_id)
    assert schedule is not None
    return dose, schedule


def reminder_notice(s: MedicationSchedule, dose: MedicationDose) -> Notice:
    """The household's inbox message for one dose, in the schedule's language."""
    lang = s.lang
    dose_text = s.dose or gettext("core", "notice.medication.no_dose", lang)
    return Notice(
        medium="inbox", kind="medication", lang=lang, household_id=s.household_id,
        resident_id=s.resident_id,
        title=gettext("core", "notice.medication.title", lang, medicine=s.medicine),
        body=gettext("core", "notice.medication.body", lang, time=dose.time,
                     medicine=s.medicine, dose=dose_text),
        # The outbox keeps one row per key: however many workers or reruns, one message.
        dedupe_key=f"medication:{s.id}:{dose.day.isoformat()}:{dose.time}")


def remind_due(db: Database, confirm_minutes: int = 60, now: datetime | None = None) -> int:
    """Queue one inbox reminder per dose that has come due; record doses not confirmed
    within `confirm_minutes` for the department. Returns how many reminders were queued."""
    now = now or utcnow()
    day = local_today(now)
    queued = 0
    with db.session() as s:
        active = list(s.scalars(select(MedicationSchedule).where(
            MedicationSchedule.status == "active")))
        _materialise(s, active, day, until=now)
        # a late-evening dose whose minute no run hit before midnight (runs drift, restarts),
        # if the schedule already existed then
        _materialise(s, active, day - timedelta(days=1), until=now, after=now - LATE_LIMIT)
        due = s.execute(
            select(MedicationDose, MedicationSchedule)
            .join(MedicationSchedule, MedicationSchedule.id == MedicationDose.schedule_id)
            .where(MedicationSchedule.status == "active", MedicationDose.reminded_at.is_(None),
                   MedicationDose.taken_at.is_(None), MedicationDose.due_at <= now,
                   MedicationDose.due_at > now - LATE_LIMIT)
            .order_by(MedicationDose.id)).all()
        for dose, schedule in due:
            if enqueue(s, reminder_notice(schedule, dose)):
                queued += 1
            dose.reminded_at = now
        late = s.execute(
            select(MedicationDose, MedicationSchedule)
            .join(MedicationSchedule, MedicationSchedule.id == MedicationDose.schedule_id)
            .where(MedicationDose.reminded_at.is_not(None), MedicationDose.taken_at.is_(None),
                   MedicationDose.missed_at.is_(None),
                   MedicationDose.due_at <= now - timedelta(minutes=confirm_minutes))
            .order_by(MedicationDose.id)).all()
        for dose, schedule in late:
            dose.missed_at = now
            household = s.get(Household, schedule.household_id)
            enqueue(s, Notice(
                medium="staff", kind="medication_missed", lang="zh_CN",
                address=schedule.department,  # the department's alerts, not the household's
                title=gettext("core", "notice.medication.missed_title", "zh_CN",
                              medicine=schedule.medicine),
                body=gettext("core", "notice.medication.missed_body", "zh_CN",
                             address=household.address if household else "-",
                             time=dose.time, medicine=schedule.medicine),
                dedupe_key=f"medication-missed:{dose.id}"))
    return queued
