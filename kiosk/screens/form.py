"""A service's form, generated from its catalog fields; the core checks every field."""

from __future__ import annotations

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QHBoxLayout

from kiosk.context import Draft
from kiosk.screens.base import Screen
from portal_client import Field, Service
from portal_client.i18n import LANGS, gettext
from qt_common import FormView, formatting
from qt_common.fields.text import AddressEditor

CONTACT_KEY = "kiosk_contact_phone"  # kiosk-only field: where to text updates (anonymous)
VALIDATE_DELAY_MS = 500


def contact_field() -> Field:
    """The optional phone an anonymous resident leaves for SMS updates."""
    label = {lang: gettext("kiosk", "form.contact_phone", lang) for lang in LANGS}
    return Field(CONTACT_KEY, "phone", False, label,
                 help={lang: gettext("kiosk", "form.contact_phone_help", lang) for lang in LANGS})


class FormScreen(Screen):
    name = "form"

    def __init__(self, ctx, parent=None) -> None:
        super().__init__(ctx, parent)
        self.summary = self.label("", level="muted", name="summary")
        self.layout_.addWidget(self.summary)
        self.identity = QHBoxLayout()
        self.identity_note = self.label("", level="error", name="identity_note")
        self.identity.addWidget(self.identity_note, 3)
        self.sign_in = self.button("form.sign_in_now", "form_sign_in", None,
                                   lambda: ctx.go("signin"))
        self.identity.addWidget(self.sign_in, 1)
        self.layout_.addLayout(self.identity)
        self.area = self.scroller()
        self.layout_.addWidget(self.area, 1)
        buttons = QHBoxLayout()
        buttons.addWidget(self.button("nav.back", "form_back", None, lambda: ctx.nav.back()))
        self.next = self.button("form.next", "form_next", "primary", self.review)
        buttons.addWidget(self.next)
        self.layout_.addLayout(buttons)
        self.service: Service | None = None
        self.form: FormView | None = None
        self._full_check = False
        self._pending: set[str] = set()
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(VALIDATE_DELAY_MS)
        self._timer.timeout.connect(self._validate_changed)
        ctx.language.on_change(self, self._on_language)

    # --- building ----------------------------------------------------------------------

    def enter(self, service_id: str = "", **params: object) -> None:
        super().enter(**params)
        svc = self.ctx.backend.service(service_id)
        if self.service is not None and self.service.id == svc.id and self.form is not None:
            self.resume()
            return
        self._build(svc)

    def _build(self, svc: Service) -> None:
        self._drop_form()
        self.service = svc
        fields = list(svc.fields)
        if self.ctx.backend.resident is None and not any(f.type == "phone" for f in fields):
            fields.append(contact_field())
        self.form = FormView(fields, self.ctx.language, medium="kiosk",
                             editors={"photo": self._photo_editor()})
        self.form.changed.connect(self._edited)
        self.area.setWidget(self.form)
        self._full_check = False
        self.resume()
        self._relabel()

    def _photo_editor(self):
        """Photos come from the resident's phone through the core's upload page."""
        from qt_common.fields.photo import photo_by_phone

        return photo_by_phone(self.ctx.backend, self.ctx.worker.run,
                              poll_s=self.ctx.config.qr_poll_s)

    def _drop_form(self) -> None:
        old = self.area.takeWidget()
        if old is not None:
            old.deleteLater()
        self.form = None
        self.service = None
        self._pending.clear()
        self._timer.stop()

    def resume(self) -> None:
        resident = self.ctx.backend.resident
        if self.form is not None:
            for ed in self.form.editors.values():
                if isinstance(ed, AddressEditor):
                    ed.offer(resident.address if resident else None)
        self._relabel()

    def _relabel(self) -> None:
        svc = self.service
        if svc is None:
            return
        tr, pick = self.ctx.tr, self.ctx.language.pick
        self.title.setText(pick(svc.title))
        fee = svc.fee.get("amount")
        text = pick(svc.summary)
        if fee and fee not in ("0", "0.00"):
            text += "\n" + tr("form.fee", amount=formatting.money(fee, svc.fee.get("currency", "CNY"),
                                                                   self.ctx.lang))
        self.summary.setText(text)
        need = svc.requires_identity and self.ctx.backend.resident is None
        self.identity_note.setText(tr("form.needs_sign_in") if need else "")
        self.identity_note.setVisible(need)
        self.sign_in.setVisible(need)

    def _on_language(self) -> None:
        self._relabel()
        if self.form is not None and self.form.errors() and self.ctx.backend.online:
            self._recheck_in_language()

    # --- checking ----------------------------------------------------------------------

    def _api_values(self) -> tuple[dict, dict | None]:
        assert self.form is not None
        values = self.form.values()
        phone = values.pop(CONTACT_KEY, None)
        return values, ({"phone": phone} if phone else None)

    def _edited(self, key: str) -> None:
        if key == CONTACT_KEY:
            return
        self._pending.add(key)
        self._timer.start()

    def _validate_changed(self) -> None:
        if self.form is None or self.service is None or not self._pending:
            return
        values, _ = self._api_values()
        keys, self._pending = set(self._pending), set()
        given = {k: v for k, v in values.items() if k in keys}
        if not given:
            return
        form, sid, lang = self.form, self.service.id, self.ctx.lang

        def show(errors: dict[str, str]) -> None:
            if self.form is form:
                if self.ctx.backend.online is False:
                    errors = form.local_errors()  # the core can't be asked: its rules, here
                for k in keys:
                    if k in form.rows and k in given:
                        form.rows[k].set_error(errors.get(k))

        self.ctx.worker.run(lambda: self.ctx.backend.validate(sid, given, lang, True), show,
                            lambda exc: None)

    def _recheck_in_language(self) -> None:
        """Errors were shown in another language: ask the core again in this one."""
        assert self.form is not None and self.service is not None
        values, _ = self._api_values()
        form, sid, lang, full = self.form, self.service.id, self.ctx.lang, self._full_check

        def show(errors: dict[str, str]) -> None:
            if self.form is form:
                shown = set(form.errors())
                form.set_errors({k: v for k, v in errors.items() if k in shown or full})

        self.ctx.worker.run(lambda: self.ctx.backend.validate(sid, values, lang, not full), show,
                            lambda exc: None)

    def review(self) -> None:
        """Check every field (the core, or locally while offline), then go to review."""
        if self.form is None or self.service is None:
            return
        self._timer.stop()
        self._pending.clear()
        self._full_check = True
        values, contact = self._api_values()
        form, svc, lang = self.form, self.service, self.ctx.lang
        self.next.setEnabled(False)
        self.message("form.checking")

        def done(errors: dict[str, str]) -> None:
            self.next.setEnabled(True)
            if self.form is not form:
                return
            if self.ctx.backend.online is False:
                errors = form.local_errors()  # the core can't be asked: check what we can
            if errors:
                self._show_errors(errors)
                return
            self.clear_status()
            self.ctx.draft = Draft(svc, values, lambda: self.describe(form), contact)
            self.ctx.go("review")

        def failed(exc: Exception) -> None:
            self.next.setEnabled(True)
            self.error_message("error.unexpected")

        self.ctx.worker.run(lambda: self.ctx.backend.validate(svc.id, values, lang, False),
                            done, failed)

    @staticmethod
    def describe(form: FormView) -> list[tuple[str, str]]:
        """(label, value as read) of every filled field, in the current language."""
        return [(form.language.pick(r.field.label), r.editor.display_value())
                for r in form.rows.values() if r.editor.value() is not None]

    def _show_errors(self, errors: dict[str, str]) -> None:
        assert self.form is not None
        self.form.set_errors(errors)
        self.error_message("form.fix_errors", count=len(self.form.errors()) or len(errors))
        row = self.form.first_error()
        if row is not None:
            self.area.ensureWidgetVisible(row)
            row.editor.focus_target().setFocus()

    def show_core_errors(self, errors: dict[str, str]) -> None:
        """Errors the core gave at submit time (review sends the resident back here)."""
        self._show_errors(errors)

    # --- lifecycle ---------------------------------------------------------------------

    def compact(self, on: bool) -> None:
        self.summary.setVisible(not on)

    def context_of(self, widget):
        """The field's row: its label and error stay in sight with the editor."""
        if self.form is None:
            return None
        return next((r for r in self.form.rows.values() if r.isAncestorOf(widget)), None)

    def leave(self) -> None:
        self.summary.show()

    def reset(self) -> None:
        super().reset()
        self._drop_form()
        self.title.clear()
        self.summary.clear()

    def speech_text(self) -> str:
        sep = self.ctx.language.t("qt", "speech.separator")
        parts = [self.title.text(), self.summary.text()]
        if self.status.isVisible():
            parts.append(self.status.text())
        focused = self.focused_row()
        if focused is not None:
            parts.append(focused.speech_text())
        return sep.join(p for p in parts if p)

    def focused_row(self):
        """The field row holding keyboard focus, if any."""
        if self.form is None:
            return None
        w = self.focusWidget()
        for row in self.form.rows.values():
            if w is not None and (row is w or row.isAncestorOf(w)):
                return row
        return None
