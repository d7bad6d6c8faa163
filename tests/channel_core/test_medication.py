"""Medication reminders: care staff set schedules; each due dose reaches the household's inbox
once, in its language; the TV confirms doses; unconfirmed ones are recorded for staff."""

from __future__ import annotations

from datetime import datetime, time

import pytest
from sqlalchemy import func, select

from channel_core.care.checkin import local_today
from channel_core.care.medication import remind_due
from channel_core.care.models import MedicationDose, MedicationSchedule
from channel_core.jobs import core_jobs
from channel_core.notify.models import InboxMessage, OutboxMessage
from channel_render.clock import COMMUNITY_TZ
from portal_client import PortalProblem
from tests.conftest import client_for, staff_client

H1 = "阳光花园 3 号楼 2 单元 501"  # STB-DEMO-0001, zh_CN
H2 = "阳光花园 5 号楼 1 单元 302"  # STB-DEMO-0002, zh_TW


def at(hh: int, mm: int) -> datetime:
    return datetime.combine(local_today(), time(hh, mm), COMMUNITY_TZ)


def household_id(staff, address: str) -> int:
    items = staff.get("/api/v1/care/households")["items"]
    return next(h["id"] for h in items if h["address"] == address)


def set_up(staff, hid: int, **body) -> dict:
    return staff.post(f"/api/v1/care/households/{hid}/medication",
                      {"medicine": "氨氯地平", "dose": "1 片", "times": ["08:00", "20:00"], **body})


def tv(app, box: str = "STB-DEMO-0001"):
    c = client_for(app, "tv")
    c.sign_in_box(box)
    return c


def medication_inbox(app, hid: int) -> list[InboxMessage]:
    with app.extensions["portal"].db.session() as s:
        rows = s.scalars(select(InboxMessage).where(InboxMessage.household_id == hid,
                                                    InboxMessage.kind == "medication")).all()
        s.expunge_all()
        return list(rows)


def run_jobs(app, now: datetime, confirm_min: int = 60) -> int:
    state = app.extensions["portal"]
    queued = remind_due(state.db, confirm_min, now=now)
    core_jobs.deliver_outbox(state.db, state.senders)
    return queued


def test_each_due_dose_reaches_the_household_once_in_its_language(any_app):
    staff = staff_client(any_app, "zhao.min")
    h1, h2 = household_id(staff, H1), household_id(staff, H2)
    made = set_up(staff, h1)
    assert made["times"] == ["08:00", "20:00"] and made["department"] == "elder-care"
    assert made["lang"] == "zh_CN"
    set_up(staff, h2, medicine="Metformin", dose="500 mg", times=["08:00"])
    assert run_jobs(any_app, at(7, 59)) == 0  # nothing due yet
    assert run_jobs(any_app, at(8, 1)) == 2
    # A second worker, a rerun after a restart, and a worker that read the dose before the
    # first committed (reminded_at still empty): the outbox's dedupe key keeps one message.
    assert run_jobs(any_app, at(8, 2)) == 0
    db = any_app.extensions["portal"].db
    with db.session() as s:
        for d in s.scalars(select(MedicationDose)):
            d.reminded_at = None
    assert run_jobs(any_app, at(8, 3)) == 0
    with db.session() as s:
        n = s.scalar(select(func.count()).select_from(OutboxMessage)
                     .where(OutboxMessage.kind == "medication"))
    assert n == 2
    [m1] = medication_inbox(any_app, h1)
    [m2] = medication_inbox(any_app, h2)
    assert "氨氯地平" in m1.title and "吃药" in m1.title and "08:00" in m1.body
    assert "吃藥" in m2.title and "500 mg" in m2.body  # household 2 reads Traditional Chinese

    box = tv(any_app)
    doses = box.medication_today()
    assert [(d.time, d.medicine, d.dose, d.reminded, d.taken) for d in doses] == [
        ("08:00", "氨氯地平", "1 片", True, False), ("20:00", "氨氯地平", "1 片", False, False)]
    taken = box.mark_dose_taken(doses[0].id)
    assert taken.taken and box.mark_dose_taken(doses[0].id).taken_at == taken.taken_at
    assert [d.taken for d in box.medication_today()] == [True, False]
    with pytest.raises(PortalProblem) as exc:
        tv(any_app, "STB-DEMO-0002").mark_dose_taken(doses[1].id)  # not their dose
    assert exc.value.status == 404

    # An hour on: household 2 never confirmed, household 1 did; staff see the one missed dose.
    run_jobs(any_app, at(9, 5))
    missed = staff.get("/api/v1/care/medication/missed")["items"]
    assert [(m["address"], m["medicine"], m["time"]) for m in missed] == [(H2, "Metformin", "08:00")]
    assert staff_client(any_app, "sun.li").get("/api/v1/care/medication/missed")["items"] == []
    assert len(medication_inbox(any_app, h1)) == 1  # staff alerts never reach the household


def test_paused_and_deleted_schedules_send_nothing(app):
    staff = staff_client(app, "zhao.min")
    h1 = household_id(staff, H1)
    sid = set_up(staff, h1)["id"]
    staff.post(f"/api/v1/care/medication/{sid}/pause", {"paused": True})
    assert run_jobs(app, at(8, 1)) == 0 and tv(app).medication_today() == []
    staff.post(f"/api/v1/care/medication/{sid}/pause", {"paused": False})
    assert run_jobs(app, at(8, 2)) == 1
    staff.request("DELETE", f"/api/v1/care/medication/{sid}")
    assert staff.get(f"/api/v1/care/households/{h1}/medication")["items"] == []
    assert run_jobs(app, at(20, 1)) == 0
    actions = [e["action"] for e in staff_client(app, "admin").get("/api/v1/audit")["items"]]
    assert {"medication.create", "medication.pause", "medication.resume",
            "medication.delete"} <= set(actions)


def test_dates_bound_the_schedule(app):
    staff = staff_client(app, "zhao.min")
    h1 = household_id(staff, H1)
    tomorrow = local_today().toordinal() + 1
    from datetime import date

    later = date.fromordinal(tomorrow).isoformat()
    set_up(staff, h1, start_date=later)
    assert run_jobs(app, at(8, 1)) == 0 and tv(app).medication_today() == []


def problem(fn) -> PortalProblem:
    with pytest.raises(PortalProblem) as exc:
        fn()
    return exc.value


def test_bad_input_gets_clear_localized_errors(app):
    staff = staff_client(app, "zhao.min", lang="en")
    h1 = household_id(staff, H1)
    p = problem(lambda: set_up(staff, 9999))
    assert p.status == 404 and "9999" in p.detail
    p = problem(lambda: set_up(staff, h1, medicine=" ", times="8am, 25:00",
                               start_date="2026-03-10", end_date="2026-03-01"))
    assert p.status == 422
    assert p.errors["medicine"] == "Enter the medicine's name"
    assert "8am" in p.errors["times"] and "HH:MM" in p.errors["times"]
    assert p.errors["end_date"] == "The end date is before the start date"
    p = problem(lambda: set_up(staff, h1, times=[]))
    assert "times" in p.errors and "medicine" not in p.errors
    zh = staff_client(app, "zhao.min")
    assert problem(lambda: set_up(zh, h1, times=["8:00"])).errors["times"].startswith("“8:00”不是")
    # Property staff may not; health-centre staff may not change elder-care's schedule.
    p = problem(lambda: set_up(staff_client(app, "zhang.wei", lang="en"), h1))
    assert p.status == 403 and "elder-care and health-centre" in p.detail
    sid = set_up(staff, h1)["id"]
    nurse = staff_client(app, "sun.li", lang="en")
    p = problem(lambda: nurse.request("DELETE", f"/api/v1/care/medication/{sid}"))
    assert p.status == 403 and "Home Elder-Care Centre" in p.detail
    assert len(nurse.get(f"/api/v1/care/households/{h1}/medication")["items"]) == 1
    assert set_up(nurse, h1, medicine="Aspirin", times=["12:00"])["department"] == "health-centre"


def test_a_late_evening_dose_survives_midnight(app):
    """No run need land in the dose's last minute before midnight: the first run after it
    still reminds, and the elder can confirm it after midnight (then nothing is missed)."""
    from datetime import timedelta

    from channel_core.care.medication import mark_taken
    from channel_core.errors import NotFound

    staff = staff_client(app, "zhao.min")
    hid = household_id(staff, H1)
    set_up(staff, hid, times=["23:59"])
    yesterday = local_today() - timedelta(days=1)
    db = app.extensions["portal"].db
    with db.session() as s:  # set up two days ago
        s.scalars(select(MedicationSchedule)).one().created_at = datetime.combine(
            yesterday - timedelta(days=1), time(9, 0), COMMUNITY_TZ)
    late_evening = datetime.combine(yesterday, time(23, 58, 30), COMMUNITY_TZ)
    just_after = datetime.combine(local_today(), time(0, 0, 30), COMMUNITY_TZ)
    assert run_jobs(app, late_evening) == 0
    assert run_jobs(app, just_after) == 1  # yesterday's 23:59, within the late limit
    assert run_jobs(app, just_after + timedelta(minutes=1)) == 0
    [message] = medication_inbox(app, hid)
    assert "23:59" in message.body
    with db.session() as s:
        dose = s.scalars(select(MedicationDose)).one()
        assert dose.day == yesterday
        mark_taken(s, hid, dose.id, None, now=just_after + timedelta(minutes=10))
    run_jobs(app, just_after + timedelta(hours=2))
    assert staff.get("/api/v1/care/medication/missed")["items"] == []
    with db.session() as s, pytest.raises(NotFound):  # a day later: not confirmable
        mark_taken(s, hid, dose.id, None, now=just_after + timedelta(days=1))


def test_a_schedule_set_up_after_midnight_does_not_remind_last_night(app):
    from datetime import timedelta

    staff = staff_client(app, "zhao.min")
    hid = household_id(staff, H1)
    just_after = datetime.combine(local_today(), time(0, 0, 30), COMMUNITY_TZ)
    set_up(staff, hid, times=["23:59"])
    with app.extensions["portal"].db.session() as s:
        s.scalars(select(MedicationSchedule)).one().created_at = just_after
    assert run_jobs(app, just_after + timedelta(seconds=30)) == 0
    assert medication_inbox(app, hid) == []
