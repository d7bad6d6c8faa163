"""Paying: one-card + PIN on the digit keys, or a QR a family member scans on their phone.

Every payment carries an idempotency key. A key is kept while an answer is merely missing
(the server was unreachable, the QR is still open), so a retry can never pay twice; it is
replaced only after a definite "no" (wrong PIN, a declined QR).
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QVBoxLayout

from portal_client import PortalProblem
from portal_client.payments import Bill, PaymentIntent, Receipt
from qt_common import QrView, formatting
from qt_common.theme import restyle
from tv_app.backend import is_down
from tv_app.flow import OrderFlow
from tv_app.screens.base import Screen
from tv_app.screens.review import ResultScreen, close_flow_with, show_result
from tv_app.widgets import DigitBox

PIN_MIN, PIN_MAX = 4, 6


class PinScreen(Screen):
    """The household's one-card PIN, typed on the digit keys (never shown, never spoken)."""

    cached = False

    def __init__(self, app, name: str, what: str, amount_text: str) -> None:
        super().__init__(app, name)
        self.set_title("pay.pin_title")
        self.key = uuid.uuid4().hex
        self.busy = False
        self.what = self.label(level="big", name="pay_what")
        self.what.setText(app.tr_("pay.what", what=what, amount=amount_text))
        self.body.addWidget(self.what)
        self.pin = DigitBox(self, "pin", PIN_MAX, masked=True)
        self.pin.placeholder = self.tr_("pay.pin_placeholder")
        self.pin.spoken_name = self.tr_("pay.pin_name")
        self.pin.masked_speech = lambda n: self.tr_("pay.pin_count", n=n)
        self.pin.clicked.connect(self._confirm)
        self.pin.refresh()
        self.body.addWidget(self.pin)
        self.error = self.label(level="error", name="pay_error")
        self.body.addWidget(self.error)
        self.body.addStretch(1)
        self.delete = self.button("order.delete", "delete", on_ok=self._delete)
        self.confirm = self.button("pay.confirm", "confirm", on_ok=self._confirm)
        self.body.addLayout(self.row_of(self.delete, self.confirm))

    def default_focus(self):
        return self.pin

    def intro(self) -> str:
        return self.spoken(self.title.text(), self.what.text(), self.pin.placeholder)

    def on_digit(self, digit: str, focused) -> bool:
        if not self.pin.type_digit(digit):
            self.app.hint(self.tr_("order.too_many", n=PIN_MAX))
        self.error.setText("")
        if focused is not self.pin:
            self.app.nav.focus(self.pin, speak=False)
        self.app.narrator.say(self.tr_("pay.pin_count", n=len(self.pin.digits)),
                              self.app.language.lang)
        return True

    def _delete(self) -> None:
        self.pin.delete()
        self.app.narrator.say(self.tr_("pay.pin_count", n=len(self.pin.digits)),
                              self.app.language.lang)

    def _confirm(self) -> None:
        if self.busy:
            return
        if len(self.pin.digits) < PIN_MIN:
            self.app.hint(self.tr_("order.too_few", n=PIN_MIN))
            return
        self.busy = True
        pin, key = self.pin.digits, self.key
        self.app.narrator.say(self.tr_("pay.paying"), self.app.language.lang)
        self.app.run(lambda: self.pay(pin, key), self._paid, self._failed)

    def pay(self, pin: str, key: str) -> object:
        """Move the money (on the worker thread)."""
        raise NotImplementedError

    def paid(self, result: object) -> None:
        """Show the result."""
        raise NotImplementedError

    def _paid(self, result: object) -> None:
        self.busy = False
        self.pin.clear_digits()
        self.paid(result)

    def _failed(self, exc: Exception) -> None:
        self.busy = False
        self.pin.clear_digits()
        if not is_down(exc):
            self.key = uuid.uuid4().hex  # a definite "no": the next try is a new payment
        message = self.app.explain(exc)
        self.error.setText(message)
        self.app.nav.focus(self.pin, speak=False)
        self.app.narrator.say(message, self.app.language.lang)
        self.changed.emit()


class OrderCardPay(PinScreen):
    """Order, then pay from the one-card (the order's money is held until it is delivered)."""

    def __init__(self, app, flow: OrderFlow) -> None:
        amount = formatting.money_minor(flow.total_minor() or 0, flow.currency(),
                                        app.language.lang)
        super().__init__(app, "pay_card", app.language.pick(flow.service.title), amount)
        self.flow = flow

    def pay(self, pin: str, key: str) -> object:
        f = self.flow
        return self.app.backend.order_and_pay_by_card(f.service.id, f.fields(), f.client_ref,
                                                      pin, key)

    def paid(self, result: object) -> None:
        assert isinstance(result, tuple)
        matter, receipt = result
        assert isinstance(receipt, Receipt)
        self.flow.matter = matter
        show_result(self.app, self.flow.origin, matter, receipt.amount_minor, "card")


class BillCardPay(PinScreen):
    """Pay one bill in full from the one-card."""

    def __init__(self, app, bill: Bill, origin: Screen) -> None:
        super().__init__(app, "pay_bill_card", bill_name(bill), bill.outstanding_text)
        self.bill, self.origin = bill, origin

    def pay(self, pin: str, key: str) -> object:
        return self.app.backend.pay_bill_by_card(self.bill.number, pin, key)

    def paid(self, result: object) -> None:
        assert isinstance(result, Receipt)
        bill_paid(self.app, self.origin, self.bill, result.amount_minor, result.number)


def bill_name(bill: Bill) -> str:
    """'水费 2026-09'."""
    return f"{bill.kind_label} {bill.period}"


def bill_paid(app, origin: Screen, bill: Bill, minor: int, receipt: str | None) -> None:
    """The bill's result screen, one level below the bill list."""
    tr = app.tr_
    lines: list[tuple[str, str | None]] = [(bill_name(bill), "big"),
             (tr("pay.bill_paid", amount=formatting.money_minor(minor, bill.currency,
                                                                 app.language.lang)), "ok")]
    if receipt:
        lines.append((tr("pay.receipt", number=receipt), None))
    close_flow_with(app, origin, ResultScreen(app, tr("pay.paid_title"), lines))


@dataclass
class QrJob:
    """A QR payment: how to (re)start it with a key, and what success leads to."""

    what: str
    amount_text: str
    start: Callable[[str], PaymentIntent]  # key → the intent (same key, same intent)
    on_paid: Callable[[PaymentIntent], None]
    base_key: str
    attempt: int = 0
    intent: PaymentIntent | None = field(default=None)

    @property
    def key(self) -> str:
        return f"{self.base_key}-{self.attempt}"


def order_qr(app, flow: OrderFlow) -> QrJob:
    """Order, then show a QR for a family member to pay it."""
    def start(key: str) -> PaymentIntent:
        return app.backend.order_and_pay_by_qr(flow.service.id, flow.fields(), flow.client_ref,
                                               key)

    def paid(pi: PaymentIntent) -> None:
        def show(matter) -> None:
            flow.matter = matter
            show_result(app, flow.origin, matter, pi.amount_minor, "qr")

        app.run(lambda: app.backend.matter(str(pi.matter_number)), show)

    amount = formatting.money_minor(flow.total_minor() or 0, flow.currency(), app.language.lang)
    return QrJob(app.language.pick(flow.service.title), amount, start, paid,
                 f"{flow.client_ref}-qr")


def bill_qr(app, bill: Bill, origin: Screen) -> QrJob:
    """A QR for one bill, paid in full."""
    def start(key: str) -> PaymentIntent:
        return app.backend.pay_bill_by_qr(bill.number, key)

    def paid(pi: PaymentIntent) -> None:
        bill_paid(app, origin, bill, pi.amount_minor, pi.receipt_number)

    base = f"tv-{app.config.box_id}-{bill.number}-{bill.outstanding_minor}"
    return QrJob(bill_name(bill), bill.outstanding_text, start, paid, base)


class QrPayScreen(Screen):
    """A QR on the TV; a family member scans and pays on their phone; the TV shows and says
    the result. When the time runs out, or the screen is closed, the payment is cancelled
    at the core, so the old QR can never be paid later; "try again" then shows a new QR.
    If the core can't be reached to cancel, "try again" shows the same payment's QR."""

    cached = False
    MAX_SKIPS = 20  # payments of earlier visits found cancelled, skipped to reach a new one

    def __init__(self, app, job: QrJob) -> None:
        super().__init__(app, "pay_qr")
        self.job = job
        self.set_title("pay.qr_title")
        self.qr = QrView(520, self)
        self.qr.setObjectName("pay_qr_code")
        self.what = self.label(level="big", name="qr_what")
        self.what.setText(self.tr_("pay.what", what=job.what, amount=job.amount_text))
        self.how = self.label(name="qr_how")
        self.how.setText(self.tr_("pay.qr_how"))
        self.status = self.label(level="warn", name="qr_status")
        self.status.setText(self.tr_("pay.qr_preparing"))
        self.countdown = self.label(level="muted", name="qr_countdown")
        side = self.row_of(self.qr, stretch=False)
        texts = QVBoxLayout()
        for w in (self.what, self.how, self.status, self.countdown):
            texts.addWidget(w)
        texts.addStretch(1)
        self.retry = self.button("pay.qr_retry", "qr_retry", on_ok=self._retry)
        self.cancel = self.button("pay.qr_close", "qr_close", on_ok=app.nav.back)
        texts.addLayout(self.row_of(self.retry, self.cancel))
        side.addLayout(texts, 1)
        side.setAlignment(self.qr, Qt.AlignmentFlag.AlignTop)
        self.body.addLayout(side, 1)
        self.retry.hide()
        t = app.config.timing
        self._deadline = 0.0
        self._polling = False
        self._waiting = False  # a QR is up and the payment open
        self._closed = False
        self._skips = 0
        self._poll = QTimer(self)
        self._poll.setInterval(int(t.qr_poll_s * 1000))
        self._poll.timeout.connect(self._check)
        self._tick = QTimer(self)
        self._tick.setInterval(1000)
        self._tick.timeout.connect(self._count)
        self._done = False
        self._begin()

    def default_focus(self):
        return self.cancel

    def intro(self) -> str:
        return self.spoken(self.title.text(), self.what.text(), self.how.text())

    def enter(self) -> None:
        if self._waiting:  # back from an alert or SOS that covered the QR
            self._poll.start()
            self._tick.start()

    def leave(self) -> None:
        self._poll.stop()
        self._tick.stop()
        if self not in self.app.nav.stack:  # closed, not merely covered
            self._closed = True
            self._give_up_on_close()

    # --- the payment ---------------------------------------------------------------------

    def _begin(self) -> None:
        self.retry.hide()
        self.status.setText(self.tr_("pay.qr_preparing"))
        self._set_level("warn")
        key = self.job.key
        self.app.run(lambda: self.job.start(key), self._shown, self._start_failed)

    def _shown(self, pi: PaymentIntent) -> None:
        if self._closed:
            return
        self.job.intent = pi
        if pi.status == "canceled" and self._skips < self.MAX_SKIPS:
            # This key's payment was given up on an earlier visit: the next one is new.
            self._skips += 1
            self.job.attempt += 1
            self._begin()
            return
        if pi.done:
            self._finished(pi)
            return
        self.qr.set_data(pi.qr_payload or pi.pay_url or "")
        self.status.setText(self.tr_("pay.qr_waiting"))
        self._deadline = time.monotonic() + self.app.config.timing.qr_timeout_s
        self._waiting = True
        self._count()
        self._poll.start()
        self._tick.start()
        self.changed.emit()

    def _start_failed(self, exc: Exception) -> None:
        if self._closed:
            return
        if not is_down(exc):
            self.job.attempt += 1
        self._stop(self.app.explain(exc), "error")

    def _check(self) -> None:
        pi = self.job.intent
        if pi is None or self._polling or not self._waiting:
            return
        self._polling = True
        self.app.run(lambda: self.app.backend.payment_status(pi.id), self._polled,
                     self._poll_failed)

    def _polled(self, pi: PaymentIntent) -> None:
        self._polling = False
        if self._closed or self._done:
            return
        if not self._waiting and pi.status != "succeeded":
            return  # a late answer after the time ran out: the cancel's answer decides
        self.job.intent = pi
        if pi.done:
            self._finished(pi)

    def _poll_failed(self, exc: Exception) -> None:
        self._polling = False  # keep polling until the deadline: the line may come back

    def _finished(self, pi: PaymentIntent) -> None:
        self._waiting = False
        if pi.status == "succeeded":
            self._done = True
            self._poll.stop()
            self._tick.stop()
            self.job.on_paid(pi)
            return
        self.job.attempt += 1  # declined or cancelled: a new try is a new payment
        self._stop(self.tr_("pay.qr_failed"), "error")

    def _time_up(self) -> None:
        """No payment in time: cancel it at the core, so the old QR can't be paid later."""
        pi = self.job.intent
        if pi is None or not self._waiting:
            return
        self._waiting = False
        self._poll.stop()
        self._tick.stop()
        self.qr.set_data("")
        self.countdown.setText("")
        self.status.setText(self.tr_("pay.qr_closing"))
        self.app.run(lambda: self.app.backend.cancel_payment(pi.id), self._cancelled,
                     lambda exc: self._cancel_refused(pi.id, exc))

    def _cancelled(self, pi: PaymentIntent) -> None:
        if self._closed:
            return
        self.job.intent = pi
        self.job.attempt += 1  # this payment is over: "try again" is a new one
        key = "pay.qr_failed" if pi.status == "failed" else "pay.qr_timeout"
        self._stop(self.tr_(key), "error" if pi.status == "failed" else "warn")

    def _cancel_refused(self, intent_id: str, exc: Exception) -> None:
        if self._closed:
            return
        if isinstance(exc, PortalProblem) and exc.status == 409:
            # Paid just as the time ran out: show the payment's result.
            def unknown(_exc: Exception) -> None:
                self._stop(self.tr_("pay.qr_timeout_open"), "warn")

            self.app.run(lambda: self.app.backend.payment_status(intent_id),
                         lambda pi: None if self._closed else self._finished(pi), unknown)
            return
        # Unreachable: the payment may still be open; "try again" shows its same QR.
        self._stop(self.tr_("pay.qr_timeout_open"), "warn")

    def _give_up_on_close(self) -> None:
        """Closed while waiting: cancel the payment (a hint if it was paid meanwhile)."""
        pi = self.job.intent
        if pi is None or not self._waiting:
            return
        self._waiting = False
        app = self.app

        def refused(exc: Exception) -> None:
            if isinstance(exc, PortalProblem) and exc.status == 409:
                app.hint(app.tr_("pay.qr_paid_anyway"))

        app.run(lambda: app.backend.cancel_payment(pi.id), lambda _pi: None, refused)

    def _stop(self, message: str, level: str) -> None:
        self._waiting = False
        self._poll.stop()
        self._tick.stop()
        self.qr.set_data("")
        self.countdown.setText("")
        self.status.setText(message)
        self._set_level(level)
        self.retry.show()
        self.changed.emit()
        self.app.nav.focus(self.retry, speak=False)
        self.app.narrator.say(message, self.app.language.lang)

    def _retry(self) -> None:
        self._begin()

    def _count(self) -> None:
        left = max(0, int(self._deadline - time.monotonic()))
        self.countdown.setText(self.tr_("pay.qr_left", minutes=left // 60,
                                       seconds=f"{left % 60:02d}"))
        if self._waiting and time.monotonic() >= self._deadline:
            self._time_up()

    def _set_level(self, level: str) -> None:
        if self.status.property("level") != level:
            self.status.setProperty("level", level)
            restyle(self.status)
