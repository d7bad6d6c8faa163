"""SOS: help is being called — sent, waiting, acknowledged — or phone the hotline now."""

from __future__ import annotations

from datetime import datetime

from channel_render.clock import COMMUNITY_TZ
from qt_common.theme import restyle
from tv_app.pending import ACKNOWLEDGED, CLOSED, FAILED, QUEUED, RAISED, Action
from tv_app.screens.base import Screen


def spaced(number: str) -> str:
    """A matter number as it is read: 123 456 789."""
    return " ".join(number[i:i + 3] for i in range(0, len(number), 3))


class SosScreen(Screen):
    """Shows the one active SOS; updated by the care loop as it is sent and answered."""

    def __init__(self, app) -> None:
        super().__init__(app, "sos")
        self.action: Action | None = None
        self._said: tuple[str, bool] | None = None
        self.set_title("sos.title")
        self.status = self.label(level="danger", name="sos_status")
        self.status.setMinimumHeight(160)
        self.number = self.label(level="big", name="sos_number")
        self.step_sent = self.label(name="sos_step_sent")
        self.step_ack = self.label(name="sos_step_ack")
        self.state_line = self.label(name="sos_state")
        self.advice = self.label(level="muted", name="sos_advice")
        for w in (self.status, self.number, self.step_sent, self.step_ack, self.state_line,
                  self.advice):
            self.body.addWidget(w)
        self.body.addStretch(1)
        self.repeat = self.button("sos.repeat", "sos_repeat", on_ok=self.announce)
        self.home = self.button("sos.home", "sos_home", on_ok=app.nav.home)
        self.body.addLayout(self.row_of(self.repeat, self.home))
        app.care.sos_updated.connect(self._updated)
        app.care.reachability.connect(
            lambda _ok: self._updated(self.action) if self.action else None)
        app.language.on_change(self, self._render)

    def default_focus(self):
        return self.repeat

    def show_action(self, action: Action) -> None:
        """Show this SOS."""
        self.action = action
        self._render()

    def _updated(self, action: Action) -> None:
        if self.action is not None and action.client_ref != self.action.client_ref:
            return
        before = self._said
        self.action = action
        self._render()
        now = self._stage(action)
        # say each new stage once (the acknowledgement is said by the app, wherever we are)
        if now != before and action.state != ACKNOWLEDGED and self.app.nav.current is self:
            self.announce()

    def _offline(self, a: Action) -> bool:
        return a.state == QUEUED and (a.attempts > 0 or self.app.care.reachable is False)

    def _stage(self, a: Action) -> tuple[str, bool]:
        return (a.state, self._offline(a))

    def _render(self) -> None:
        tr, a = self.tr_, self.action
        if a is None:
            return
        phone = self.app.backend.hotline() or tr("error.no_phone")
        offline = self._offline(a)
        if a.state == FAILED:
            status = tr("sos.failed", phone=phone)
        elif offline:
            status = tr("sos.offline", phone=phone)
        elif a.state == QUEUED:
            status = tr("sos.sending")
        elif a.state == RAISED:
            status = tr("sos.raised")
        elif a.state == ACKNOWLEDGED:
            status = tr("sos.acknowledged")
        else:
            status = tr("sos.closed", state=a.status_label or "")
        self.status.setText(status)
        level = "ok" if a.state in (ACKNOWLEDGED, CLOSED) else "danger"
        if self.status.property("level") != level:
            self.status.setProperty("level", level)
            restyle(self.status)
        self.number.setText(tr("sos.number", number=spaced(a.matter_number))
                            if a.matter_number else tr("sos.number_pending"))
        sent = a.state in (RAISED, ACKNOWLEDGED, CLOSED)
        self.step_sent.setText(tr("sos.step_sent_done" if sent else "sos.step_sent_wait"))
        if a.acknowledged_at or a.state in (ACKNOWLEDGED, CLOSED):
            at = (datetime.fromisoformat(a.acknowledged_at).astimezone(COMMUNITY_TZ).strftime("%H:%M")
                  if a.acknowledged_at else "")
            self.step_ack.setText(tr("sos.step_ack_done", time=at))
        else:
            self.step_ack.setText(tr("sos.step_ack_wait"))
        self.state_line.setText(tr("sos.state", state=a.status_label) if a.status_label else "")
        self.state_line.setVisible(bool(a.status_label))
        self.advice.setText(tr("sos.advice", phone=phone))
        self.changed.emit()

    def speech(self) -> str:
        """Everything the screen says, in reading order."""
        return self.spoken(self.status.text(), self.number.text(), self.step_ack.text())

    def announce(self) -> None:
        """Say where help stands."""
        a = self.action
        if a is not None:
            self._said = self._stage(a)
        self.app.narrator.say(self.speech(), self.app.language.lang)

    def intro(self) -> str:
        a = self.action
        if a is not None:
            self._said = self._stage(a)
        return self.speech()
