"""The catalog, departments and workflow templates, fetched from the API and cached while
the catalog version stays the same."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass

from flask import current_app

from console.staff import new_client
from portal_client import Service

TTL_S = 2.0
_lock = threading.Lock()


@dataclass(frozen=True)
class Reference:
    """One snapshot of the live catalog as the API serves it."""

    version: str
    services: dict[str, Service]
    raw_services: dict[str, dict]
    departments: dict[str, dict]
    workflows: dict[str, dict]
    notices: tuple[dict, ...]
    faq: tuple[dict, ...]
    families: tuple[dict, ...]

    def state_label(self, service_id: str, state: str) -> dict | None:
        """The per-language label of a state of this service's current workflow."""
        svc = self.services.get(service_id)
        wf = self.workflows.get(svc.workflow) if svc else None
        st = (wf or {}).get("states", {}).get(state)
        return st["label"] if st else None

    def services_for(self, department: str | None) -> list[Service]:
        """Services a department handles (all of them for None)."""
        return sorted((s for s in self.services.values()
                       if department is None or s.handler == department), key=lambda s: s.id)

    def states_for(self, department: str | None) -> dict[str, dict]:
        """state name -> label across the workflows of the department's services."""
        out: dict[str, dict] = {}
        for svc in self.services_for(department):
            for name, st in self.workflows.get(svc.workflow, {}).get("states", {}).items():
                out.setdefault(name, st["label"])
        return out

    def department_name(self, dep_id: str) -> dict | None:
        dep = self.departments.get(dep_id)
        return dep.get("name") if dep else None


def _fetch() -> Reference:
    client = new_client()
    cat = client.catalog()
    wfs = client.get("/api/v1/workflows")["items"]
    return Reference(
        version=cat["version"],
        services={d["id"]: Service.from_json(d) for d in cat["services"]},
        raw_services={d["id"]: d for d in cat["services"]},
        departments={d["id"]: d for d in cat.get("departments") or ()},
        workflows={w["name"]: w for w in wfs},
        notices=tuple(cat.get("notices") or ()),
        faq=tuple(cat.get("faq") or ()),
        families=tuple(cat.get("families") or ()),
    )


def _live_version() -> str:
    """The catalog version, from a filtered listing that matches nothing (a tiny answer)."""
    return str(new_client().get("/api/v1/services", params={"family": "-"})["version"])


def reference() -> Reference:
    """The cached snapshot; after TTL_S seconds the catalog version is checked and the
    snapshot refetched only if it changed (an edit here or in another worker)."""
    holder = current_app.extensions.setdefault("console", {})
    with _lock:
        cached = holder.get("reference")
    if cached is not None:
        checked_at, ref = cached
        if time.monotonic() - checked_at < TTL_S:
            return ref
        if _live_version() == ref.version:
            with _lock:
                holder["reference"] = (time.monotonic(), ref)
            return ref
    ref = _fetch()
    with _lock:
        holder["reference"] = (time.monotonic(), ref)
    return ref


def invalidate() -> None:
    """Forget the snapshot (after the console saved an edit)."""
    with _lock:
        current_app.extensions.setdefault("console", {}).pop("reference", None)
