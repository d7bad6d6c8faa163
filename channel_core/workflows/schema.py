"""Workflow templates as data: states, transitions with roles, SLA clocks."""

from __future__ import annotations

from collections import deque
from datetime import timedelta

from pydantic import BaseModel, ConfigDict, Field, model_validator

from channel_core.catalog.schema import Texts, parse_duration

ROLES = ("resident", "staff", "supervisor", "provider", "system", "admin")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class StateDef(_Strict):
    label: Texts
    final: bool = False
    # Whether a matter in this state counts as open in queues and "my matters".
    open: bool = True
    # The step a resident is told comes next, per language.
    next_step: Texts | None = None


class TransitionDef(_Strict):
    name: str = Field(pattern=r"^[a-z][a-z_]*$")
    label: Texts
    from_: tuple[str, ...] = Field(alias="from")
    to: str
    roles: tuple[str, ...]
    needs_note: bool = False

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


class ClockDef(_Strict):
    """Runs from matter creation until the matter reaches one of `stop_states`."""

    sla: str  # a key of the service's sla (accept|complete) or a fixed duration like "2m"
    stop_states: tuple[str, ...]
    on_overdue: str | None = None  # transition to fire as `system` when overdue, if allowed
    repeat: str | None = None  # re-notify every this long while still overdue (SOS paging)

    def duration(self, service_sla: dict[str, str]) -> timedelta:
        return parse_duration(service_sla.get(self.sla, self.sla))


class WorkflowDef(_Strict):
    name: str
    title: Texts
    initial: str
    states: dict[str, StateDef]
    transitions: tuple[TransitionDef, ...]
    clocks: dict[str, ClockDef] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _sound(self) -> WorkflowDef:
        problems = check_workflow(self)
        if problems:
            raise ValueError("; ".join(problems))
        return self

    def transition(self, name: str) -> TransitionDef | None:
        return next((t for t in self.transitions if t.name == name), None)

    def available(self, state: str) -> list[TransitionDef]:
        return [t for t in self.transitions if state in t.from_]


def check_workflow(wf: WorkflowDef) -> list[str]:
    """Every state known, reachable from the initial one, and every non-final one has a way out."""
    problems: list[str] = []
    if wf.initial not in wf.states:
        problems.append(f"initial state {wf.initial!r} is not a state")
    names = [t.name for t in wf.transitions]
    if len(set(names)) != len(names):
        problems.append("duplicate transition names")
    for t in wf.transitions:
        for s in (*t.from_, t.to):
            if s not in wf.states:
                problems.append(f"transition {t.name!r} names unknown state {s!r}")
        for r in t.roles:
            if r not in ROLES:
                problems.append(f"transition {t.name!r} names unknown role {r!r}")
    for cname, clock in wf.clocks.items():
        for s in clock.stop_states:
            if s not in wf.states:
                problems.append(f"clock {cname!r} stops at unknown state {s!r}")
        if clock.on_overdue and wf.transition(clock.on_overdue) is None:
            problems.append(f"clock {cname!r} fires unknown transition {clock.on_overdue!r}")
        if clock.repeat:
            parse_duration(clock.repeat)
    if problems:
        return problems
    seen = {wf.initial}
    todo = deque([wf.initial])
    while todo:
        state = todo.popleft()
        for t in wf.available(state):
            if t.to not in seen:
                seen.add(t.to)
                todo.append(t.to)
    for s in wf.states:
        if s not in seen:
            problems.append(f"state {s!r} is unreachable from {wf.initial!r}")
    for s, sd in wf.states.items():
        if not sd.final and not wf.available(s):
            problems.append(f"non-final state {s!r} has no way out")
        if sd.final and wf.available(s):
            problems.append(f"final state {s!r} has transitions out")
    return problems
