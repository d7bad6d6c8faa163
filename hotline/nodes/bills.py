"""Paying by phone: a known caller's household bills (after their card PIN), a bill
account number, or a submitted matter's charge; with the one-card and its PIN, once."""

from __future__ import annotations

from hotline.call import BaseNode, Call
from hotline.menus import page
from hotline.nodes import identity
from hotline.nodes.menu import option_lines
from hotline.reply import Ask, Reply, spell_digits, yuan
from hotline.spoken import Said, option_number
from portal_client import PortalProblem, PortalUnavailable
from portal_client.payments import Bill, Receipt

HEX = "ABCDEF"  # card numbers are hexadecimal: a letter is keyed as * then 1-6


def card_number(keys: str) -> str | None:
    """'*11*21' → 'A1B2': the keypad spelling of a hexadecimal card number."""
    out, i = [], 0
    while i < len(keys):
        if keys[i] == "*":
            if i + 1 >= len(keys) or keys[i + 1] not in "123456":
                return None
            out.append(HEX[int(keys[i + 1]) - 1])
            i += 2
        elif keys[i].isdigit():
            out.append(keys[i])
            i += 1
        else:
            return None
    return "".join(out) or None


def _label(call: Call, b: Bill) -> str:
    text = call.t("bills.label", kind=b.kind_label, period=b.period,
                  amount=yuan(b.outstanding_minor), due=b.due_date)
    return text + (call.t("bills.overdue") if b.overdue else "")


def _fail(call: Call, exc: PortalProblem) -> Reply:
    """A wrong PIN or number is asked again; a locked card goes to an agent; anything else
    (not enough money, already paid) goes back to the list with the reason."""
    if isinstance(exc, PortalUnavailable):
        return call.go("agent", call.t("error.unavailable"), push=False)
    if exc.status in (400, 401, 404):
        return call.retry(text=exc.detail)
    if exc.status in (403, 423):
        return call.go("agent", exc.detail, push=False)
    return call.back().before(exc.detail)


class Bills(BaseNode):
    """How the caller's bills are found: card PIN (caller ID) or an account number."""

    def prompt(self, call: Call) -> Reply:
        key = "bills.pin" if identity.card_of(call) else "bills.account"
        return call.reply(call.t(key), ask=Ask(speech=False, num_digits=None, timeout_s=10))

    def answer(self, call: Call, said: Said) -> Reply:
        try:
            if identity.card_of(call):
                refused = identity.sign_in_with_pin(call, said.digits)
                if refused is not None:
                    return refused
                found = call.client.household_bills()
            else:
                found = call.client.bills_for_account(said.digits)
        except PortalProblem as exc:
            return _fail(call, exc)
        numbers = [b.number for b in found if b.outstanding_minor > 0]
        if not numbers:
            return call.go("main", call.t("bills.none"), push=False)
        return call.go("bill_list", call.t("bills.intro", count=len(numbers)), push=False,
                       bills=numbers, page=0)


class BillList(BaseNode):
    """The open bills, four keys a page."""

    def _shown(self, call: Call) -> tuple[list[str], bool]:
        return page(list(call.state.args.get("bills") or []), int(call.state.args.get("page", 0)))

    def prompt(self, call: Call) -> Reply:
        shown, more = self._shown(call)
        try:
            labels = [_label(call, call.client.bill(n)) for n in shown]
        except PortalProblem:
            return call.go("agent", call.t("error.unavailable"), push=False)
        lines = option_lines(call, labels, more) + [call.t("menu.back")]
        return call.reply(*lines, ask=Ask(speech=True))

    def answer(self, call: Call, said: Said) -> Reply:
        shown, more = self._shown(call)
        n = option_number(said)
        if more and n == 4:
            args = dict(call.state.args)
            args["page"] = int(args.get("page", 0)) + 1
            return call.go("bill_list", push=False, **args)
        if n is None or not 1 <= n <= len(shown):
            return call.retry("input.no_option")
        return call.go("pay", bill=shown[n - 1])


class Pay(BaseNode):
    """Pay a bill or a matter's charge: the amount, then the card PIN (and for a caller not
    known, the card number first). The key per call and target makes it happen once."""

    def _amount(self, call: Call) -> str:
        args = call.state.args
        if args.get("bill"):
            b = call.client.bill(str(args["bill"]))
            return call.t("bills.confirm", kind=b.kind_label, period=b.period,
                          amount=yuan(b.outstanding_minor))
        m = call.client.matter(str(args["matter"]), lang=call.lang)
        return call.t("pay.matter", service=call.pick(m.service_title),
                      amount=yuan(m.amount_minor or 0))

    def prompt(self, call: Call) -> Reply:
        try:
            lines = [self._amount(call)]
        except PortalProblem:
            return call.go("agent", call.t("error.unavailable"), push=False)
        uid = call.state.args.get("uid") or identity.card_of(call)
        if uid:
            lines.append(call.t("bills.pin_to_pay", last=spell_digits(str(uid)[-4:])))
        else:
            lines.append(call.t("bills.card"))
        return call.reply(*lines, ask=Ask(speech=False, num_digits=None, timeout_s=12))

    def answer(self, call: Call, said: Said) -> Reply:
        args = call.state.args
        uid = args.get("uid") or identity.card_of(call)
        if not uid:
            typed = card_number(said.digits)
            if typed is None:
                return call.retry("input.bad_digits")
            args["uid"] = typed
            return call.again()
        target = str(args.get("bill") or args.get("matter"))
        key = f"hl:{call.state.sid}:{target}"
        try:
            if args.get("bill"):
                receipt = call.client.pay_bill(target, key, uid=str(uid), pin=said.digits)
            else:
                receipt = call.client.pay_matter(target, key, uid=str(uid), pin=said.digits)
        except PortalProblem as exc:
            return _fail(call, exc)
        if not isinstance(receipt, Receipt):  # card payments are settled at once
            return call.go("agent", call.t("error.unavailable"), push=False)
        return call.go("bill_paid", push=False, amount=yuan(receipt.amount_minor),
                       receipt=receipt.number, again=bool(args.get("bill")))


class BillPaid(BaseNode):
    """The receipt number; 1 another bill, 2 the main menu."""

    def prompt(self, call: Call) -> Reply:
        args = call.state.args
        after = "bills.after" if args.get("again") else "pay.after"
        return call.reply(call.t("bills.paid", amount=args["amount"],
                                 number=spell_digits(str(args["receipt"]))),
                          call.t(after), ask=Ask(speech=False))

    def empty_ok(self, call: Call) -> bool:
        return True

    def answer(self, call: Call, said: Said) -> Reply:
        if said.empty:
            return call.go("goodbye", push=False)
        if said.digits == "1" and call.state.args.get("again"):
            return call.go("bills", push=False)
        if said.digits == "2":
            call.state.stack.clear()
            return call.go("main", push=False)
        return call.retry("input.no_option")
