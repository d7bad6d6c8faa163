"""Paying by phone: a known caller's household bills (after their card PIN), a bill
account number, or a submitted matter's charge; with the one-card and its PIN, or by a pay
link texted to the caller (the gateway's pay page), once."""

from __future__ import annotations

import logging

from hotline.call import BaseNode, Call
from hotline.fields import digit_hints
from hotline.menus import page
from hotline.nodes import caller, identity
from hotline.nodes.menu import menu_hints, option_lines, turns_page
from hotline.numerals import spoken_card, spoken_digits
from hotline.reply import Ask, Reply, spell_digits, yuan
from hotline.spoken import Said, match_label, option_number
from portal_client import PortalProblem, PortalUnavailable
from portal_client.payments import Bill, Receipt

log = logging.getLogger(__name__)
HEX = "ABCDEF"  # card numbers are hexadecimal: a letter is keyed as * then 1-6
HOW = ("words.pay_card", "words.pay_link")
AFTER = ("words.another", "words.main_menu")


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
        if identity.card_of(call):
            return call.keys_only(call.t("bills.pin"))
        return call.reply(call.t("bills.account"), ask=Ask(num_digits=None, timeout_s=10,
                                                           hints=digit_hints(call.lang)))

    def answer(self, call: Call, said: Said) -> Reply:
        try:
            if identity.card_of(call):
                refused = identity.sign_in_with_pin(call, said.digits)
                if refused is not None:
                    return refused
                found = call.client.household_bills()
            else:
                account = said.digits or spoken_digits(said.speech)
                if not account:
                    return call.retry("input.bad_digits")
                found = call.client.bills_for_account(account)
        except PortalProblem as exc:
            return _fail(call, exc)
        numbers = [b.number for b in found if b.outstanding_minor > 0]
        if not numbers:
            return call.go("main", call.t("bills.none"), push=False)
        return call.go("bill_list", call.t("bills.intro", count=len(numbers)), push=False,
                       bills=numbers, page=0)


class BillList(BaseNode):
    """The open bills, four keys a page; a bill is also chosen by naming it ('dian fei')."""

    def _shown(self, call: Call) -> tuple[list[str], bool]:
        return page(list(call.state.args.get("bills") or []), int(call.state.args.get("page", 0)))

    def _bills(self, call: Call, numbers: list[str]) -> list[Bill]:
        return [call.client.bill(n) for n in numbers]

    def prompt(self, call: Call) -> Reply:
        shown, more = self._shown(call)
        try:
            bills = self._bills(call, shown)
        except PortalProblem:
            return call.go("agent", call.t("error.unavailable"), push=False)
        lines = option_lines(call, [_label(call, b) for b in bills], more) + [call.t("menu.back")]
        return call.reply(*lines, ask=Ask(hints=menu_hints(call, [b.kind_label for b in bills],
                                                           more)))

    def answer(self, call: Call, said: Said) -> Reply:
        shown, more = self._shown(call)
        if turns_page(call, said, more):
            args = dict(call.state.args)
            args["page"] = int(args.get("page", 0)) + 1
            return call.go("bill_list", push=False, **args)
        if not said.digits:  # a bill named, on any page ('dian fei', '187.35')
            every = list(call.state.args.get("bills") or [])
            try:
                names = [[b.kind_label, yuan(b.outstanding_minor)]
                         for b in self._bills(call, every)]
            except PortalProblem:
                return call.go("agent", call.t("error.unavailable"), push=False)
            named = match_label(said.speech, names)
            if named is not None:
                return call.go("pay", bill=every[named])
        n = option_number(said)
        if n is None or not 1 <= n <= len(shown):
            return call.retry("input.no_option")
        return call.go("pay", bill=shown[n - 1])


class Pay(BaseNode):
    """Pay a bill or a matter's charge: the amount, then how (callers who can get texts may
    have the pay link sent by SMS), then the card PIN (and for a caller not known, the card
    number first). The key per call and target makes each payment happen once."""

    def _amount(self, call: Call) -> str:
        args = call.state.args
        if args.get("bill"):
            b = call.client.bill(str(args["bill"]))
            return call.t("bills.confirm", kind=b.kind_label, period=b.period,
                          amount=yuan(b.outstanding_minor))
        m = call.client.matter(str(args["matter"]), lang=call.lang)
        return call.t("pay.matter", service=call.pick(m.service_title),
                      amount=yuan(m.amount_minor or 0))

    def _choosing(self, call: Call) -> bool:
        """Still to choose between the card and a texted link."""
        return not call.state.args.get("how") and caller.sms_address(call.state.caller) is not None

    def prompt(self, call: Call) -> Reply:
        try:
            lines = [self._amount(call)]
        except PortalProblem:
            return call.go("agent", call.t("error.unavailable"), push=False)
        if self._choosing(call):
            return call.reply(*lines, call.t("pay.how"), ask=Ask(hints=call.hints(*HOW)))
        uid = call.state.args.get("uid") or identity.card_of(call)
        if uid:
            return call.keys_only(*lines, call.t("bills.pin_to_pay",
                                                 last=spell_digits(str(uid)[-4:])))
        return call.reply(*lines, call.t("bills.card"),
                          ask=Ask(num_digits=None, timeout_s=12,
                                  hints=digit_hints(call.lang) + tuple(HEX)))

    def answer(self, call: Call, said: Said) -> Reply:
        args = call.state.args
        if self._choosing(call):
            how = call.option(said, *HOW)
            if how == 1:
                args["how"] = "card"
                return call.again()
            if how == 2:
                return self._text_link(call)
            return call.retry("input.no_option")
        uid = args.get("uid") or identity.card_of(call)
        if not uid:
            typed = card_number(said.digits) if said.digits else spoken_card(said.speech)
            if typed is None:
                return call.retry("input.bad_digits")
            args["uid"] = typed
            return call.again()
        target = str(args.get("bill") or args.get("matter"))
        key = f"hl:{call.state.sid}:{target}"
        receipt: object
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

    def _text_link(self, call: Call) -> Reply:
        """A gateway payment for the bill or matter, its pay link texted to the caller
        through the core's outbox; the bill shows paid once the link is paid."""
        args = call.state.args
        purpose = "bill" if args.get("bill") else "matter"
        target = str(args.get("bill") or args.get("matter"))
        address = caller.sms_address(call.state.caller)
        assert address is not None
        try:
            intent = call.client.create_payment(purpose, target,
                                                call.hotline.config.pay_link_method,
                                                f"hl:{call.state.sid}:{target}:link")
            text = call.t("sms.pay_link", what=self._amount(call), url="{url}")
            call.client.send_payment_link(intent.id, address, text)
        except PortalProblem as exc:
            log.warning("pay link for %s %s not sent: %s", purpose, target, exc)
            return _fail(call, exc)
        return call.go("bill_paid", push=False, link=True, amount=yuan(intent.amount_minor),
                       again=purpose == "bill")


class BillPaid(BaseNode):
    """Paid (the receipt number), or the pay link texted; 1 another bill, 2 the main menu."""

    def prompt(self, call: Call) -> Reply:
        args = call.state.args
        after = "bills.after" if args.get("again") else "pay.after"
        if args.get("link"):
            first = call.t("pay.link_sent", amount=args["amount"])
        else:
            first = call.t("bills.paid", amount=args["amount"],
                           number=spell_digits(str(args["receipt"])))
        words = AFTER if args.get("again") else AFTER[1:]
        return call.reply(first, call.t(after), ask=Ask(hints=call.hints(*words)))

    def empty_ok(self, call: Call) -> bool:
        return True

    def answer(self, call: Call, said: Said) -> Reply:
        if said.empty:
            return call.go("goodbye", push=False)
        n = call.option(said, *AFTER)
        if n == 1 and call.state.args.get("again"):
            return call.go("bills", push=False)
        if n == 2:
            call.state.stack.clear()
            return call.go("main", push=False)
        return call.retry("input.no_option")
