"""Top up a one-card: tap the card, choose an amount, pay the QR on a phone."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from PySide6.QtWidgets import QButtonGroup, QHBoxLayout, QLineEdit, QPushButton

from kiosk.screens.base import Screen, Wording
from kiosk.screens.payment_parts import PaymentResult, QrWait, await_card, problem_wording
from portal_client.payments import PaymentIntent, new_key
from portal_client.payments import Receipt as PaymentReceipt
from qt_common import DECIMAL, TEXT, formatting, set_input_mode

PRESETS = ("50.00", "100.00", "200.00")
MAX_TOPUP = Decimal("2000")


class TopUpScreen(Screen):
    name = "topup"
    title_key = "topup.title"

    def __init__(self, ctx, parent=None) -> None:
        super().__init__(ctx, parent)
        self.uid = QLineEdit(self)
        self.uid.setObjectName("topup_uid")
        set_input_mode(self.uid, TEXT)
        ctx.language.bind(self.uid, lambda: ctx.tr("signin.uid_hint"), self.uid.setPlaceholderText)
        self.layout_.addWidget(self.uid)
        presets = QHBoxLayout()
        self.group = QButtonGroup(self)
        self.presets: dict[str, QPushButton] = {}
        for amount in PRESETS:
            b = self.button(None, f"topup_{amount.split('.')[0]}")
            b.setCheckable(True)
            b.clicked.connect(lambda _=False, a=amount: self.amount.setText(a))
            self.group.addButton(b)
            presets.addWidget(b)
            self.presets[amount] = b
        self.amount = QLineEdit(self)
        self.amount.setObjectName("topup_amount")
        set_input_mode(self.amount, DECIMAL)
        ctx.language.bind(self.amount, lambda: ctx.tr("topup.other_amount"),
                          self.amount.setPlaceholderText)
        presets.addWidget(self.amount)
        self.layout_.addLayout(presets)
        self.go_button = self.button("topup.pay", "topup_pay", "primary", self.start)
        self.layout_.addWidget(self.go_button)
        self.wait = QrWait(ctx, self)
        self.wait.finished.connect(self._finished)
        self.layout_.addWidget(self.wait)
        self.result = PaymentResult(ctx, self)
        self.layout_.addWidget(self.result)
        self.layout_.addStretch(1)
        buttons = QHBoxLayout()
        buttons.addWidget(self.button("nav.back", "topup_back", None, self._back))
        self.layout_.addLayout(buttons)
        self.key: str | None = None
        ctx.language.on_change(self, self._relabel)

    def _relabel(self) -> None:
        for amount, b in self.presets.items():
            b.setText(formatting.money(amount, "CNY", self.ctx.lang))

    def enter(self, **params: object) -> None:
        super().enter(**params)
        self.reset_view()
        resident = self.ctx.backend.resident
        if resident is not None and resident.cards:
            self.uid.setText(resident.cards[0])
        await_card(self.ctx, self.uid)

    def reset_view(self) -> None:
        self.wait.reset()
        self.wait.hide()
        self.result.reset()
        self.result.hide()
        self.go_button.setEnabled(True)
        self.key = None

    def leave(self) -> None:
        if self.wait.intent is not None:
            self.wait.stop("stopped")

    def reset(self) -> None:
        super().reset()
        self.leave()
        self.uid.clear()
        self.amount.clear()
        self.group.setExclusive(False)
        for b in self.presets.values():
            b.setChecked(False)
        self.group.setExclusive(True)
        self.reset_view()

    def _back(self) -> None:
        if self.wait.intent is not None:
            self.wait.stop("stopped")
        elif not self.wait.cancelling:
            self.ctx.nav.back()

    def start(self) -> None:
        uid = self.uid.text().strip()
        if not uid:
            self.error_message("signin.need_uid")
            return
        try:
            value = Decimal(self.amount.text().strip())
        except InvalidOperation:
            self.error_message("pay.need_amount")
            return
        if value <= 0 or value > MAX_TOPUP or value.as_tuple().exponent < -2:  # type: ignore[operator]
            self.error_message("topup.amount_range",
                               max=lambda: formatting.money(MAX_TOPUP, "CNY", self.ctx.lang))
            return
        self.key = self.key or new_key()
        key, amount = self.key, f"{value:.2f}"
        self.go_button.setEnabled(False)
        self.message("pay.preparing")

        def started(intent: PaymentIntent) -> None:
            self.clear_status()
            self.wait.show()
            self.wait.start(intent)

        def failed(exc: Exception) -> None:
            self.go_button.setEnabled(True)
            self.show_error(problem_wording(self.ctx, exc))

        self.ctx.worker.run(lambda: self.ctx.backend.top_up_by_qr(uid, amount, key), started,
                            failed)

    def _finished(self, intent: PaymentIntent, outcome: str) -> None:
        self.wait.hide()
        self.go_button.setEnabled(True)
        self.key = None
        if outcome == "succeeded" and intent.receipt_number:
            number = intent.receipt_number
            self.ctx.worker.run(lambda: self.ctx.backend.payment_receipt(number), self._paid,
                                lambda exc: self._show(problem_wording(self.ctx, exc)))
            return
        messages = {"stopped": "pay.qr_stopped", "timeout": "pay.qr_timeout",
                    "unconfirmed": "pay.qr_unconfirmed"}
        key, tr = messages.get(outcome, "pay.qr_failed"), self.ctx.tr
        self._show(lambda: tr(key))

    def _paid(self, receipt: PaymentReceipt) -> None:
        self.result.paid(receipt)
        self.result.show()

    def _show(self, message: Wording) -> None:
        self.result.not_paid(message)
        self.result.show()

    def speech_text(self) -> str:
        sep = self.ctx.language.t("qt", "speech.separator")
        parts = [self.title.text(), self.result.headline.text(), self.result.details.text(),
                 self.status.text() if self.status.isVisible() else ""]
        return sep.join(p for p in parts if p)
