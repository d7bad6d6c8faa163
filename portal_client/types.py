"""Typed views of what the API returns; channels work with these, not raw dicts."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

Texts = dict  # {"zh_CN": ..., "zh_TW": ..., "en": ...}


class PortalProblem(Exception):
    """An application/problem+json answer (or a transport failure, status 0)."""

    def __init__(self, status: int, code: str, detail: str, errors: dict[str, str] | None = None,
                 body: dict | None = None) -> None:
        super().__init__(f"{status} {code}: {detail}")
        self.status = status
        self.code = code
        self.detail = detail
        self.errors = errors or {}
        self.body = body or {}

    @property
    def field_errors(self) -> dict[str, str]:
        """Errors keyed by the service's field key (the API prefixes them with 'fields.')."""
        return {k.split(".", 1)[1] if k.startswith("fields.") else k: v
                for k, v in self.errors.items()}


class PortalUnavailable(PortalProblem):
    """The server could not be reached (offline kiosks queue submissions on this)."""

    def __init__(self, detail: str) -> None:
        super().__init__(0, "unavailable", detail)


@dataclass(frozen=True)
class Choice:
    value: str
    label: Texts
    price: str | None = None


@dataclass(frozen=True)
class Field:
    key: str
    type: str
    required: bool
    label: Texts
    help: Texts | None = None
    choices: tuple[Choice, ...] = ()
    min: Any = None
    max: Any = None
    pattern: str | None = None
    hints: dict = field(default_factory=dict)

    @classmethod
    def from_json(cls, d: dict) -> Field:
        return cls(key=d["key"], type=d["type"], required=d.get("required", False),
                   label=d["label"], help=d.get("help"),
                   choices=tuple(Choice(c["value"], c["label"], c.get("price"))
                                 for c in d.get("choices") or ()),
                   min=d.get("min"), max=d.get("max"), pattern=d.get("pattern"),
                   hints=d.get("hints") or {})


@dataclass(frozen=True)
class Service:
    id: str
    family: str
    theme: str | None
    title: Texts
    summary: Texts
    keywords: dict
    workflow: str
    handler: str
    sla: dict
    fee: dict
    requires_identity: bool
    channels: tuple[str, ...]
    fields: tuple[Field, ...]

    @classmethod
    def from_json(cls, d: dict) -> Service:
        return cls(id=d["id"], family=d["family"], theme=d.get("theme"), title=d["title"],
                   summary=d["summary"], keywords=d.get("keywords") or {},
                   workflow=d["workflow"], handler=d["handler"], sla=d.get("sla") or {},
                   fee={k: v for k, v in (d.get("fee") or {}).items() if v is not None},
                   requires_identity=d.get("requires_identity", False),
                   channels=tuple(d.get("channels") or ()),
                   fields=tuple(Field.from_json(f) for f in d.get("fields") or ()))


@dataclass(frozen=True)
class ServiceSummary:
    id: str
    family: str
    theme: str | None
    title: Texts
    summary: Texts
    workflow: str
    requires_identity: bool
    channels: tuple[str, ...]
    fee: dict

    @classmethod
    def from_json(cls, d: dict) -> ServiceSummary:
        return cls(id=d["id"], family=d["family"], theme=d.get("theme"), title=d["title"],
                   summary=d["summary"], workflow=d["workflow"],
                   requires_identity=d.get("requires_identity", False),
                   channels=tuple(d.get("channels") or ()), fee=d.get("fee") or {})


@dataclass(frozen=True)
class HistoryItem:
    at: str
    kind: str
    transition: str | None
    to_state: str | None
    state_label: Texts | None
    note: str | None


@dataclass(frozen=True)
class Matter:
    number: str
    service_id: str
    service_title: Texts | None
    state: str
    state_label: Texts
    next_step: Texts | None
    state_text: str
    next_step_text: str
    is_open: bool
    created_at: str
    due_at: str | None
    overdue: bool
    escalated: bool
    version: int
    amount_minor: int | None
    currency: str | None
    history: tuple[HistoryItem, ...]
    fields: dict | None = None
    allowed_transitions: tuple[dict, ...] = ()
    raw: dict = field(default_factory=dict, repr=False, compare=False)

    @classmethod
    def from_json(cls, d: dict) -> Matter:
        return cls(
            number=d["number"], service_id=d["service_id"], service_title=d.get("service_title"),
            state=d["state"], state_label=d["state_label"], next_step=d.get("next_step"),
            state_text=d.get("state_text", ""), next_step_text=d.get("next_step_text", ""),
            is_open=d["is_open"], created_at=d["created_at"], due_at=d.get("due_at"),
            overdue=d.get("overdue", False), escalated=d.get("escalated", False),
            version=d.get("version", 1), amount_minor=d.get("amount_minor"),
            currency=d.get("currency"),
            history=tuple(HistoryItem(h["at"], h["kind"], h.get("transition"), h.get("to_state"),
                                      h.get("state_label"), h.get("note"))
                          for h in d.get("history", ())),
            fields=d.get("fields"), allowed_transitions=tuple(d.get("allowed_transitions") or ()),
            raw=d)


@dataclass(frozen=True)
class InboxItem:
    id: int
    kind: str
    title: str
    body: str
    matter_number: str | None
    created_at: str
    read: bool
    data: dict | None = None

    @classmethod
    def from_json(cls, d: dict) -> InboxItem:
        return cls(d["id"], d["kind"], d["title"], d["body"], d.get("matter_number"),
                   d["created_at"], d.get("read", False), d.get("data"))


@dataclass(frozen=True)
class Session:
    """A signed-in resident: the bearer token and who they are."""

    token: str
    expires_in: int
    resident: dict


@dataclass(frozen=True)
class QueuedCall:
    """A caller in the agents' queue, as the hotline reported them."""

    call_ref: str
    channel: str
    queue: str
    caller: str | None
    lang: str
    status: str  # waiting | picked_up | left
    joined_at: str
    waited_s: int
    topic: str | None = None
    position: int | None = None
    matter_numbers: tuple[str, ...] = ()
    resident: dict | None = None  # {id, name, is_elder} when caller ID matched a resident
    picked_up_by: dict | None = None  # {id, name} of the agent
    left_reason: str | None = None

    @classmethod
    def from_json(cls, d: dict) -> QueuedCall:
        return cls(call_ref=d["call_ref"], channel=d["channel"], queue=d["queue"],
                   caller=d.get("caller"), lang=d.get("lang", "zh_CN"), status=d["status"],
                   joined_at=d["joined_at"], waited_s=int(d.get("waited_s", 0)),
                   topic=d.get("topic"), position=d.get("position"),
                   matter_numbers=tuple(d.get("matter_numbers") or ()),
                   resident=d.get("resident"), picked_up_by=d.get("picked_up_by"),
                   left_reason=d.get("left_reason"))


@dataclass(frozen=True)
class CallPickup:
    """An agent's pick-up: the call, and the caller's identity with open matter numbers (the
    /residents/by-phone view) when caller ID matched a resident."""

    call: QueuedCall
    resident: dict | None
