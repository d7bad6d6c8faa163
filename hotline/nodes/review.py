"""The end of a form: every answer read back, confirmed (by the card PIN when the service
needs identity), submitted once, and the matter number said digit by digit."""

from __future__ import annotations

from channel_render import phone
from hotline import fields as kinds
from hotline.call import BaseNode, Call
from hotline.nodes import caller, identity, photo, prefill
from hotline.nodes.form import FieldNode, next_field, service_of, start_form
from hotline.reply import Ask, Reply, spell_digits, yuan
from hotline.spoken import Said, yes_no
from portal_client import PortalProblem, PortalUnavailable


class Review(BaseNode):
    """Every answer read back; 1 submits, 2 starts the form again."""

    def prompt(self, call: Call) -> Reply:
        form = call.state.form
        assert form is not None
        svc = service_of(call)
        readback = []
        for f in svc.fields:
            if f.key not in form.answers:
                continue
            if f.type == "photo":
                readback.append(call.t("review.photo", label=call.pick(f.label)))
                continue
            value = form.answers[f.key]
            if f.type == "address" and value == prefill.home_address(call.state):
                value = call.t("review.home_address")  # not read aloud: caller ID can lie
            else:
                value = kinds.spoken_value(f, value, call.lang, call.t("words.yes_said"),
                                           call.t("words.no_said"))
            readback.append(call.t("review.item", label=call.pick(f.label), value=value))
        pin = self._pin(call)
        lines = phone.review_prompt(svc, call.lang, readback, pin=pin)
        if pin:
            return call.keys_only(*lines)
        return call.reply(*lines, ask=Ask(hints=call.hints("words.yes", "words.no")))

    def _pin(self, call: Call) -> bool:
        """A service that needs identity, for a caller ID with a card: the PIN confirms."""
        return identity.needs_sign_in(call, service_of(call).requires_identity)

    def back(self, call: Call) -> Reply:
        return FieldNode().back(call)

    def answer(self, call: Call, said: Said) -> Reply:
        form = call.state.form
        assert form is not None
        if self._pin(call):
            refused = identity.sign_in_with_pin(call, said.digits)
            return refused if refused is not None else submit(call)
        ok = yes_no(said, call.words("words.yes"), call.words("words.no"))
        if ok is None:
            return call.retry("input.no_option")
        if not ok:
            return start_form(call, form.service_id, quick=form.quick)
        return submit(call)


def submit(call: Call) -> Reply:
    """Submit the answers once (the form's client_ref makes a retry return the same matter)."""
    form = call.state.form
    assert form is not None
    phone = caller.phone_of(call.state.caller)
    sms_to = caller.sms_address(call.state.caller)
    sms = sms_to is not None
    res = call.state.resident or {}
    contact = {k: v for k, v in (("phone", phone), ("name", res.get("name"))) if v}
    try:
        m = call.client.submit_matter(
            form.service_id, form.answers, "hotline", contact=contact or None, lang=call.lang,
            client_ref=form.ref, notify_via="sms" if sms else None,
            notify_address=sms_to)
    except PortalUnavailable:
        return call.go("agent", call.t("error.unavailable"))
    except PortalProblem as exc:
        return _refused(call, exc)
    form.submitted = m.number
    if m.number not in call.state.matters:
        call.state.matters.append(m.number)
    photo.send_links(call, m.number)
    charge = m.amount_minor if call.hotline.payments and m.amount_minor else 0
    args = {"number": m.number, "sms": sms, "charge": charge}
    return call.then("submitted", *number_lines(call, args), **args)


def number_lines(call: Call, args: dict) -> list[str]:
    """The matter number digit by digit (said whole: no key press cuts it short)."""
    lines = [call.t("submitted.number", number=spell_digits(str(args["number"])))]
    if args.get("sms"):
        lines.append(call.t("submitted.sms"))
    return lines


def _refused(call: Call, exc: PortalProblem) -> Reply:
    form = call.state.form
    assert form is not None
    if exc.status == 401:
        return call.go("verify", push=False, then=form.service_id, quick=form.quick)
    errors = exc.field_errors
    fields = service_of(call).fields
    for i, f in enumerate(fields):
        if f.key in errors:
            form.answers.pop(f.key, None)
            form.index = i
            return next_field(call, errors[f.key])
    return call.go("agent", exc.detail or call.t("error.unavailable"))


AFTER = ("words.repeat", "words.main_menu", "words.pay")


class Submitted(BaseNode):
    """The matter number, digit by digit; 1 repeats it, 2 returns to the main menu, 3 pays
    what it costs (keys or words)."""

    def prompt(self, call: Call) -> Reply:
        lines = []
        charge = call.state.args.get("charge")
        if charge:
            lines.append(call.t("submitted.pay", amount=yuan(int(charge))))
        lines.append(call.t("submitted.keys"))
        return call.reply(*lines, ask=Ask(hints=call.hints(*AFTER[:3 if charge else 2])))

    def empty_ok(self, call: Call) -> bool:
        return True

    def back(self, call: Call) -> Reply:
        return call.go("main", push=False)

    def answer(self, call: Call, said: Said) -> Reply:
        if said.empty:
            return call.go("goodbye", push=False)
        n = call.option(said, *AFTER)
        if n == 1:
            args = dict(call.state.args)
            return call.then("submitted", *number_lines(call, args), **args)
        if n == 2:
            call.state.form = None
            call.state.stack.clear()
            return call.go("main", push=False)
        if n == 3 and call.state.args.get("charge"):
            return call.go("pay", matter=str(call.state.args["number"]))
        return call.retry("input.no_option")
