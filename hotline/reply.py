"""What the hotline answers a caller, independent of the telephony vendor's markup."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from decimal import Decimal


@dataclass(frozen=True)
class Ask:
    """Wait for keys and/or speech after the lines are spoken (a Gather).

    Every question takes speech (with hints of what callers may say) except a PIN, which is
    keyed only and says so."""

    speech: bool = True  # accept speech as well as keys
    dtmf: bool = True
    num_digits: int | None = 1  # None: any length, ended by `finish_on_key` or a pause
    finish_on_key: str = "#"
    timeout_s: int = 6
    hints: tuple[str, ...] = ()
    speech_timeout: str = "auto"  # silence (s) that ends speech; "auto": the recogniser decides
    max_speech_s: int | None = None  # longest speech taken (Twilio: 60 at most)


@dataclass(frozen=True)
class Recording:
    """Record the caller (voicemail)."""

    max_length_s: int = 120
    transcribe: bool = False


# A line is its text, or (text, lang) when it is spoken in another language than the call.
Line = str | tuple[str, str]


@dataclass(frozen=True)
class Reply:
    """Lines to speak, then at most one of: ask, queue, record, go on to a node, hang up."""

    lines: tuple[Line, ...] = ()
    ask: Ask | None = None
    enqueue: bool = False
    record: Recording | None = None
    redirect: bool = False  # come straight back for the next question (<Redirect>)
    hangup: bool = False
    leave: bool = False  # leave the agent queue
    record_call: bool = False  # start recording the caller's side of the call (voicemail)
    pause_s: int = 0  # silence after the lines (hold in the queue)
    lang: str = "zh_CN"
    extra: dict = field(default_factory=dict)

    def before(self, *lines: Line) -> Reply:
        """The same reply with lines spoken first (an apology, a confirmation)."""
        return replace(self, lines=tuple(x for x in lines if x) + self.lines)


def spell_digits(number: str) -> str:
    """Digits (and letters) read one by one, in groups of three: '123456789' →
    '1 2 3, 4 5 6, 7 8 9'."""
    digits = [c.upper() for c in number if c.isascii() and c.isalnum()]
    groups = [" ".join(digits[i:i + 3]) for i in range(0, len(digits), 3)]
    return ", ".join(groups)


def yuan(minor: int) -> str:
    """An amount in minor units as spoken: 4160 → '41.60'."""
    return str((Decimal(minor) / 100).quantize(Decimal("0.01")))
