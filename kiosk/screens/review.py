"""Review what was entered, then submit (asking for sign-in first where the service needs it)."""

from __future__ import annotations

from PySide6.QtWidgets import QGridLayout, QHBoxLayout, QWidget

from kiosk.backend import FieldErrors, Receipt, SignInRequired
from kiosk.screens.base import Screen, core_wording
from portal_client import PortalProblem, PortalUnavailable
from qt_common import formatting


class ReviewScreen(Screen):
    name = "review"
    title_key = "review.title"

    def __init__(self, ctx, parent=None) -> None:
        super().__init__(ctx, parent)
        self.service_title = self.label("", level="heading", name="review_service")
        self.layout_.addWidget(self.service_title)
        self.inner = QWidget(self)
        self.grid = QGridLayout(self.inner)
        self.grid.setColumnStretch(1, 1)
        self.layout_.addWidget(self.scroller(self.inner), 1)
        self.who = self.label("", level="muted", name="review_who")
        self.layout_.addWidget(self.who)
        buttons = QHBoxLayout()
        self.edit = self.button("review.edit", "review_edit", None, lambda: ctx.nav.back())
        self.submit_button = self.button("review.submit", "review_submit", "primary", self.submit)
        buttons.addWidget(self.edit)
        buttons.addWidget(self.submit_button)
        self.layout_.addLayout(buttons)
        ctx.language.on_change(self, self.refresh)

    def enter(self, **params: object) -> None:
        super().enter(**params)
        self.submit_button.setEnabled(True)
        self.refresh()

    def resume(self) -> None:
        self.refresh()

    def refresh(self) -> None:
        while self.grid.count():
            w = self.grid.takeAt(0).widget()
            if w is not None:
                w.deleteLater()
        draft = self.ctx.draft
        if draft is None:
            self.service_title.clear()
            self.who.clear()
            return
        tr, pick = self.ctx.tr, self.ctx.language.pick
        self.service_title.setText(pick(draft.service.title))
        lines = draft.describe()
        if draft.contact and draft.contact.get("phone"):
            lines.append((tr("form.contact_phone"), draft.contact["phone"]))
        fee = draft.service.fee.get("amount")
        if fee and fee not in ("0", "0.00"):
            lines.append((tr("review.fee"), formatting.money(fee, draft.service.fee.get(
                "currency", "CNY"), self.ctx.lang)))
        for i, (label, value) in enumerate(lines):
            name = self.label(label, level="muted", name=f"review_label_{i}")
            val = self.label(value, name=f"review_value_{i}")
            self.grid.addWidget(name, i, 0)
            self.grid.addWidget(val, i, 1)
            name.show()
            val.show()
        resident = self.ctx.backend.resident
        self.who.setText(tr("review.as_resident", name=resident.name) if resident
                         else tr("review.anonymous"))

    def submit(self) -> None:
        draft = self.ctx.draft
        if draft is None:
            return
        if draft.service.requires_identity and self.ctx.backend.resident is None:
            self.ctx.go("signin", then="review")
            return
        self.submit_button.setEnabled(False)
        self.edit.setEnabled(False)
        self.message("review.sending")
        lang = self.ctx.lang
        self.ctx.worker.run(
            lambda: self.ctx.backend.submit(draft.service, draft.values, lang, draft.contact),
            self._submitted, self._failed)

    def _submitted(self, receipt: Receipt) -> None:
        self.ctx.receipt = receipt
        self.ctx.draft = None
        self.submit_button.setEnabled(True)
        self.edit.setEnabled(True)
        self.ctx.go("receipt", fresh=True)

    def _failed(self, exc: Exception) -> None:
        self.submit_button.setEnabled(True)
        self.edit.setEnabled(True)
        if isinstance(exc, FieldErrors):
            self.ctx.nav.back()
            form = self.ctx.nav.current()
            if hasattr(form, "show_core_errors"):
                form.show_core_errors(exc.errors)
        elif isinstance(exc, SignInRequired):
            self.ctx.go("signin", then="review")
        elif isinstance(exc, PortalUnavailable):
            self.error_message("error.offline")
        elif isinstance(exc, PortalProblem):
            self.show_error(core_wording(self.ctx, exc))
        else:
            self.error_message("error.unexpected")

    def reset(self) -> None:
        super().reset()
        self.refresh()

    def speech_text(self) -> str:
        sep = self.ctx.language.t("qt", "speech.separator")
        draft = self.ctx.draft
        parts = [self.title.text(), self.service_title.text()]
        if draft is not None:
            parts += [f"{label} {value}" for label, value in draft.describe()]
        return sep.join(p for p in parts if p)
