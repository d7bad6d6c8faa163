"""Track a request: type its 9-digit number (or an 8-digit provisional code) on the keypad."""

from __future__ import annotations

from PySide6.QtWidgets import QHBoxLayout, QLineEdit, QVBoxLayout, QWidget

from kiosk.outbox import QUEUED, REFERRED, REJECTED, RETURNED, SENT, QueuedSubmission
from kiosk.screens.base import Screen, core_wording
from portal_client import Matter, PortalProblem, PortalUnavailable, Service
from qt_common import DIGITS, formatting, set_input_mode
from qt_common.i18n import reword


class TrackScreen(Screen):
    name = "track"
    title_key = "track.title"

    def __init__(self, ctx, parent=None) -> None:
        super().__init__(ctx, parent)
        row = QHBoxLayout()
        self.number = QLineEdit(self)
        self.number.setObjectName("track_number")
        self.number.setMaxLength(9)
        set_input_mode(self.number, DIGITS)
        ctx.language.bind(self.number, lambda: ctx.tr("track.hint"),
                          self.number.setPlaceholderText)
        self.number.returnPressed.connect(self.look_up)
        row.addWidget(self.number, 3)
        self.look = self.button("track.look_up", "track_look_up", "primary", self.look_up)
        row.addWidget(self.look, 1)
        self.layout_.addLayout(row)
        self.service_title = self.label("", level="heading", name="track_service")
        self.state = self.label("", name="track_state")
        self.next_step = self.label("", level="muted", name="track_next")
        for w in (self.service_title, self.state, self.next_step):
            self.layout_.addWidget(w)
        self.history_box = QWidget(self)
        self.history = QVBoxLayout(self.history_box)
        self.layout_.addWidget(self.scroller(self.history_box), 1)
        self.layout_.addWidget(self.button("nav.back", "track_back", None,
                                           lambda: ctx.nav.back()))
        self.matter: Matter | None = None
        self.provisional_code: str | None = None  # an 8-digit code looked up on this kiosk
        ctx.language.on_change(self, self._on_language)

    def enter(self, **params: object) -> None:
        super().enter(**params)
        self.number.setFocus()

    def _on_language(self) -> None:
        if self.provisional_code is not None:
            self._show_provisional(self.provisional_code)
        elif self.matter is not None and self.ctx.backend.online:
            self.look_up()  # the core words states in the requested language

    def look_up(self) -> None:
        code = self.number.text().strip()
        if len(code) == 8 and code.isdigit():
            self._show_provisional(code)
            return
        if len(code) != 9 or not code.isdigit():
            self.error_message("track.need_number")
            return
        self.message("track.looking")
        lang = self.ctx.lang
        self.ctx.worker.run(lambda: self.ctx.backend.track(code, lang), self.show_matter,
                            self._failed)

    def _failed(self, exc: Exception) -> None:
        self._clear_matter()
        if isinstance(exc, PortalUnavailable):
            self.error_message("error.offline")
        elif isinstance(exc, PortalProblem) and exc.status == 404:
            self.error_message("track.not_found")
        elif isinstance(exc, PortalProblem):
            self.show_error(core_wording(self.ctx, exc))
        else:
            self.error_message("error.unexpected")

    def _show_provisional(self, code: str) -> None:
        tr = self.ctx.tr
        row = self.ctx.backend.provisional(code)
        self._clear_matter()
        if row is None:
            self.error_message("track.not_found")
            return
        self.provisional_code = code
        svc = self.ctx.backend.catalog.services.get(row.service_id) if self.ctx.backend.catalog else None
        self.service_title.setText(self.ctx.language.pick(svc.title) if svc else row.service_id)
        reasons = self._reasons(row, svc)
        if row.state == SENT:
            self.state.setText(tr("track.provisional_sent", number=row.matter_number))
        elif row.state == QUEUED:
            self.state.setText(tr("track.provisional_queued"))
        elif row.state == REFERRED and row.referral_number:
            self.state.setText(tr("track.provisional_referred", reasons=reasons,
                                  number=row.referral_number))
        elif row.state in (REJECTED, REFERRED):
            self.state.setText(tr("track.provisional_rejected", reasons=reasons))
        elif row.state == RETURNED:
            self.state.setText(tr("track.provisional_returned", reasons=reasons))
        self.clear_status()

    def _reasons(self, row: QueuedSubmission, svc: Service | None) -> str:
        """Why the core refused it, in the language shown (the core's own messages,
        reworded from the same catalog entries, with the field's label in this language)."""
        refusal = row.reasons
        if refusal is None:
            return ""
        pick = self.ctx.language.pick
        labels = {f.key: pick(f.label) for f in svc.fields} if svc else {}
        said = [(text, labels.get(key)) for key, text in refusal.fields.items()] or \
            [(refusal.detail, None)]
        return self.ctx.tr("list.separator").join(
            (reword(text, refusal.lang, self.ctx.lang, **({"label": label} if label else {}))
             or text) for text, label in said if text)

    def _clear_matter(self) -> None:
        self.matter = None
        self.provisional_code = None
        for w in (self.service_title, self.state, self.next_step):
            w.clear()
        while self.history.count():
            w = self.history.takeAt(0).widget()
            if w is not None:
                w.deleteLater()

    def show_matter(self, m: Matter) -> None:
        self._clear_matter()
        self.matter = m
        tr, pick, lang = self.ctx.tr, self.ctx.language.pick, self.ctx.lang
        self.clear_status()
        self.service_title.setText(f"{pick(m.service_title)}  ·  {m.number}")
        self.state.setText(tr("track.state", state=m.state_text or pick(m.state_label)))
        self.next_step.setText(m.next_step_text or "")
        if m.overdue:
            self.next_step.setText(f"{self.next_step.text()}\n{tr('track.overdue')}")
        for item in m.history:
            when = formatting.moment(item.at, lang)
            what = pick(item.state_label) if item.state_label else tr(f"track.event.{item.kind}")
            text = f"{when}  {what}"
            if item.note:
                text += f"\n{item.note}"
            item_label = self.label(text, name="history_item")
            self.history.addWidget(item_label)
            item_label.show()
        self.history.addStretch(1)

    def reset(self) -> None:
        super().reset()
        self.number.clear()
        self._clear_matter()

    def speech_text(self) -> str:
        sep = self.ctx.language.t("qt", "speech.separator")
        parts = [self.title.text(), self.service_title.text(), self.state.text(),
                 self.next_step.text(), self.status.text() if self.status.isVisible() else ""]
        return sep.join(p for p in parts if p)
