"""One order or request in progress: the service, the plan, the answers, one client_ref."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date, datetime

from channel_render import remote_plan
from channel_render.clock import COMMUNITY_TZ
from channel_render.remote_plan import MULTI, SLOT, Option, Plan, Step, day_text, option_text
from portal_client import Matter, Service
from tv_app.screens.base import Screen


@dataclass
class OrderFlow:
    """The answers so far; the same client_ref on every submit, so a retry never doubles."""

    service: Service
    plan: Plan
    origin: Screen  # where Back leads from the result
    answers: dict = field(default_factory=dict)
    client_ref: str = field(default_factory=lambda: f"tv-{uuid.uuid4().hex}")
    matter: Matter | None = None

    def fields(self) -> dict:
        """The submission's field values."""
        return remote_plan.values(self.plan, self.answers)

    def total_minor(self) -> int | None:
        """The price of what is chosen (None when free)."""
        return remote_plan.total_minor(self.service, self.fields())

    def currency(self) -> str:
        return str(self.service.fee.get("currency") or "CNY")

    def answer(self, step: Step) -> object:
        return self.answers.get((step.key, step.part))

    def set_answer(self, step: Step, value: object) -> None:
        self.answers[(step.key, step.part)] = value
        if step.part == "day":
            self.answers.pop((step.key, "slot"), None)  # a new day needs a new time

    def options(self, step: Step, now: datetime | None = None) -> tuple[Option, ...]:
        """The choices of a step (time slots depend on the day chosen before)."""
        if step.kind == SLOT and step.part == "slot":
            day = self.answers.get((step.key, "day"))
            if day is None:
                return ()
            now = now or datetime.now(COMMUNITY_TZ)
            return remote_plan.slot_times(step.field, date.fromisoformat(str(day)), now)
        return step.options


def answer_text(flow: OrderFlow, step: Step, tr, lang: str, pick) -> str:
    """A step's answer as the review screen reads it."""
    value = flow.answer(step)
    if value is None or value == []:
        return tr("answer.none")
    if step.part == "day":
        slot = flow.answers.get((step.key, "slot"))
        return f"{day_text(str(value), tr, lang)} {slot or ''}".strip()
    opts = {repr(o.value): o for o in flow.options(step)}
    if step.kind == MULTI:
        sep = tr("list.separator")
        chosen = value if isinstance(value, list) else [value]
        return sep.join(option_text(step, opts[repr(v)], tr, lang, pick).split("  ")[0]
                        for v in chosen if repr(v) in opts)
    if repr(value) in opts:
        return option_text(step, opts[repr(value)], tr, lang, pick)
    return str(value)
