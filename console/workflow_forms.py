"""Read the workflow template editor's form back into a template body, and map the core's
problem keys (states by name) onto the editor's inputs (states by position)."""

from __future__ import annotations

import re
from typing import Any

from werkzeug.datastructures import MultiDict

from portal_client.i18n import LANGS

ROLES = ("resident", "staff", "supervisor", "provider", "system", "admin")
MAX_ROWS = 60


def _texts(form: MultiDict, prefix: str, *, optional: bool = False) -> dict | None:
    out = {lg: (form.get(f"{prefix}.{lg}") or "").strip() for lg in LANGS}
    return None if optional and not any(out.values()) else out


def _names(raw: str) -> list[str]:
    return [s.strip() for s in raw.replace("，", ",").split(",") if s.strip()]


def _count(form: MultiDict, key: str) -> int:
    try:
        return min(MAX_ROWS, int(form.get(key) or 0))
    except ValueError:
        return 0


def workflow_body(form: MultiDict, name: str) -> dict:
    """The template the form describes (blank or deleted rows left out)."""
    states: dict[str, dict] = {}
    for i in range(_count(form, "state_count") + 1):
        p = f"states.{i}"
        sname = (form.get(f"{p}.name") or "").strip()
        if not sname or form.get(f"{p}.delete") == "1":
            continue
        st: dict[str, Any] = {"label": _texts(form, f"{p}.label")}
        if form.get(f"{p}.final") == "1":
            st["final"] = True
        if form.get(f"{p}.open") != "1":
            st["open"] = False
        nxt = _texts(form, f"{p}.next_step", optional=True)
        if nxt:
            st["next_step"] = nxt
        states[sname] = st
    transitions = []
    for i in range(_count(form, "transition_count") + 1):
        p = f"transitions.{i}"
        tname = (form.get(f"{p}.name") or "").strip()
        if not tname or form.get(f"{p}.delete") == "1":
            continue
        t: dict[str, Any] = {"name": tname, "label": _texts(form, f"{p}.label"),
                             "from": [s for s in form.getlist(f"{p}.from") if s],
                             "to": form.get(f"{p}.to") or "",
                             "roles": [r for r in ROLES if r in form.getlist(f"{p}.roles")]}
        if form.get(f"{p}.needs_note") == "1":
            t["needs_note"] = True
        transitions.append(t)
    clocks: dict[str, dict] = {}
    for i in range(_count(form, "clock_count") + 1):
        p = f"clocks.{i}"
        cname = (form.get(f"{p}.name") or "").strip()
        if not cname or form.get(f"{p}.delete") == "1":
            continue
        c: dict[str, Any] = {"sla": (form.get(f"{p}.sla") or "").strip(),
                             "stop_states": _names(form.get(f"{p}.stop_states") or "")}
        for opt in ("on_overdue", "repeat"):
            value = (form.get(f"{p}.{opt}") or "").strip()
            if value:
                c[opt] = value
        clocks[cname] = c
    body: dict[str, Any] = {"name": name, "title": _texts(form, "title"),
                            "initial": (form.get("initial") or "").strip(),
                            "states": states, "transitions": transitions}
    if clocks:
        body["clocks"] = clocks
    return body


_KEYED = re.compile(r"^(states|clocks)\.([^.]+)(.*)$")


def problems_by_input(errors: dict[str, str], body: dict, key: str) -> dict[str, str]:
    """The core's messages keyed by the editor's input names ('states.accepted.label.en' →
    'states.0.label.en'), without their 'workflow:<name>: ' prefix."""
    prefix = f"workflow:{key}: "
    positions = {sec: {n: i for i, n in enumerate(body.get(sec) or {})}
                 for sec in ("states", "clocks")}
    out = {}
    for k, v in errors.items():
        m = _KEYED.match(k)
        if m and m.group(2) in positions[m.group(1)]:
            k = f"{m.group(1)}.{positions[m.group(1)][m.group(2)]}{m.group(3)}"
        out[k] = v[len(prefix):] if v.startswith(prefix) else v
    return out
