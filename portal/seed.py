"""Seed the database with demo people and anything other packages seed (idempotent)."""

from __future__ import annotations

import importlib

import yaml
from sqlalchemy import select

from channel_core.config import PortalConfig
from channel_core.db import Database
from channel_core.identity.models import ApiToken, Card, Household, Resident, StaffUser
from channel_core.identity.secrets import hash_secret, token_digest

# Other packages' seeders: module with `seed(db, config) -> list[str]`.
SEEDERS: tuple[str, ...] = ("payments.seed",)


def seed_people(db: Database, config: PortalConfig) -> list[str]:
    path = config.content_dir / "demo" / "people.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    report = []
    with db.session() as s:
        households = {}
        for h in data["households"]:
            row = s.scalar(select(Household).where(Household.address == h["address"]))
            if row is None:
                row = Household(address=h["address"], box_id=h.get("box_id"), lang=h["lang"])
                s.add(row)
                s.flush()
            households[h["key"]] = row
        for r in data["residents"]:
            res = s.scalar(select(Resident).where(Resident.phone == r["phone"]))
            if res is None:
                res = Resident(name=r["name"], phone=r["phone"], lang=r["lang"],
                               household_id=households[r["household"]].id,
                               is_elder=r.get("is_elder", False),
                               wechat_openid=r.get("wechat_openid"))
                s.add(res)
                s.flush()
            card = r.get("card")
            if card and s.scalar(select(Card).where(Card.uid == card["uid"])) is None:
                s.add(Card(uid=card["uid"], resident_id=res.id, pin_hash=hash_secret(card["pin"])))
        for st in data["staff"]:
            if s.scalar(select(StaffUser).where(StaffUser.username == st["username"])) is None:
                s.add(StaffUser(username=st["username"], name=st["name"],
                                password_hash=hash_secret(st["password"]),
                                department=st["department"], roles=st["roles"],
                                kind=st.get("kind", "staff"), totp_secret=st["totp_secret"]))
        for channel, raw in data["channel_tokens"].items():
            if s.scalar(select(ApiToken).where(ApiToken.token_hash == token_digest(raw))) is None:
                s.add(ApiToken(token_hash=token_digest(raw), kind="channel", channel=channel))
    report.append(f"people: {len(data['households'])} households, {len(data['residents'])} "
                  f"residents, {len(data['staff'])} staff, {len(data['channel_tokens'])} channel tokens")
    return report


def seed_medication(db: Database, config: PortalConfig) -> list[str]:
    """The demo households' medication schedules (once per household and medicine)."""
    from channel_core.care.models import MedicationSchedule

    path = config.content_dir / "demo" / "people.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    addresses = {h["key"]: h["address"] for h in data["households"]}
    phones = {r["key"]: r["phone"] for r in data["residents"]}
    items = data.get("medication") or []
    with db.session() as s:
        for m in items:
            household = s.scalar(select(Household).where(
                Household.address == addresses[m["household"]]))
            staff = s.scalar(select(StaffUser).where(StaffUser.username == m["staff"]))
            if household is None or staff is None:
                continue
            if s.scalar(select(MedicationSchedule.id).where(
                    MedicationSchedule.household_id == household.id,
                    MedicationSchedule.medicine == m["medicine"])) is not None:
                continue
            resident = s.scalar(select(Resident.id).where(
                Resident.phone == phones[m["resident"]])) if m.get("resident") else None
            s.add(MedicationSchedule(
                household_id=household.id, resident_id=resident, medicine=m["medicine"],
                dose=m.get("dose", ""), times=sorted(m["times"]), lang=household.lang,
                department=staff.department, created_by=staff.id, status="active"))
    return [f"medication: {len(items)} schedules"]


def seed(config: PortalConfig) -> list[str]:
    db = Database(config.database_url)
    try:
        report = seed_people(db, config)
        report.extend(seed_medication(db, config))
        for name in SEEDERS:
            try:
                mod = importlib.import_module(name)
            except ModuleNotFoundError as exc:
                if exc.name in (name, name.split(".")[0]):
                    continue
                raise
            report.extend(mod.seed(db, config))
        return report
    finally:
        db.dispose()
