"""Typed view of a medicine dose as the household's TV sees it."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Dose:
    """One of today's doses: when, which medicine, how much, and whether it was taken."""

    id: int
    schedule_id: int
    day: str
    time: str  # HH:MM, the community's time zone
    medicine: str
    dose: str
    due_at: str
    reminded: bool
    taken: bool
    taken_at: str | None = None
    missed: bool = False

    @classmethod
    def from_json(cls, d: dict) -> Dose:
        return cls(id=int(d["id"]), schedule_id=int(d["schedule_id"]), day=d["day"],
                   time=d["time"], medicine=d["medicine"], dose=d.get("dose") or "",
                   due_at=d["due_at"], reminded=bool(d.get("reminded")),
                   taken=bool(d.get("taken")), taken_at=d.get("taken_at"),
                   missed=bool(d.get("missed")))
