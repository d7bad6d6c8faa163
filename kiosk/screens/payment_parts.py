"""Pieces of the payment screens: card + PIN entry, a phone-QR wait with progress and cancel,
and the result."""

from __future__ import annotations

import time

from PySide6.QtCore import QTimer, Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from kiosk.context import KioskContext
from kiosk.screens.base import Wording, core_wording
from portal_client import PortalProblem, PortalUnavailable
from portal_client.payments import PaymentIntent
from portal_client.payments import Receipt as PaymentReceipt
from qt_common import NONE, TEXT, NumericKeypad, QrView, formatting, set_input_mode
from qt_common.theme import restyle

PIN_LENGTH = 6


def problem_wording(ctx: KioskContext, exc: Exception) -> Wording:
    """A failure as the resident reads it (the core's own words where it gave them), in
    whichever language is shown."""
    if isinstance(exc, PortalUnavailable):
        return lambda: ctx.tr("pay.unreachable")
    return core_wording(ctx, exc)


def await_card(ctx: KioskContext, uid: QLineEdit) -> None:
    """Focus a card-UID field for the reader, without the on-screen keyboard (a tap on the
    field brings that up)."""
    uid.setFocus()
    uid.selectAll()
    if ctx.nav is not None:
        ctx.nav.panel.attach(None)


def _label(parent: QWidget, name: str, level: str | None = None) -> QLabel:
    lab = QLabel(parent)
    lab.setObjectName(name)
    lab.setWordWrap(True)
    if level:
        lab.setProperty("level", level)
    return lab


class CardPinEntry(QWidget):
    """Card UID (typed by the reader) and PIN on a scrambled keypad; `submitted(uid, pin)`."""

    submitted = Signal(str, str)

    def __init__(self, ctx: KioskContext, prefix: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        self.uid = QLineEdit(self)
        self.uid.setObjectName(f"{prefix}_uid")
        set_input_mode(self.uid, TEXT)
        ctx.language.bind(self.uid, lambda: ctx.tr("signin.uid_hint"), self.uid.setPlaceholderText)
        self.pin = QLineEdit(self)
        self.pin.setObjectName(f"{prefix}_pin")
        self.pin.setEchoMode(QLineEdit.EchoMode.Password)
        self.pin.setMaxLength(PIN_LENGTH)
        set_input_mode(self.pin, NONE)
        ctx.language.bind(self.pin, lambda: ctx.tr("signin.pin_hint"), self.pin.setPlaceholderText)
        self.keypad = NumericKeypad(ctx.language, scrambled=True, parent=self)
        self.keypad.setObjectName(f"{prefix}_keypad")
        self.keypad.key_pressed.connect(self.pin.insert)
        self.keypad.backspace_pressed.connect(self.pin.backspace)
        self.keypad.cleared.connect(self.pin.clear)
        self.keypad.entered.connect(self.submit)
        self.uid.returnPressed.connect(self.pin.setFocus)  # readers end a card with Enter
        for w in (self.uid, self.pin, self.keypad):
            lay.addWidget(w)

    def await_card(self) -> None:
        """Ready for a card tap: the reader, a keyboard to Qt, types into the focused UID field
        (a new card replaces one read before)."""
        await_card(self.ctx, self.uid)

    def submit(self) -> None:
        self.submitted.emit(self.uid.text().strip(), self.pin.text())

    def ready(self) -> Wording | None:
        """What is missing, as a message, or None when both are entered."""
        tr = self.ctx.tr
        if not self.uid.text().strip():
            return lambda: tr("signin.need_uid")
        if len(self.pin.text()) != PIN_LENGTH or not self.pin.text().isdigit():
            return lambda: tr("signin.need_pin", digits=PIN_LENGTH)
        return None

    def fresh(self, keep_uid: bool = False) -> None:
        """Clear the PIN (and UID) and lay the keypad out anew."""
        self.pin.clear()
        if not keep_uid:
            self.uid.clear()
        self.keypad.reshuffle()


class QrWait(QWidget):
    """Shows a payment QR, polls the core, counts down, and can be cancelled.

    Giving up (the resident's cancel, the time running out, leaving the screen) cancels the
    payment at the core, so the QR can't be paid after the resident has walked away.
    `finished(intent, outcome)`: outcome is succeeded, failed, canceled (by the gateway),
    stopped (the resident cancelled), timeout, or unconfirmed (gave up, but the core could
    not be reached to cancel). A payment made just before the cancel reports succeeded.
    """

    finished = Signal(object, str)

    def __init__(self, ctx: KioskContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        lay = QHBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        self.qr = QrView(300, self)
        self.qr.setObjectName("payment_qr")
        lay.addWidget(self.qr)
        side = QVBoxLayout()
        lay.addLayout(side, 1)
        self.amount = _label(self, "qr_amount", "title")
        self.hint = _label(self, "qr_hint")
        self.progress = QProgressBar(self)
        self.progress.setObjectName("qr_progress")
        self.progress.setTextVisible(False)
        self.left = _label(self, "qr_left", "muted")
        for w in (self.amount, self.hint, self.progress, self.left):
            side.addWidget(w)
        side.addStretch(1)
        self.cancel_button = QPushButton(self)
        self.cancel_button.setObjectName("qr_cancel")
        self.cancel_button.setProperty("role", "danger")
        ctx.tr.bind(self.cancel_button, "pay.cancel")
        self.cancel_button.clicked.connect(lambda: self.stop("stopped"))
        side.addWidget(self.cancel_button)
        self._hint_key = "pay.scan_hint"
        ctx.language.bind(self.hint, lambda: ctx.tr(self._hint_key), self.hint.setText)
        self.intent: PaymentIntent | None = None
        self.cancelling = False
        self._round = 0  # bumped by reset(): answers of an earlier round are dropped
        self._deadline = 0.0
        self._polling = False
        self._timer = QTimer(self)
        self._timer.setInterval(int(ctx.config.qr_poll_s * 1000))
        self._timer.timeout.connect(self._poll)
        self._clock = QTimer(self)
        self._clock.setInterval(500)
        self._clock.timeout.connect(self._tick)
        ctx.language.on_change(self, self._relabel)

    def start(self, intent: PaymentIntent) -> None:
        """Show the intent's QR and wait for the phone."""
        self._round += 1
        self.intent = intent
        self.cancelling = False
        self.cancel_button.setEnabled(True)
        self._set_hint("pay.scan_hint")
        self.qr.set_data(intent.qr_payload or intent.pay_url or "")
        self._show_amount()
        wait = self.ctx.config.payment_wait_s
        self._deadline = time.monotonic() + wait
        self.progress.setRange(0, int(wait))
        self._tick()
        self._timer.start()
        self._clock.start()

    def _show_amount(self) -> None:
        intent = self.intent
        if intent is not None:
            self.amount.setText(formatting.money_minor(intent.amount_minor, intent.currency,
                                                       self.ctx.lang))

    def _relabel(self) -> None:
        if self.intent is not None:
            self._show_amount()
            self._tick()

    def _tick(self) -> None:
        left = max(0, int(self._deadline - time.monotonic()))
        self.progress.setValue(left)
        self.left.setText(self.ctx.tr("pay.seconds_left", seconds=left))
        if left <= 0 and self.intent is not None:
            self.stop("timeout")

    def _poll(self) -> None:
        intent = self.intent
        if intent is None or self._polling:
            return
        self._polling = True

        def done(now: PaymentIntent) -> None:
            self._polling = False
            if self.intent is None or now.id != self.intent.id:
                return
            if now.done:
                self._report(now, now.status)

        def failed(exc: Exception) -> None:
            self._polling = False  # keep trying until the deadline: the network may be back

        self.ctx.worker.run(lambda: self.ctx.backend.payment_status(intent.id), done, failed)

    def stop(self, outcome: str, intent: PaymentIntent | None = None) -> None:
        """Stop waiting: the gateway's outcome is reported at once; giving up ("stopped",
        "timeout") cancels the payment first. Reports once."""
        current = self.intent
        if current is None:
            return
        if outcome not in ("stopped", "timeout"):
            self._report(intent or current, outcome)
            return
        self._halt()
        self.cancelling = True
        self.cancel_button.setEnabled(False)
        self._set_hint("pay.qr_cancelling")
        round_ = self._round

        def cancelled(now: PaymentIntent) -> None:
            if round_ == self._round:
                self._done(now, "failed" if now.status == "failed" else outcome)

        def refused(exc: Exception) -> None:
            if round_ != self._round:
                return
            if isinstance(exc, PortalProblem) and exc.status == 409:
                self._paid_meanwhile(current, round_)  # paid just before the cancel
            else:
                self._done(current, "unconfirmed")

        self.ctx.worker.run(lambda: self.ctx.backend.cancel_payment(current.id), cancelled,
                            refused)

    def _set_hint(self, key: str) -> None:
        self._hint_key = key
        self.hint.setText(self.ctx.tr(key))

    def _paid_meanwhile(self, intent: PaymentIntent, round_: int) -> None:
        def got(now: PaymentIntent) -> None:
            if round_ == self._round:
                self._done(now, now.status if now.done else "unconfirmed")

        def lost(exc: Exception) -> None:
            if round_ == self._round:
                self._done(intent, "unconfirmed")

        self.ctx.worker.run(lambda: self.ctx.backend.payment_status(intent.id), got, lost)

    def _halt(self) -> None:
        self.intent = None
        self._timer.stop()
        self._clock.stop()
        self._polling = False
        self.qr.set_data("")

    def _report(self, intent: PaymentIntent, outcome: str) -> None:
        self._halt()
        self._done(intent, outcome)

    def _done(self, intent: PaymentIntent, outcome: str) -> None:
        self.cancelling = False
        self.cancel_button.setEnabled(True)
        self._set_hint("pay.scan_hint")
        self.finished.emit(intent, outcome)

    def reset(self) -> None:
        self._round += 1
        self._halt()
        self.cancelling = False
        self.cancel_button.setEnabled(True)
        self._set_hint("pay.scan_hint")
        self.amount.clear()
        self.left.clear()


class PaymentResult(QWidget):
    """The outcome: paid (amount, payee, receipt number and its QR) or why not."""

    def __init__(self, ctx: KioskContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        lay = QHBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        text = QVBoxLayout()
        lay.addLayout(text, 1)
        self.headline = _label(self, "pay_result", "title")
        self.details = _label(self, "pay_details")
        self.number = _label(self, "pay_receipt_number", "heading")
        for w in (self.headline, self.details, self.number):
            text.addWidget(w)
        text.addStretch(1)
        self.qr = QrView(260, self)
        self.qr.setObjectName("pay_receipt_qr")
        lay.addWidget(self.qr)
        self.receipt: PaymentReceipt | None = None
        self._receipt_lang = ""  # the language the core worded the receipt in
        self._failure: Wording | None = None
        ctx.language.on_change(self, self._on_language)

    def paid(self, receipt: PaymentReceipt) -> None:
        self.receipt, self._receipt_lang, self._failure = receipt, self.ctx.lang, None
        self.headline.setProperty("level", "ok")
        restyle(self.headline)
        self.qr.set_data(receipt.url)
        self._relabel()

    def not_paid(self, message: Wording) -> None:
        self.receipt, self._failure = None, message
        self.headline.setProperty("level", "error")
        restyle(self.headline)
        self.qr.set_data("")
        self._relabel()

    def _relabel(self) -> None:
        tr, r = self.ctx.tr, self.receipt
        if r is not None:
            self.headline.setText(tr("pay.paid"))
            amount = formatting.money_minor(r.amount_minor, r.currency, self.ctx.lang)
            self.details.setText(tr("pay.paid_details", amount=amount, payee=r.payee_name))
            self.number.setText(tr("pay.receipt_number", number=r.number))
        elif self._failure is not None:
            self.headline.setText(tr("pay.not_paid"))
            self.details.setText(self._failure())
            self.number.clear()

    def _on_language(self) -> None:
        self._relabel()
        r = self.receipt
        if r is None or self._receipt_lang == self.ctx.lang:
            return
        # the payee's name is the core's to word: ask for the receipt in this language
        number, lang = r.number, self.ctx.lang

        def worded(again: PaymentReceipt) -> None:
            if self.receipt is not None and self.receipt.number == number \
                    and self.ctx.lang == lang:
                self.receipt, self._receipt_lang = again, lang
                self._relabel()

        self.ctx.worker.run(lambda: self.ctx.backend.payment_receipt(number), worded,
                            lambda exc: None)

    def reset(self) -> None:
        self.receipt, self._receipt_lang, self._failure = None, "", None
        for w in (self.headline, self.details, self.number):
            w.clear()
        self.qr.set_data("")
