"""Who is signed in: the staff identity and bearer token kept in the signed session cookie."""

from __future__ import annotations

import time
from dataclasses import dataclass

from flask import current_app, g, session

from console.i18n import current_lang
from console.throttle import client_address
from portal_client import PortalClient, PortalProblem

EDITOR_ROLES = frozenset({"admin", "editor", "supervisor"})
CARE_DEPARTMENTS = frozenset({"elder-care", "health-centre"})
DEFAULT_IDLE_S = 30 * 60
DEFAULT_MAX_S = 8 * 3600


@dataclass(frozen=True)
class StaffIdentity:
    """A signed-in staff member or merchant, as the core described them at sign-in."""

    id: int
    username: str
    name: str
    department: str
    roles: frozenset[str]
    kind: str

    @classmethod
    def from_json(cls, d: dict) -> StaffIdentity:
        return cls(id=int(d["id"]), username=d["username"], name=d["name"],
                   department=d["department"], roles=frozenset(d.get("roles") or ()),
                   kind=d.get("kind") or "staff")

    def to_json(self) -> dict:
        return {"id": self.id, "username": self.username, "name": self.name,
                "department": self.department, "roles": sorted(self.roles), "kind": self.kind}

    @property
    def is_admin(self) -> bool:
        return "admin" in self.roles

    @property
    def is_merchant(self) -> bool:
        return self.kind == "merchant" or "provider" in self.roles

    @property
    def is_finance(self) -> bool:
        return "finance" in self.roles or self.is_admin

    @property
    def can_edit_content(self) -> bool:
        return bool(self.roles & EDITOR_ROLES)

    @property
    def cares_for_elders(self) -> bool:
        """Elder-care and health-centre staff set up medication reminders."""
        return self.is_admin or self.department in CARE_DEPARTMENTS

    def has_any(self, roles: frozenset[str] | set[str]) -> bool:
        """Whether this member holds one of `roles` (admin holds every role)."""
        return self.is_admin or bool(self.roles & set(roles))


def _limits() -> tuple[int, int]:
    cfg = current_app.config
    return (int(cfg.get("CONSOLE_IDLE_TIMEOUT_S", DEFAULT_IDLE_S)),
            int(cfg.get("CONSOLE_SESSION_MAX_S", DEFAULT_MAX_S)))


def new_client(token: str | None = None) -> PortalClient:
    """A client calling this portal's API in-process, in the console's language."""
    client = PortalClient.in_process(current_app._get_current_object(),  # type: ignore[attr-defined]
                                     lang=current_lang(), channel="console")
    client.token = token
    client.forwarded_for = client_address()  # the audit log records the staff's address
    return client


def sign_in(username: str, password: str, totp: str) -> StaffIdentity:
    """Password + TOTP through the core; on success the session holds the staff token."""
    client = new_client()
    out = client.sign_in_staff(username, password, totp)
    staff = StaffIdentity.from_json(out["staff"])
    idle, max_s = _limits()
    now = int(time.time())
    lang = session.get("lang")
    session.clear()
    if lang:
        session["lang"] = lang
    session.permanent = True
    session["staff"] = staff.to_json()
    session["token"] = out["token"]
    session["exp"] = now + min(int(out.get("expires_in") or max_s), max_s)
    session["seen"] = now
    return staff


def sign_out() -> None:
    """Revoke the token at the core (best effort) and forget the session."""
    token = session.get("token")
    if token:
        try:
            new_client(token).sign_out()
        except PortalProblem:
            pass
    lang = session.get("lang")
    session.clear()
    if lang:
        session["lang"] = lang


def session_state() -> str:
    """'none' (never signed in), 'expired' (idle or past its end) or 'active'."""
    if "staff" not in session or "token" not in session:
        return "none"
    idle, _ = _limits()
    now = int(time.time())
    if now >= int(session.get("exp", 0)) or now - int(session.get("seen", 0)) > idle:
        return "expired"
    if now - int(session.get("seen", 0)) >= 30:  # refresh the idle clock, not on every hit
        session["seen"] = now
    return "active"


def forget_expired() -> None:
    """Drop an expired session's identity but keep its language."""
    lang = session.get("lang")
    session.clear()
    if lang:
        session["lang"] = lang


def current_staff() -> StaffIdentity | None:
    """The signed-in member for this request (None when signed out or expired)."""
    if "console_staff" not in g:
        g.console_staff = (StaffIdentity.from_json(session["staff"])
                           if session_state() == "active" else None)
    return g.console_staff


def api() -> PortalClient:
    """The API client acting as the signed-in member for this request."""
    if "console_api" not in g:
        g.console_api = new_client(session.get("token"))
    return g.console_api
