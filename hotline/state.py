"""Where one caller is in the call: kept server-side by CallSid between webhooks."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field


@dataclass
class Form:
    """A service form being filled field by field."""

    service_id: str
    ref: str  # client_ref of the submission: replays never create a second matter
    index: int = 0  # the field being asked
    answers: dict = field(default_factory=dict)
    pending: object = None  # a spoken answer waiting for the caller's confirmation
    quick: bool = False  # elder quick order: pre-filled, only what is left is asked
    submitted: str | None = None  # matter number once submitted
    links: dict = field(default_factory=dict)  # photo field → upload link to text the caller


@dataclass
class CallState:
    """One call: caller, language, position in the flow, answers so far."""

    sid: str
    caller: str
    lang: str
    step: int = 0  # increments with every answered webhook; action URLs carry it
    node: str = "main"
    args: dict = field(default_factory=dict)
    stack: list = field(default_factory=list)  # [(node, args)] for "back"
    misses: int = 0  # silences / no-matches at the current prompt
    resident: dict | None = None  # caller-ID lookup (the /me view plus open_matters)
    token: str | None = None  # resident session after a one-time-code check
    form: Form | None = None
    family: str | None = None  # last family visited: routes voicemail to its department
    matters: list = field(default_factory=list)  # numbers created in this call
    voicemail: dict | None = None  # a voicemail being left: its recording or what was said
    ended: bool = False
    greeted: bool = False

    def to_json(self) -> str:
        return json.dumps(asdict(self), ensure_ascii=False, default=str)

    @classmethod
    def from_json(cls, text: str) -> CallState:
        data = json.loads(text)
        form = data.pop("form", None)
        state = cls(**data)
        state.form = Form(**form) if form else None
        state.stack = [tuple(x) for x in state.stack]
        return state
