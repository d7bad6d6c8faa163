"""Who is acting: a resident, a staff member, a channel or the system itself."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Actor:
    kind: str  # resident|staff|channel|system
    id: int | None = None
    name: str | None = None
    roles: frozenset[str] = field(default_factory=frozenset)
    department: str | None = None
    channel: str | None = None
    household_id: int | None = None
    lang: str | None = None

    @property
    def is_staff(self) -> bool:
        return self.kind == "staff"

    @property
    def is_admin(self) -> bool:
        return self.kind == "staff" and "admin" in self.roles


SYSTEM = Actor(kind="system", name="system", roles=frozenset({"system"}))
