"""Record check-ins; at the deadline, raise a matter for every elder household that missed."""

from __future__ import annotations

from datetime import date, datetime, time

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from channel_core.actors import SYSTEM
from channel_core.care.models import CheckIn
from channel_core.catalog.catalog import Catalog
from channel_core.db import Database, utcnow
from channel_core.identity.models import Household, Resident
from channel_core.matters import service as matters
from channel_render.clock import COMMUNITY_TZ

MISSED_SERVICE = "gov.daily-checkin-missed"


def local_today(now: datetime | None = None) -> date:
    return (now or utcnow()).astimezone(COMMUNITY_TZ).date()


def check_in(session: Session, household_id: int, resident_id: int | None,
             now: datetime | None = None) -> tuple[CheckIn, bool]:
    """Record today's check-in once; returns (row, created)."""
    now = now or utcnow()
    day = local_today(now)
    existing = session.scalar(select(CheckIn).where(CheckIn.household_id == household_id,
                                                    CheckIn.day == day))
    if existing is not None:
        return existing, False
    row = CheckIn(household_id=household_id, resident_id=resident_id, day=day, at=now)
    try:
        with session.begin_nested():
            session.add(row)
    except IntegrityError:
        winner = session.scalar(select(CheckIn).where(CheckIn.household_id == household_id,
                                                      CheckIn.day == day))
        assert winner is not None  # the concurrent insert that beat us
        return winner, False
    return row, True


def today_status(session: Session, household_id: int, now: datetime | None = None) -> CheckIn | None:
    return session.scalar(select(CheckIn).where(CheckIn.household_id == household_id,
                                                CheckIn.day == local_today(now)))


def raise_missed(db: Database, catalog: Catalog, deadline: time,
                 now: datetime | None = None) -> list[str]:
    """After today's deadline, one matter per elder household with a TV box that has not
    checked in (idempotent: the client_ref names the household and day)."""
    now = now or utcnow()
    local = now.astimezone(COMMUNITY_TZ)
    if local.time() < deadline or catalog.service(MISSED_SERVICE) is None:
        return []
    day = local.date()
    raised = []
    with db.session() as s:
        rows = s.execute(
            select(Household.id, Resident.id, Resident.name, Resident.phone)
            .join(Resident, Resident.household_id == Household.id)
            .where(Household.box_id.is_not(None), Resident.is_elder.is_(True))
            .order_by(Household.id, Resident.id)).all()
        seen: set[int] = set()
        for hid, rid, name, phone in rows:
            if hid in seen:
                continue
            seen.add(hid)
            if today_status(s, hid, now) is not None:
                continue
            last = s.scalar(select(CheckIn.at).where(CheckIn.household_id == hid)
                            .order_by(CheckIn.day.desc()).limit(1))
            fields = {"note": f"{day.isoformat()} {deadline.strftime('%H:%M')}"}
            if last is not None:
                fields["last_checkin"] = last.astimezone(COMMUNITY_TZ).strftime("%Y-%m-%dT%H:%M")
            sub = matters.Submission(
                service_id=MISSED_SERVICE, fields=fields, channel="tv", lang="zh_CN",
                contact_name=name, contact_phone=phone,
                client_ref=f"checkin-missed:{hid}:{day.isoformat()}")
            actor = SYSTEM.__class__(kind="system", name="system", roles=SYSTEM.roles,
                                     household_id=hid)
            m, created = matters.submit(s, catalog, sub, actor, now=now)
            if created and m.number:
                m.resident_id = rid
                raised.append(m.number)
    return raised
