"""The household's bills: amounts and due dates; pay one by QR (family) or one-card."""

from __future__ import annotations

from portal_client.payments import Bill
from qt_common import formatting
from tv_app.remote import Key
from tv_app.screens.base import Screen
from tv_app.screens.pay import BillCardPay, QrPayScreen, bill_name, bill_qr
from tv_app.widgets import PagedRows, Row


class BillsScreen(Screen):
    """Open bills, oldest due first, with the total; OK opens one."""

    def __init__(self, app) -> None:
        super().__init__(app, "bills")
        self.set_title("bills.title")
        self.summary = self.label(level="muted", name="bills_summary")
        self.body.addWidget(self.summary)
        self.rows = PagedRows(self, "bill_rows", per_page=5)
        self.rows.page_text = lambda p, n: self.tr_("list.page", page=p, pages=n)
        self.rows.activated.connect(self._open)
        self.body.addWidget(self.rows, 1)
        self.bills: list[Bill] = []
        self.rows.set_items([Row(self.tr_("list.loading"))])

    def enter(self) -> None:
        self.app.run(self.app.backend.bills, self._loaded, self._failed)

    def _loaded(self, bills: list[Bill]) -> None:
        self.bills = bills
        lang = self.app.language.lang
        rows = [Row(self.row_text(b)) for b in bills]
        self.rows.set_items(rows or [Row(self.tr_("bills.none"))])
        if bills:
            total = sum(b.outstanding_minor for b in bills)
            self.summary.setText(self.tr_("bills.summary", count=len(bills),
                                         total=formatting.money_minor(total, bills[0].currency,
                                                                      lang)))
        else:
            self.summary.setText("")
        self.changed.emit()

    def row_text(self, b: Bill) -> str:
        """'水费 2026-09  ¥41.60  10月15日到期（已逾期）'."""
        due = formatting.day(b.due_date, self.app.language.lang)
        key = "bills.due_overdue" if b.overdue else "bills.due"
        return f"{bill_name(b)}  {b.outstanding_text}  {self.tr_(key, date=due)}"

    def _failed(self, exc: Exception) -> None:
        if not self.bills:
            self.rows.set_items([Row(self.app.explain(exc))])
            self.changed.emit()
        self.app.show_error(exc)

    def _open(self, index: int) -> None:
        if index < len(self.bills):
            self.app.open(BillScreen(self.app, self.bills[index], self))
        elif not self.bills:
            self.enter()

    def on_arrow(self, key: Key, focused):
        if key in (Key.UP, Key.DOWN):
            return self.rows.turn(focused, down=key is Key.DOWN)
        return None


class BillScreen(Screen):
    """One bill: who bills it, the account, the period, usage, amount and due date."""

    cached = False

    def __init__(self, app, bill: Bill, origin: Screen) -> None:
        super().__init__(app, "bill")
        self.bill, self.origin = bill, origin
        tr, lang = self.tr_, app.language.lang
        self.title.setText(bill_name(bill))
        self.amount = self.label(level="big", name="bill_amount")
        self.amount.setText(tr("bills.amount", amount=bill.outstanding_text))
        due_key = "bills.due_overdue" if bill.overdue else "bills.due"
        self.details = self.label(name="bill_details")
        lines = [tr(due_key, date=formatting.day(bill.due_date, lang)),
                 tr("bills.biller", biller=bill.biller, account=bill.account_no)]
        if bill.usage:
            lines.append(tr("bills.usage", usage=bill.usage))
        self.details.setText("\n".join(lines))
        self.body.addWidget(self.amount)
        self.body.addWidget(self.details)
        self.body.addStretch(1)
        self.by_qr = self.button("bills.pay_qr", "bill_pay_qr", role="tile",
                                 on_ok=lambda: app.open(QrPayScreen(app, bill_qr(app, bill, origin))))
        self.by_card = self.button("bills.pay_card", "bill_pay_card", role="tile",
                                   on_ok=lambda: app.open(BillCardPay(app, bill, origin)))
        for b in (self.by_qr, self.by_card):
            b.setMinimumHeight(150)
        self.body.addLayout(self.row_of(self.by_qr, self.by_card))

    def intro(self) -> str:
        return self.spoken(self.title.text(), self.amount.text(), self.details.text())
