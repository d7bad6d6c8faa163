"""Typed views of the core API calls the console makes beyond the shared client's methods."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

from portal_client import Matter, PortalClient, PortalProblem


@dataclass(frozen=True)
class QueueItem:
    number: str
    service_id: str
    service_title: dict | None
    state: str
    is_open: bool
    channel: str
    department: str
    created_at: str
    due_at: str | None
    overdue: bool
    escalated: bool
    contact_name: str | None
    contact_phone: str | None
    version: int

    @classmethod
    def from_json(cls, d: dict) -> QueueItem:
        return cls(number=d["number"], service_id=d["service_id"],
                   service_title=d.get("service_title"), state=d["state"],
                   is_open=d.get("is_open", True), channel=d.get("channel", ""),
                   department=d.get("department", ""), created_at=d["created_at"],
                   due_at=d.get("due_at"), overdue=d.get("overdue", False),
                   escalated=d.get("escalated", False), contact_name=d.get("contact_name"),
                   contact_phone=d.get("contact_phone"), version=d.get("version", 1))


@dataclass(frozen=True)
class QueuePage:
    total: int
    page: int
    per_page: int
    items: tuple[QueueItem, ...]
    total_capped: bool = False  # a text search with more hits than `total`

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))


@dataclass(frozen=True)
class StaffMatter:
    """A matter as its department's staff see it (fields, contact, transitions)."""

    matter: Matter
    department: str
    channel: str
    contact_name: str | None
    contact_phone: str | None
    resident_id: int | None
    assignee_id: int | None
    notify_via: str | None
    rating: int | None
    workflow: str
    history: tuple[dict, ...]

    @classmethod
    def from_matter(cls, m: Matter) -> StaffMatter:
        raw = m.raw
        return cls(matter=m, department=raw.get("department", ""), channel=raw.get("channel", ""),
                   contact_name=raw.get("contact_name"), contact_phone=raw.get("contact_phone"),
                   resident_id=raw.get("resident_id"), assignee_id=raw.get("assignee_id"),
                   notify_via=raw.get("notify_via"), rating=raw.get("rating"),
                   workflow=raw.get("workflow", ""), history=tuple(raw.get("history") or ()))

    @property
    def private(self) -> bool:
        """Whether the core showed the staff view (own department) rather than the public one."""
        return self.matter.fields is not None


@dataclass(frozen=True)
class StaffMember:
    id: int
    username: str
    name: str
    department: str
    roles: tuple[str, ...]
    kind: str


@dataclass(frozen=True)
class ResidentCard:
    """What an agent sees of a caller: who they are and their open matters."""

    id: int
    name: str
    lang: str
    is_elder: bool
    phone_masked: str | None
    address: str | None
    cards: tuple[dict, ...]
    wechat_bound: bool
    open_matters: tuple[str, ...]


@dataclass(frozen=True)
class StatsSummary:
    """The dashboard's figures for one date range (and department)."""

    date_from: str
    date_to: str
    department: str | None
    total: int
    by_channel: dict[str, int]
    by_family: dict[str, int]
    by_day: dict[str, int]
    top_services: tuple[tuple[str, int], ...]
    sla_met: int
    sla_breached: int
    sla_compliance: float | None
    avg_seconds_in_state: dict[str, float]
    ratings: dict[str, int]
    avg_rating: float | None
    sos_log: tuple[dict, ...]

    @classmethod
    def from_json(cls, d: dict) -> StatsSummary:
        sla = d.get("sla") or {}
        top = tuple((str(t[0]), int(t[1])) if isinstance(t, list | tuple)
                    else (str(t["service_id"]), int(t["count"])) for t in d.get("top_services") or ())
        return cls(date_from=d["from"], date_to=d["to"], department=d.get("department"),
                   total=int(d.get("total", 0)), by_channel=dict(d.get("by_channel") or {}),
                   by_family=dict(d.get("by_family") or {}), by_day=dict(d.get("by_day") or {}),
                   top_services=top, sla_met=int(sla.get("met", 0)),
                   sla_breached=int(sla.get("breached", 0)), sla_compliance=sla.get("compliance"),
                   avg_seconds_in_state=dict(d.get("avg_seconds_in_state") or {}),
                   ratings={str(k): int(v) for k, v in (d.get("ratings") or {}).items()},
                   avg_rating=d.get("avg_rating"), sos_log=tuple(d.get("sos_log") or ()))


@dataclass(frozen=True)
class AuditEntry:
    at: str
    actor_kind: str
    actor_id: int | None
    action: str
    target: str | None
    detail: Any
    ip: str | None


@dataclass(frozen=True)
class ContentVersion:
    version: int
    at: str
    staff: str | None
    note: str | None
    body: dict = field(repr=False)


def queue(client: PortalClient, **filters: Any) -> QueuePage:
    """One page of the signed-in member's queue."""
    out = client.queue(**filters)
    return QueuePage(total=int(out["total"]), page=int(out["page"]), per_page=int(out["per_page"]),
                     items=tuple(QueueItem.from_json(d) for d in out["items"]),
                     total_capped=bool(out.get("total_capped")))


def staff_matter(client: PortalClient, number: str) -> StaffMatter:
    return StaffMatter.from_matter(client.matter(number))


def staff_members(client: PortalClient, department: str | None = None) -> list[StaffMember]:
    out = client.get("/api/v1/staff", params={"department": department} if department else None)
    return [StaffMember(id=int(d["id"]), username=d["username"], name=d["name"],
                        department=d["department"], roles=tuple(d.get("roles") or ()),
                        kind=d.get("kind", "staff")) for d in out["items"]]


def resident_by_phone(client: PortalClient, phone: str) -> ResidentCard | None:
    """The resident with this phone number, or None if nobody has it."""
    try:
        d = client.get(f"/api/v1/residents/by-phone/{quote(phone, safe='')}")
    except PortalProblem as exc:
        if exc.status == 404:
            return None
        raise
    return resident_card(d)


def resident_card(d: dict) -> ResidentCard:
    """The core's resident view (with open matter numbers) as the desk shows it."""
    household = d.get("household") or {}
    return ResidentCard(id=int(d["id"]), name=d["name"], lang=d.get("lang", "zh_CN"),
                        is_elder=bool(d.get("is_elder")), phone_masked=d.get("phone_masked"),
                        address=household.get("address"), cards=tuple(d.get("cards") or ()),
                        wechat_bound=bool(d.get("wechat_bound")),
                        open_matters=tuple(d.get("open_matters") or ()))


def stats(client: PortalClient, date_from: str | None, date_to: str | None,
          department: str | None = None) -> StatsSummary:
    params = {k: v for k, v in (("from", date_from), ("to", date_to),
                                ("department", department)) if v}
    return StatsSummary.from_json(client.get("/api/v1/stats/summary", params=params))


def audit(client: PortalClient, page: int = 1) -> list[AuditEntry]:
    out = client.get("/api/v1/audit", params={"page": page})
    return [AuditEntry(at=d["at"], actor_kind=d["actor_kind"], actor_id=d.get("actor_id"),
                       action=d["action"], target=d.get("target"), detail=d.get("detail"),
                       ip=d.get("ip")) for d in out["items"]]


CONTENT_PATHS = {"service": "services", "workflow": "workflows", "notice": "notices", "faq": "faq"}


def save_content(client: PortalClient, kind: str, key: str, body: dict,
                 note: str | None = None) -> dict:
    """Save a new version of one content item; 422 PortalProblem lists what is wrong."""
    return client.request("PUT", f"/api/v1/{CONTENT_PATHS[kind]}/{quote(key, safe='')}",
                          json=body, params={"note": note} if note else None)


def content_versions(client: PortalClient, kind: str, key: str) -> list[ContentVersion]:
    out = client.get(f"/api/v1/content/{kind}/{quote(key, safe='')}/versions")
    return [ContentVersion(version=int(d["version"]), at=d["at"], staff=d.get("staff"),
                           note=d.get("note"), body=d.get("body") or {}) for d in out["items"]]


def export_yaml(client: PortalClient, kind: str, key: str) -> str:
    """The live version of one item as content/ YAML text."""
    out = client.get(f"/api/v1/content/{kind}/{quote(key, safe='')}.yaml")
    return out.decode("utf-8") if isinstance(out, bytes) else str(out)
