"""Check the order, then send it (free), pay by one-card, or put it on the household bill."""

from __future__ import annotations

import uuid

from portal_client import Matter, PortalProblem
from qt_common import formatting
from tv_app.backend import is_down
from tv_app.flow import OrderFlow, answer_text
from tv_app.remote import Key
from tv_app.screens.base import Screen
from tv_app.screens.sos import spaced
from tv_app.widgets import PagedRows, Row

CARD, QR = "card", "qr"


class ReviewScreen(Screen):
    """Every answer (OK on one changes it), the total, and how to pay."""

    cached = False

    def __init__(self, app, flow: OrderFlow) -> None:
        super().__init__(app, "review")
        self.flow = flow
        self.busy = False
        self.title.setText(self.tr_("review.title", service=app.language.pick(flow.service.title)))
        self.rows = PagedRows(self, "answers", per_page=3)  # + 3 payment tiles ≤ 6
        self.rows.page_text = lambda p, n: self.tr_("list.page", page=p, pages=n)
        self.rows.activated.connect(self._edit)
        self.body.addWidget(self.rows, 1)
        self.total = self.label(level="big", name="total")
        self.body.addWidget(self.total)
        self.pay_card = self.button("review.pay_card", "pay_card", role="tile",
                                    on_ok=lambda: self._pay(CARD))
        self.pay_qr = self.button("review.pay_qr", "pay_qr", role="tile",
                                  on_ok=lambda: self._pay(QR))
        self.pay_bill = self.button("review.pay_bill", "pay_bill", role="tile",
                                    on_ok=self._put_on_bill)
        self.send = self.button("review.send", "send", role="tile", on_ok=self._send)
        for b in (self.pay_card, self.pay_qr, self.pay_bill, self.send):
            b.setMinimumHeight(120)
        self.body.addLayout(self.row_of(self.pay_card, self.pay_qr, self.pay_bill, self.send))
        self._steps: list[int] = []
        self._bill_key: str | None = None  # kept while an answer is merely missing

    def enter(self) -> None:
        self._render()

    def _render(self) -> None:
        tr, lang, pick = self.tr_, self.app.language.lang, self.app.language.pick
        rows, self._steps = [], []
        for i, step in enumerate(self.flow.plan.steps):
            if step.part == "slot":
                continue
            text = f"{pick(step.field.label)}：{answer_text(self.flow, step, tr, lang, pick)}"
            rows.append(Row(text))
            self._steps.append(i)
        for key, value in self.flow.plan.fixed.items():
            f = next(x for x in self.flow.service.fields if x.key == key)
            rows.append(Row(f"{pick(f.label)}：{value}"))
        self.rows.set_items(rows)
        minor = self.flow.total_minor()
        if minor:
            self.total.setText(tr("review.total", amount=formatting.money_minor(
                minor, self.flow.currency(), lang)))
        else:
            self.total.setText(tr("review.free"))
        self.pay_card.setVisible(bool(minor))
        self.pay_qr.setVisible(bool(minor))
        self.pay_bill.setVisible(bool(minor))
        self.send.setVisible(not minor)
        self.changed.emit()

    def default_focus(self):
        return self.pay_card if self.flow.total_minor() else self.send

    def intro(self) -> str:
        return self.spoken(self.title.text(), self.total.text())

    def on_arrow(self, key: Key, focused):
        if key in (Key.UP, Key.DOWN):
            return self.rows.turn(focused, down=key is Key.DOWN)
        return None

    def _edit(self, index: int) -> None:
        from tv_app.screens.order import StepScreen

        if index < len(self._steps):
            self.app.open(StepScreen(self.app, self.flow, self._steps[index], edit=True))
        else:
            self.app.hint(self.tr_("review.fixed_address"))

    # --- sending ------------------------------------------------------------------------------

    def _send(self) -> None:
        """A free service: submit (the same client_ref on every try)."""
        if self.busy:
            return
        self.busy = True
        self.app.narrator.say(self.tr_("order.sending"), self.app.language.lang)
        flow = self.flow
        self.app.run(lambda: self.app.backend.submit(flow.service.id, flow.fields(),
                                                     flow.client_ref),
                     self._sent, self._failed)

    def _sent(self, matter: Matter) -> None:
        self.busy = False
        self.flow.matter = matter
        show_result(self.app, self.flow.origin, matter, paid_minor=None, kind="sent")

    def _failed(self, exc: Exception) -> None:
        self.busy = False
        show_submit_error(self.app, self, exc)

    def _put_on_bill(self) -> None:
        """Order now, pay later: the order goes on the household's bill (no money moves)."""
        if self.busy:
            return
        self.busy = True
        self._bill_key = self._bill_key or uuid.uuid4().hex
        key, flow = self._bill_key, self.flow
        self.app.narrator.say(self.tr_("order.sending"), self.app.language.lang)
        self.app.run(lambda: self.app.backend.order_on_household_bill(
            flow.service.id, flow.fields(), flow.client_ref, key), self._billed,
            self._bill_failed)

    def _billed(self, result: tuple) -> None:
        self.busy = False
        matter, billed = result
        self.flow.matter = matter
        bill = billed.bill
        due = formatting.day(bill.due_date, self.app.language.lang)
        show_result(self.app, self.flow.origin, matter, bill.amount_minor, "bill", due=due)

    def _bill_failed(self, exc: Exception) -> None:
        self.busy = False
        if not is_down(exc):
            self._bill_key = None  # a definite "no": the next try is a new request
        show_submit_error(self.app, self, exc)

    def _pay(self, how: str) -> None:
        from tv_app.screens.pay import OrderCardPay, QrPayScreen, order_qr

        if self.busy:
            return
        if how == CARD:
            self.app.open(OrderCardPay(self.app, self.flow))
        else:
            self.app.open(QrPayScreen(self.app, order_qr(self.app, self.flow)))


def show_submit_error(app, review: ReviewScreen, exc: Exception) -> None:
    """Per-field errors from the core go beside the field; others to the hint line."""
    if isinstance(exc, PortalProblem) and not is_down(exc) and exc.field_errors:
        key, message = next(iter(exc.field_errors.items()))
        app.hint(message)
        for n, i in enumerate(review._steps):
            if review.flow.plan.steps[i].key == key:
                app.nav.focus(review.rows.show_index(n), speak=False)
                break
        return
    app.show_error(exc)


def show_result(app, origin: Screen, matter: Matter, paid_minor: int | None, kind: str,
                **params: object) -> None:
    """Close the flow and show a matter's result one level below where it started
    (`params` fill the payment line, e.g. a bill's due date)."""
    tr, lang, pick = app.tr_, app.language.lang, app.language.pick
    lines: list[tuple[str, str | None]] = [
             (pick(matter.service_title) if matter.service_title else "", "big"),
             (tr("result.number", number=spaced(matter.number)), None),
             (tr("result.state", state=pick(matter.state_label),
                 next=pick(matter.next_step) if matter.next_step else ""), "ok")]
    if paid_minor:
        lines.append((tr(f"result.paid_{kind}", amount=formatting.money_minor(
            paid_minor, matter.currency or "CNY", lang), **params), None))
    close_flow_with(app, origin, ResultScreen(app, tr(f"result.title_{kind}"), lines))


def close_flow_with(app, origin: Screen, result: Screen) -> None:
    """Close every screen above `origin` and open `result` on it (Back returns to origin)."""
    nav = app.nav
    if origin in nav.stack:
        nav.pop_to(origin)
    app.open(result)


class ResultScreen(Screen):
    """What just happened (sent, paid, failed), spoken; OK or Back returns to the start."""

    cached = False

    def __init__(self, app, title: str, lines: list[tuple[str, str | None]]) -> None:
        super().__init__(app, "result")
        self.title.setText(title)
        self.lines = []
        for i, (text, level) in enumerate(lines):
            if not text:
                continue
            lab = self.label(level=level, name=f"result_line{i}")
            lab.setText(text)
            self.body.addWidget(lab)
            self.lines.append(lab)
        self.body.addStretch(1)
        self.ok = self.button("result.ok", "result_ok", role="tile", on_ok=app.nav.back)
        self.ok.setMinimumHeight(120)
        self.body.addWidget(self.ok)

    def text(self) -> str:
        """Everything the result says."""
        return "\n".join(lab.text() for lab in self.lines)

    def intro(self) -> str:
        return self.spoken(self.title.text(), *(lab.text() for lab in self.lines))
