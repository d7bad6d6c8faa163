"""SOS and the daily check-in: queued durably, sent at once, retried, acknowledgement polled."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QTimer, Signal

from tv_app.backend import FlushReport
from tv_app.pending import ACKNOWLEDGED, QUEUED, RAISED, SENT, Action

if TYPE_CHECKING:
    from tv_app.app import TvApp


class Care(QObject):
    """Raises SOS calls and check-ins through the box's durable queue.

    Sending runs on the app's urgent worker (never behind a slow catalog call); while the
    server is down the queue is retried every few seconds, and a raised SOS is polled until
    staff acknowledge it, which is shown (an alert when elsewhere) and spoken.
    """

    sos_updated = Signal(object)  # Action
    checkin_updated = Signal(object)  # Action
    reachability = Signal(bool)

    def __init__(self, app: TvApp) -> None:
        super().__init__(app)
        self.app = app
        self.reachable: bool | None = None
        self._flushing = False
        self._polling = False
        t = app.config.timing
        self.retry_timer = QTimer(self)
        self.retry_timer.setInterval(int(t.sos_retry_s * 1000))
        self.retry_timer.timeout.connect(self.flush)
        self.poll_timer = QTimer(self)
        self.poll_timer.setInterval(int(t.sos_poll_s * 1000))
        self.poll_timer.timeout.connect(self.poll)

    # --- starting and state ------------------------------------------------------------

    def start(self) -> None:
        """Resume whatever the queue holds from before a restart."""
        active = self.app.pending.active_sos()
        if active is not None:
            self.app.open_sos(active)
        if self.app.pending.queued():
            self.flush()
        self._schedule(active)

    def active_sos(self) -> Action | None:
        """The SOS being sent or handled."""
        return self.app.pending.active_sos()

    # --- SOS -----------------------------------------------------------------------------

    def raise_sos(self) -> Action:
        """The red key or the SOS tile: one active SOS, written to disk before anything else."""
        action, created = self.app.backend.raise_sos()
        self.app.dismiss_alert(restore=False)
        self.app.open_sos(action)
        if created:
            self.flush()
        else:
            self.sos_updated.emit(action)
        return action

    def flush(self) -> None:
        """Send what is queued (one pass at a time)."""
        if self._flushing:
            return
        self._flushing = True
        self.app.urgent.run(self.app.backend.send_pending, self._flushed, self._flush_failed)

    def _flushed(self, report: FlushReport) -> None:
        self._flushing = False
        self._set_reachable(report.reachable)
        for ref in (*report.sent, *report.failed):
            self._emit(ref)
        for action in self.app.pending.queued():
            self._emit(action.client_ref)  # attempts/error changed
        self._schedule(self.app.pending.active_sos())

    def _flush_failed(self, exc: Exception) -> None:
        self._flushing = False
        self._set_reachable(False)
        self._schedule(self.app.pending.active_sos())

    def _emit(self, ref: str) -> None:
        action = self.app.pending.get(ref)
        if action is None:
            return
        (self.sos_updated if action.kind == "sos" else self.checkin_updated).emit(action)

    def _schedule(self, active: Action | None) -> None:
        if self.app.pending.queued():
            self.retry_timer.start()
        else:
            self.retry_timer.stop()
        t = self.app.config.timing
        if active is not None and active.state in (RAISED, ACKNOWLEDGED):
            slow = active.state == ACKNOWLEDGED
            self.poll_timer.setInterval(int(t.sos_poll_s * (10 if slow else 1) * 1000))
            if not self.poll_timer.isActive():
                self.poll_timer.start()
        else:
            self.poll_timer.stop()

    def poll(self) -> None:
        """Ask whether staff have answered the active SOS."""
        active = self.app.pending.active_sos()
        if active is None or active.state == QUEUED or self._polling:
            self._schedule(active)
            return
        self._polling = True
        before = active.state
        self.app.urgent.run(lambda: self.app.backend.poll_sos(active.client_ref),
                            lambda a: self._polled(a, before), self._poll_failed)

    def _polled(self, action: Action, before: str) -> None:
        self._polling = False
        self._set_reachable(True)
        self.sos_updated.emit(action)
        if action.state == ACKNOWLEDGED and before != ACKNOWLEDGED:
            self.app.sos_acknowledged(action)
        self._schedule(self.app.pending.active_sos())

    def _poll_failed(self, exc: Exception) -> None:
        self._polling = False
        self._set_reachable(False)

    # --- check-in ------------------------------------------------------------------------

    def check_in(self) -> Action:
        """One press: today's "I'm OK", queued durably and sent at once."""
        action, created = self.app.backend.queue_check_in()
        if created or action.state == QUEUED:
            self.flush()
        self.checkin_updated.emit(action)
        return action

    def checked_in_today(self) -> bool:
        """Whether this box's check-in for today reached the core."""
        action = self.app.backend.today_check_in()
        return action is not None and action.state == SENT

    def _set_reachable(self, ok: bool) -> None:
        if ok != self.reachable:
            self.reachable = ok
            self.reachability.emit(ok)
