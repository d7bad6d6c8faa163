"""Pay bills: find them by account number (or the signed-in household), pay in full or in
part by one-card + PIN or by a QR paid on a phone, see the result."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLineEdit,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from kiosk.screens.base import Screen, Wording
from kiosk.screens.payment_parts import CardPinEntry, PaymentResult, QrWait, problem_wording
from portal_client import PortalUnavailable
from portal_client.payments import Bill, PaymentIntent, new_key
from portal_client.payments import Receipt as PaymentReceipt
from qt_common import DECIMAL, DIGITS, formatting, set_input_mode
from qt_common.touch import reveal


class AmountRefused(ValueError):
    """The amount typed can't be paid; `wording` says why."""

    def __init__(self, wording: Wording) -> None:
        super().__init__("amount refused")
        self.wording = wording


class PayScreen(Screen):
    name = "pay"
    title_key = "pay.title"

    def __init__(self, ctx, parent=None) -> None:
        super().__init__(ctx, parent)
        self.steps = QStackedWidget(self)
        self.layout_.addWidget(self.steps, 1)
        self._build_lookup()
        self._build_bills()
        self._build_pay()
        self.result = PaymentResult(ctx, self)
        self.steps.addWidget(self.result)
        buttons = QHBoxLayout()
        self.back_button = self.button("nav.back", "pay_back", None, self.step_back)
        self.done_button = self.button("pay.done", "pay_done", "primary", lambda: ctx.nav.home())
        buttons.addWidget(self.back_button)
        buttons.addWidget(self.done_button)
        self.layout_.addLayout(buttons)
        self.bills: tuple[Bill, ...] = ()
        self.bill: Bill | None = None
        self.key: str | None = None  # one idempotency key per payment attempt, kept for retries
        self._last_query: tuple[str, str] = ("", "")
        ctx.language.on_change(self, self._on_language)

    # --- steps -------------------------------------------------------------------------

    def _build_lookup(self) -> None:
        page = QWidget(self)
        lay = QVBoxLayout(page)
        self.account_caption = self.label("", level="heading", name="account_caption")
        self.ctx.tr.bind(self.account_caption, "pay.account_caption")
        row = QHBoxLayout()
        self.account = QLineEdit(page)
        self.account.setObjectName("account_no")
        self.account.setMaxLength(20)
        set_input_mode(self.account, DIGITS)
        self.ctx.language.bind(self.account, lambda: self.ctx.tr("pay.account_hint"),
                               self.account.setPlaceholderText)
        self.account.returnPressed.connect(self.find_by_account)
        row.addWidget(self.account, 3)
        row.addWidget(self.button("pay.find", "find_bills", "primary", self.find_by_account), 1)
        self.household = self.button("pay.household", "household_bills", None,
                                     self.find_for_household)
        lay.addWidget(self.account_caption)
        lay.addLayout(row)
        lay.addWidget(self.household)
        lay.addStretch(1)
        self.lookup_page = page
        self.steps.addWidget(page)

    def _build_bills(self) -> None:
        self.bills_page = QWidget(self)
        self.bills_list = QVBoxLayout(self.bills_page)
        self.bills_area = self.scroller(self.bills_page)
        self.steps.addWidget(self.bills_area)

    def _build_pay(self) -> None:
        page = QWidget(self)
        lay = QVBoxLayout(page)
        self.bill_title = self.label("", level="heading", name="bill_title")
        self.bill_details = self.label("", name="bill_details")
        amount_row = QHBoxLayout()
        self.amount_caption = self.label("", name="amount_caption")
        self.ctx.tr.bind(self.amount_caption, "pay.amount_caption")
        self.amount = QLineEdit(page)
        self.amount.setObjectName("pay_amount")
        set_input_mode(self.amount, DECIMAL)
        amount_row.addWidget(self.amount_caption, 2)
        amount_row.addWidget(self.amount, 1)
        methods = QHBoxLayout()
        self.by_card = self.button("pay.by_card", "pay_by_card", None, self.choose_card)
        self.by_card.setCheckable(True)
        self.by_qr = self.button("pay.by_qr", "pay_by_qr", None, self.start_qr)
        methods.addWidget(self.by_card)
        methods.addWidget(self.by_qr)
        self.card = CardPinEntry(self.ctx, "pay_card", page)
        self.card.submitted.connect(lambda _u, _p: self.pay_by_card())
        self.card_go = self.button("pay.confirm", "pay_card_confirm", "primary", self.pay_by_card)
        self.wait = QrWait(self.ctx, page)
        self.wait.finished.connect(self._qr_finished)
        for w in (self.bill_title, self.bill_details):
            lay.addWidget(w)
        lay.addLayout(amount_row)
        lay.addLayout(methods)
        for w in (self.card, self.card_go, self.wait):
            lay.addWidget(w)
        lay.addStretch(1)
        self.pay_page = page
        self.pay_area = self.scroller(page)
        self.steps.addWidget(self.pay_area)

    @property
    def step(self) -> str:
        """lookup | bills | pay | result."""
        return {id(self.lookup_page): "lookup", id(self.bills_area): "bills",
                id(self.pay_area): "pay", id(self.result): "result"}[id(self.steps.currentWidget())]

    def _show_step(self, step: str) -> None:
        pages = {"lookup": self.lookup_page, "bills": self.bills_area, "pay": self.pay_area,
                 "result": self.result}
        self.steps.setCurrentWidget(pages[step])
        self.done_button.setVisible(step == "result")

    # --- lifecycle ---------------------------------------------------------------------

    def enter(self, **params: object) -> None:
        super().enter(**params)
        self.account.clear()
        self.amount.clear()
        self._show_bills(())
        self._restart()
        self.household.setVisible(self.ctx.backend.resident is not None)

    def _restart(self) -> None:
        self.wait.reset()
        self.result.reset()
        self.card.fresh()
        self.card.hide()
        self.card_go.hide()
        self.wait.hide()
        self.bill = None
        self.key = None
        self.bill_title.clear()
        self.bill_details.clear()
        self._show_step("lookup")

    def leave(self) -> None:
        if self.wait.intent is not None:
            self.wait.stop("stopped")

    def reset(self) -> None:
        super().reset()
        self.leave()
        self.account.clear()
        self.amount.clear()
        self._last_query = ("", "")  # the account number looked up is personal too
        self._show_bills(())
        self._restart()

    def step_back(self) -> None:
        step = self.step
        if step in ("lookup", "result"):
            self.ctx.nav.back()
        elif self.wait.intent is not None:
            self.wait.stop("stopped")
        elif self.wait.cancelling:
            return  # the answer of the cancel decides what is shown next
        elif step == "pay":
            self._show_step("bills")
        else:
            self._show_step("lookup")

    def _on_language(self) -> None:
        if self.bills and self.step != "result":
            self._refetch()  # bill kinds and amounts come worded by the core

    # --- finding bills -----------------------------------------------------------------

    def find_by_account(self) -> None:
        account = self.account.text().strip()
        if not account.isdigit() or not 6 <= len(account) <= 20:
            self.error_message("pay.need_account")
            return
        self.message("pay.finding")
        self._last_query = ("account", account)
        self.ctx.worker.run(lambda: self.ctx.backend.bills_for_account(account), self._found,
                            lambda exc: self.show_error(problem_wording(self.ctx, exc)))

    def find_for_household(self) -> None:
        self.message("pay.finding")
        self._last_query = ("household", "")
        self.ctx.worker.run(self.ctx.backend.household_bills, self._found,
                            lambda exc: self.show_error(problem_wording(self.ctx, exc)))

    def _refetch(self) -> None:
        kind, account = self._last_query
        call = (lambda: self.ctx.backend.bills_for_account(account)) if kind == "account" \
            else self.ctx.backend.household_bills
        current = self.bill.number if self.bill else None

        def found(bills: tuple[Bill, ...]) -> None:
            self._show_bills(bills)
            if current:
                self.bill = next((b for b in bills if b.number == current), self.bill)
                self._describe_bill()

        self.ctx.worker.run(call, found, lambda exc: None)

    def _found(self, bills: tuple[Bill, ...]) -> None:
        self._show_bills(bills)
        if not bills:
            self.message("pay.no_bills")
            return
        self.clear_status()
        self._show_step("bills")

    def _show_bills(self, bills: tuple[Bill, ...]) -> None:
        while self.bills_list.count():
            w = self.bills_list.takeAt(0).widget()
            if w is not None:
                w.deleteLater()
        self.bills = tuple(bills)
        tr = self.ctx.tr
        for bill in self.bills:
            b = QPushButton(self.bills_page)
            b.setObjectName(f"bill_{bill.number}")
            b.setStyleSheet("text-align: left;")
            mark = tr("pay.overdue") if bill.overdue else tr("pay.due", date=bill.due_date)
            b.setText(f"{bill.kind_label}  {bill.period}  ·  {bill.outstanding_text}  ·  {mark}")
            b.clicked.connect(lambda _=False, bill=bill: self.choose_bill(bill))
            self.bills_list.addWidget(b)
            b.show()
        self.bills_list.addStretch(1)

    # --- paying ------------------------------------------------------------------------

    def choose_bill(self, bill: Bill) -> None:
        self.bill = bill
        self.key = None
        self.amount.setText(f"{Decimal(bill.outstanding_minor) / 100:.2f}")
        self._describe_bill()
        self.card.hide()
        self.card_go.hide()
        self.wait.hide()
        self.by_card.setChecked(False)
        self._show_step("pay")

    def _describe_bill(self) -> None:
        bill = self.bill
        if bill is None:
            return
        tr = self.ctx.tr
        self.bill_title.setText(f"{bill.kind_label} · {bill.biller}")
        usage = f" · {bill.usage}" if bill.usage else ""
        self.bill_details.setText(tr("pay.bill_details", account=bill.account_no,
                                     period=bill.period, amount=bill.outstanding_text) + usage)

    def _amount(self) -> str | None:
        """The amount to pay as a decimal string, None for the whole bill, or raise
        AmountRefused."""
        bill = self.bill
        assert bill is not None
        tr = self.ctx.tr
        try:
            value = Decimal(self.amount.text().strip())
        except InvalidOperation as exc:
            raise AmountRefused(lambda: tr("pay.need_amount")) from exc
        if value <= 0 or value.as_tuple().exponent < -2:  # type: ignore[operator]
            raise AmountRefused(lambda: tr("pay.need_amount"))
        if value * 100 > bill.outstanding_minor:
            raise AmountRefused(lambda: tr("pay.too_much", amount=formatting.money_minor(
                bill.outstanding_minor, bill.currency, self.ctx.lang)))
        return None if value * 100 == bill.outstanding_minor else f"{value:.2f}"

    def choose_card(self) -> None:
        self.by_card.setChecked(True)
        self.card.fresh(keep_uid=True)
        self.card.show()
        self.card_go.show()
        self.wait.hide()
        self.card.await_card()
        # once laid out, scroll the card field and the PIN keypad into sight
        QTimer.singleShot(0, lambda: reveal(self.card.uid, self.ctx.sizes.target_px, self.card))

    def pay_by_card(self) -> None:
        bill = self.bill
        if bill is None:
            return
        missing = self.card.ready()
        if missing:
            self.show_error(missing)
            return
        try:
            amount = self._amount()
        except AmountRefused as exc:
            self.show_error(exc.wording)
            return
        uid, pin = self.card.uid.text().strip(), self.card.pin.text()
        self.key = self.key or new_key()
        key = self.key
        self.card_go.setEnabled(False)
        self.message("pay.paying")
        self.ctx.worker.run(lambda: self.ctx.backend.pay_bill_by_card(bill, uid, pin, amount, key),
                            self._paid, self._card_failed)

    def _card_failed(self, exc: Exception) -> None:
        self.card_go.setEnabled(True)
        self.card.fresh(keep_uid=True)
        if isinstance(exc, PortalUnavailable):
            # We can't know if it went through: the same key makes a retry safe.
            self.error_message("pay.retry_safe")
        else:
            self.key = None  # refused: a new attempt is a new payment
            self.show_error(problem_wording(self.ctx, exc))

    def start_qr(self) -> None:
        bill = self.bill
        if bill is None:
            return
        try:
            amount = self._amount()
        except AmountRefused as exc:
            self.show_error(exc.wording)
            return
        self.by_card.setChecked(False)
        self.card.hide()
        self.card_go.hide()
        self.key = self.key or new_key()
        key = self.key
        self.message("pay.preparing")
        self.by_qr.setEnabled(False)

        def started(intent: PaymentIntent) -> None:
            self.by_qr.setEnabled(True)
            self.clear_status()
            self.wait.show()
            self.wait.start(intent)

        def failed(exc: Exception) -> None:
            self.by_qr.setEnabled(True)
            self.show_error(problem_wording(self.ctx, exc))

        self.ctx.worker.run(lambda: self.ctx.backend.pay_bill_by_qr(bill, amount, key), started,
                            failed)

    def _qr_finished(self, intent: PaymentIntent, outcome: str) -> None:
        self.wait.hide()
        tr = self.ctx.tr
        if outcome == "succeeded" and intent.receipt_number:
            number = intent.receipt_number
            self.ctx.worker.run(lambda: self.ctx.backend.payment_receipt(number), self._paid,
                                lambda exc: self._not_paid(problem_wording(self.ctx, exc)))
            return
        self.key = None
        messages = {"failed": "pay.qr_failed", "canceled": "pay.qr_failed",
                    "stopped": "pay.qr_stopped", "timeout": "pay.qr_timeout",
                    "unconfirmed": "pay.qr_unconfirmed"}
        key = messages.get(outcome, "pay.qr_failed")
        self._not_paid(lambda: tr(key))

    def _paid(self, receipt: PaymentReceipt) -> None:
        self.card_go.setEnabled(True)
        self.key = None
        self.card.fresh()
        self.clear_status()
        self.result.paid(receipt)
        self._show_step("result")

    def _not_paid(self, message: Wording) -> None:
        self.result.not_paid(message)
        self._show_step("result")

    def speech_text(self) -> str:
        sep = self.ctx.language.t("qt", "speech.separator")
        parts = [self.title.text()]
        if self.step == "result":
            parts += [self.result.headline.text(), self.result.details.text()]
        elif self.bill is not None:
            parts += [self.bill_title.text(), self.bill_details.text()]
        else:
            parts += [self.account_caption.text()]
        if self.status.isVisible():
            parts.append(self.status.text())
        return sep.join(p for p in parts if p)

    def demo_for_screenshot(self) -> None:
        """Fill the look-up with a demo account (docs screenshots)."""
        self.account.setText("1100351024")
        self.find_by_account()
