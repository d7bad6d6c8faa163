"""The receipt: matter number, status, a tracking QR and a printable PDF."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QHBoxLayout, QVBoxLayout

from kiosk.receipt_pdf import print_receipt, write_receipt
from kiosk.screens.base import Screen
from qt_common import QrView, formatting


class ReceiptScreen(Screen):
    name = "receipt"
    title_key = "receipt.title"

    def __init__(self, ctx, parent=None) -> None:
        super().__init__(ctx, parent)
        body = QHBoxLayout()
        self.layout_.addLayout(body, 1)
        text = QVBoxLayout()
        body.addLayout(text, 3)
        self.service_title = self.label("", level="heading", name="receipt_service")
        self.number_caption = self.label("", level="muted", name="number_caption")
        self.number = self.label("", level="title", name="matter_number")
        self.state = self.label("", name="receipt_state")
        self.next_step = self.label("", name="receipt_next")
        self.note = self.label("", level="muted", name="receipt_note")
        for w in (self.service_title, self.number_caption, self.number, self.state,
                  self.next_step, self.note):
            text.addWidget(w)
        text.addStretch(1)
        qr_box = QVBoxLayout()
        self.qr = QrView(300, self)
        self.qr.setObjectName("tracking_qr")
        self.qr_caption = self.label("", level="muted", name="qr_caption")
        qr_box.addWidget(self.qr)
        qr_box.addWidget(self.qr_caption)
        qr_box.addStretch(1)
        body.addLayout(qr_box, 2)
        buttons = QHBoxLayout()
        self.print_button = self.button("receipt.print", "print_receipt", None, self.print_slip)
        buttons.addWidget(self.print_button)
        buttons.addWidget(self.button("receipt.done", "receipt_done", "primary",
                                      lambda: ctx.nav.home()))
        self.layout_.addLayout(buttons)
        self.pdf_path: Path | None = None
        ctx.language.on_change(self, self.refresh)

    def enter(self, **params: object) -> None:
        super().enter(**params)
        self.pdf_path = None
        self.refresh()

    def refresh(self) -> None:
        r = self.ctx.receipt
        tr, pick = self.ctx.tr, self.ctx.language.pick
        if r is None:
            for w in (self.service_title, self.number_caption, self.number, self.state,
                      self.next_step, self.note, self.qr_caption):
                w.clear()
            self.qr.set_data("")
            return
        self.service_title.setText(pick(r.service_title))
        if r.provisional:
            self.number_caption.setText(tr("receipt.provisional_code"))
            self.number.setText(r.provisional_code or "")
            self.state.setText(tr("receipt.provisional_state"))
            self.next_step.setText(tr("receipt.provisional_note"))
            self.qr.set_data("")
            self.qr_caption.clear()
        else:
            self.number_caption.setText(tr("receipt.number"))
            self.number.setText(r.number or "")
            self.state.setText(tr("receipt.state", state=pick(r.state_label)) if r.state_label else "")
            self.next_step.setText(pick(r.next_step) if r.next_step else "")
            self.qr.set_data(r.tracking_url or "")
            self.qr_caption.setText(tr("receipt.scan_to_track"))
        notes = [tr("receipt.keep_number")]
        if r.amount_minor:
            notes.insert(0, tr("receipt.amount", amount=formatting.money_minor(
                r.amount_minor, r.currency or "CNY", self.ctx.lang)))
        self.note.setText("\n".join(notes))

    def print_slip(self) -> None:
        """Write the PDF (and print it when a printer is attached)."""
        r = self.ctx.receipt
        if r is None:
            return
        ident = r.number or r.provisional_code or "receipt"
        path = self.ctx.config.store / "receipts" / f"{ident}.pdf"
        where = self.ctx.config.location_text(self.ctx.lang)
        self.pdf_path = write_receipt(r, self.ctx.lang, path, where)
        printed = print_receipt(r, self.ctx.lang, where)
        self.message("receipt.printed" if printed else "receipt.saved", level="ok")

    def reset(self) -> None:
        super().reset()
        if self.pdf_path is not None:
            self.pdf_path.unlink(missing_ok=True)
        self.pdf_path = None
        self.refresh()

    def speech_text(self) -> str:
        sep = self.ctx.language.t("qt", "speech.separator")
        number = " ".join(self.number.text())  # digit by digit
        parts = [self.title.text(), self.service_title.text(), self.number_caption.text(),
                 number, self.state.text(), self.next_step.text()]
        return sep.join(p for p in parts if p)
