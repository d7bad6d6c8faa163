"""Per-call state and replayable answers, shared by every worker.

Twilio retries a webhook that timed out and several WSGI workers may answer one call, so
the call's state lives server-side, keyed by CallSid: in Redis when more than one process
serves calls, in memory for the embedded single-process server and tests. State in signed
action URLs was rejected: callers' answers (ID and phone numbers) would sit in URLs that
Twilio's debugger and proxies log, the URLs would grow with every field, and callbacks
Twilio makes outside the flow (transcriptions, call status) would not carry them.

Every webhook of a call is a *step*: it is claimed (one worker answers it), answered, and
its answer kept, so a retried webhook gets the same TwiML back and its side effects (a
matter, a payment) happen once. In Redis a step costs two round trips: claim + read, then
write state + answer + release.
"""

from __future__ import annotations

import threading
import time
from abc import ABC, abstractmethod
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass

from hotline.state import CallState

KEEP_RESPONSES = 8  # answers kept per call for replays (Twilio retries only the latest)
CLAIM_MS = 20_000  # longer than any webhook takes; a crashed worker's claim expires
WAIT_S = 15.0  # how long a retry waits for the worker still answering the same step


class StepBusy(Exception):
    """Another worker is still answering this step and did not finish in time."""


@dataclass
class Step:
    """One webhook of a call, claimed: the call's state and any answer already given."""

    sid: str
    key: str
    state: CallState | None
    kept: str | None  # set when this step was answered before (a retry)
    answer: str | None = None  # what this step answers (kept when the step ends)
    discard: bool = False  # leave the stored state as it was (a stale webhook)


class CallStore(ABC):
    """Call state with steps claimed one at a time, and replayable answers."""

    def __init__(self, ttl_s: int) -> None:
        self.ttl_s = ttl_s

    @abstractmethod
    def step(self, sid: str, key: str) -> AbstractContextManager[Step]:
        """Claim one step of a call; on a clean exit save `step.state` and `step.answer`."""

    @abstractmethod
    def load(self, sid: str) -> CallState | None:
        """The call's state (read-only uses: the queue's hold music)."""


class MemoryCallStore(CallStore):
    """One process: dictionaries with expiry and striped locks."""

    def __init__(self, ttl_s: int) -> None:
        super().__init__(ttl_s)
        self._states: dict[str, tuple[float, str]] = {}
        self._responses: dict[str, dict[str, str]] = {}
        self._locks = [threading.Lock() for _ in range(64)]
        self._mutex = threading.Lock()

    def _expire(self, now: float) -> None:
        for sid in [s for s, (exp, _) in self._states.items() if exp < now]:
            self._states.pop(sid, None)
            self._responses.pop(sid, None)

    def load(self, sid: str) -> CallState | None:
        with self._mutex:
            item = self._states.get(sid)
        if item is None or item[0] < time.monotonic():
            return None
        return CallState.from_json(item[1])

    @contextmanager
    def step(self, sid: str, key: str) -> Iterator[Step]:
        with self._locks[hash(sid) % len(self._locks)]:
            with self._mutex:
                kept = self._responses.get(sid, {}).get(key)
            current = Step(sid, key, self.load(sid), kept)
            yield current
            if current.kept is not None or current.state is None or current.discard:
                return
            now = time.monotonic()
            with self._mutex:
                if len(self._states) > 1000:
                    self._expire(now)
                self._states[sid] = (now + self.ttl_s, current.state.to_json())
                if current.answer is not None:
                    answers = self._responses.setdefault(sid, {})
                    answers[key] = current.answer
                    while len(answers) > KEEP_RESPONSES:
                        answers.pop(next(iter(answers)))


class RedisCallStore(CallStore):
    """Several workers: state as JSON with expiry, a claim per step, answers in a hash."""

    def __init__(self, url: str, ttl_s: int, prefix: str = "hotline:") -> None:
        super().__init__(ttl_s)
        import redis

        self.redis = redis.Redis.from_url(url, socket_timeout=2)
        self.prefix = prefix

    def _keys(self, sid: str) -> tuple[str, str]:
        return f"{self.prefix}call:{sid}", f"{self.prefix}resp:{sid}"

    def load(self, sid: str) -> CallState | None:
        raw = self.redis.get(self._keys(sid)[0])
        return CallState.from_json(_text(raw)) if raw else None

    @contextmanager
    def step(self, sid: str, key: str) -> Iterator[Step]:
        state_key, resp_key = self._keys(sid)
        claim = f"{self.prefix}claim:{sid}:{key}"
        pipe = self.redis.pipeline(transaction=False)
        pipe.set(claim, b"1", nx=True, px=CLAIM_MS)
        pipe.hget(resp_key, key)
        pipe.get(state_key)
        claimed, kept, raw = pipe.execute()
        if kept is None and not claimed:
            kept = self._wait_for(resp_key, key)  # a retry while another worker answers
        state = CallState.from_json(_text(raw)) if raw else None
        current = Step(sid, key, state, _text(kept) if kept else None)
        try:
            yield current
        except BaseException:
            if claimed:
                self.redis.delete(claim)
            raise
        if current.kept is not None or current.state is None or current.discard:
            if claimed:
                self.redis.delete(claim)
            return
        pipe = self.redis.pipeline(transaction=True)
        pipe.set(state_key, current.state.to_json(), ex=self.ttl_s)
        if current.answer is not None:
            pipe.hset(resp_key, key, current.answer)
            pipe.expire(resp_key, self.ttl_s)
        pipe.delete(claim)
        pipe.execute()

    def _wait_for(self, resp_key: str, key: str) -> str:
        deadline = time.monotonic() + WAIT_S
        while time.monotonic() < deadline:
            time.sleep(0.02)
            kept = self.redis.hget(resp_key, key)
            if kept is not None:
                return _text(kept)
        raise StepBusy(key)


def _text(value: bytes | str) -> str:
    return value.decode() if isinstance(value, bytes) else value


def open_store(url: str, ttl_s: int) -> CallStore:
    """The store named by HOTLINE_STORE: 'memory' or a redis:// URL."""
    if url.startswith(("redis://", "rediss://", "unix://")):
        return RedisCallStore(url, ttl_s)
    if url != "memory":
        raise ValueError(f"HOTLINE_STORE must be 'memory' or a redis:// URL, not {url!r}")
    return MemoryCallStore(ttl_s)
