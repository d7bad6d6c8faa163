"""A sliding-window limit on failed sign-ins per client address (the core locks accounts)."""

from __future__ import annotations

import threading
import time
from collections import deque


class SignInThrottle:
    """At most `limit` failures per `window_s` seconds from one address, in this process."""

    def __init__(self, limit: int = 10, window_s: float = 300.0) -> None:
        self.limit = limit
        self.window_s = window_s
        self._failures: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def _recent(self, key: str, now: float) -> deque[float]:
        q = self._failures.setdefault(key, deque())
        while q and q[0] <= now - self.window_s:
            q.popleft()
        return q

    def retry_after(self, key: str, now: float | None = None) -> int:
        """Seconds until `key` may try again (0: it may try now)."""
        now = time.monotonic() if now is None else now
        with self._lock:
            q = self._recent(key, now)
            if len(q) < self.limit:
                return 0
            return max(1, int(q[0] + self.window_s - now) + 1)

    def failed(self, key: str, now: float | None = None) -> None:
        now = time.monotonic() if now is None else now
        with self._lock:
            self._recent(key, now).append(now)

    def succeeded(self, key: str) -> None:
        with self._lock:
            self._failures.pop(key, None)
