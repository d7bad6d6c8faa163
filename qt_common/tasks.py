"""Blocking calls (HTTP to the core) run off the UI thread; results return on the UI thread."""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

from PySide6.QtCore import QObject, Signal


class Worker(QObject):
    """One background thread running calls in order; callbacks run on the UI thread.

    `cancel_pending()` (idle wipe) makes the results of calls already started be dropped,
    so a slow answer can't put a resident's data back on a wiped screen.
    """

    _finished = Signal(object, object, object, int)
    busy_changed = Signal(bool)

    def __init__(self, name: str = "worker", parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix=name)
        self._generation = 0
        self._pending = 0
        self._lock = threading.Lock()
        self._closed = False
        self._finished.connect(self._deliver)

    def run(self, fn: Callable[[], Any], on_done: Callable[[Any], None] | None = None,
            on_error: Callable[[Exception], None] | None = None) -> Future:
        """Queue `fn()`; then `on_done(result)` or `on_error(exc)` on the UI thread.

        After `shutdown()` calls are dropped (a timer firing while the window closes).
        """
        if self._closed:
            dropped: Future = Future()
            dropped.cancel()
            return dropped
        gen = self._generation
        with self._lock:
            self._pending += 1
            if self._pending == 1:
                self.busy_changed.emit(True)

        def call() -> Any:
            try:
                result = fn()
            except Exception as exc:  # delivered to on_error on the UI thread
                self._finished.emit((on_done, on_error), None, exc, gen)
                return None
            self._finished.emit((on_done, on_error), result, None, gen)
            return result

        return self._pool.submit(call)

    def _deliver(self, callbacks: tuple, result: Any, error: Exception | None, gen: int) -> None:
        if self._closed:
            return  # the owner is gone (window closed): nothing may touch it now
        with self._lock:
            self._pending -= 1
            idle = self._pending == 0
        if idle:
            self.busy_changed.emit(False)
        if gen != self._generation:
            return
        on_done, on_error = callbacks
        if error is not None:
            if on_error is None:
                raise error
            on_error(error)
        elif on_done is not None:
            on_done(result)

    @property
    def busy(self) -> bool:
        """Whether any call is queued or running."""
        return self._pending > 0

    def cancel_pending(self) -> None:
        """Drop the results of every call started so far."""
        self._generation += 1

    def call_sync(self, fn: Callable[[], Any], timeout: float | None = None) -> Any:
        """Run `fn` on the worker thread and wait (start-up, shutdown, tests)."""
        return self._pool.submit(fn).result(timeout)

    def shutdown(self) -> None:
        """Stop accepting calls; running ones finish in the background."""
        self._closed = True
        self._generation += 1
        self._pool.shutdown(wait=False, cancel_futures=True)
