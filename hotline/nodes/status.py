"""Status by matter number: key it (or say it), hear the state and the next step."""

from __future__ import annotations

from hotline.call import BaseNode, Call
from hotline.fields import digit_hints
from hotline.nodes.caller import matter_line
from hotline.reply import Ask, Reply, spell_digits
from hotline.spoken import Said, digits_in
from portal_client import PortalProblem, PortalUnavailable

NUMBER_LENGTH = 9
LIST_OPEN = 3  # a known caller hears up to three of their open matters first


def status_lines(call: Call, number: str) -> list[str]:
    """The matter's state and next step in the caller's language (raises PortalProblem)."""
    m = call.client.matter(number, lang=call.lang)
    lines = [call.t("status.result", number=spell_digits(m.number),
                    service=call.pick(m.service_title), state=m.state_text)]
    if m.next_step_text:
        lines.append(call.t("status.next", next=m.next_step_text))
    if m.overdue and m.is_open:
        lines.append(call.t("status.overdue"))
    return lines


def look_up(call: Call, number: str) -> Reply:
    try:
        lines = status_lines(call, number)
    except PortalUnavailable:
        return call.go("agent", call.t("error.unavailable"))
    except PortalProblem as exc:
        call.state.node, call.state.args = "status", {}
        return call.retry("status.unknown" if exc.status == 404 else "status.check_digit")
    # Said outside any question (a key pressed cannot cut it short), then the options.
    return call.then("status_result", *lines, number=number)


class Status(BaseNode):
    """Ask for a number (after reading a known caller's open matters)."""

    def prompt(self, call: Call) -> Reply:
        number = call.state.args.get("number")
        if number:
            return look_up(call, str(number))
        lines: list[str] = []
        res = call.state.resident or {}
        if res.get("open_matters") and not call.state.args.get("listed"):
            call.state.args["listed"] = True
            lines.append(call.t("status.yours"))
            for n in res["open_matters"][:LIST_OPEN]:
                try:
                    lines.append(matter_line(call, n))
                except PortalProblem:
                    continue
        lines.append(call.t("status.ask", digits=NUMBER_LENGTH))
        return call.reply(*lines, ask=Ask(num_digits=NUMBER_LENGTH, finish_on_key="#",
                                          timeout_s=10, hints=digit_hints(call.lang)))

    def answer(self, call: Call, said: Said) -> Reply:
        number = said.digits or digits_in(said.speech)
        if len(number) != NUMBER_LENGTH or not number.isdigit():
            return call.retry("status.length")
        return look_up(call, number)


AFTER = ("words.repeat", "words.another", "words.main_menu")


class StatusResult(BaseNode):
    """After a status: 1 again, 2 another number, 3 the main menu (keys or words)."""

    def prompt(self, call: Call) -> Reply:
        return call.reply(call.t("status.after"), ask=Ask(hints=call.hints(*AFTER)))

    def empty_ok(self, call: Call) -> bool:
        return True

    def answer(self, call: Call, said: Said) -> Reply:
        if said.empty:
            return call.go("goodbye", push=False)
        n = call.option(said, *AFTER)
        if n == 1:
            return look_up(call, str(call.state.args.get("number")))
        if n == 2:
            return call.go("status", push=False, listed=True)
        if n == 3:
            call.state.stack.clear()
            return call.go("main", push=False)
        return call.retry("input.no_option")
