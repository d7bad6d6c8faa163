"""Services that need identity: a one-time code texted to the resident's phone."""

from __future__ import annotations

from hotline.call import BaseNode, Call
from hotline.fields import digit_hints
from hotline.nodes.caller import phone_of
from hotline.reply import Ask, Reply
from hotline.spoken import Said, digits_in
from portal_client import PortalProblem, PortalUnavailable

CODE_LENGTH = 6


class Verify(BaseNode):
    """Text a code to the caller's phone (or a phone they key in) and check it."""

    def _phone(self, call: Call) -> str | None:
        args = call.state.args
        if args.get("phone"):
            return str(args["phone"])
        if call.state.resident:
            return phone_of(call.state.caller)
        return None

    def prompt(self, call: Call) -> Reply:
        args = call.state.args
        phone = self._phone(call)
        if phone is None:
            return call.reply(call.t("verify.intro"), call.t("verify.ask_phone"),
                              ask=Ask(num_digits=None, finish_on_key="#", timeout_s=10,
                                      hints=digit_hints(call.lang)))
        if not args.get("sent"):
            try:
                call.client.request_otp(phone)
            except PortalUnavailable:
                return call.go("agent", call.t("error.unavailable"), push=False)
            except PortalProblem as exc:
                if exc.status == 404:
                    return call.go("main", call.t("verify.unknown_phone"), push=False)
                return call.go("main", exc.detail, push=False)
            args["phone"], args["sent"] = phone, True
        return call.reply(call.t("verify.sent", digits=CODE_LENGTH),
                          ask=Ask(num_digits=CODE_LENGTH, finish_on_key="#", timeout_s=15,
                                  hints=digit_hints(call.lang)))

    def answer(self, call: Call, said: Said) -> Reply:
        args = call.state.args
        keyed = said.digits or digits_in(said.speech)
        if not args.get("sent"):
            if not keyed.isdigit() or len(keyed) < 7:
                return call.retry("input.bad_digits")
            args["phone"] = keyed
            return call.again()
        if len(keyed) != CODE_LENGTH:
            return call.retry("input.bad_digits")
        try:
            session = call.hotline.fresh_client(call.lang).sign_in_otp(str(args["phone"]), keyed)
        except PortalUnavailable:
            return call.go("agent", call.t("error.unavailable"), push=False)
        except PortalProblem as exc:
            if exc.status == 401:
                return call.retry(text=exc.detail)
            return call.go("main", exc.detail, push=False)
        call.signed_in(session)
        from hotline.nodes.form import start_form

        return start_form(call, str(args["then"]), quick=bool(args.get("quick")))


def card_of(call: Call) -> str | None:
    """The active one-card of a caller that caller ID found (their PIN proves it is them)."""
    res = call.state.resident or {}
    return next((c["uid"] for c in res.get("cards") or () if c.get("status") == "active"), None)


def needs_sign_in(call: Call, requires_identity: bool) -> bool:
    return requires_identity and not call.state.token


def sign_in_with_pin(call: Call, pin: str) -> Reply | None:
    """Check the caller's card PIN (the card's own lockout applies): None once signed in,
    else what the caller hears (a wrong PIN is asked again; a locked card goes to an agent)."""
    uid = card_of(call)
    try:
        if uid is None:
            raise PortalProblem(403, "no_card", call.t("verify.no_card"))
        session = call.hotline.fresh_client(call.lang).sign_in_card(uid, pin)
    except PortalUnavailable:
        return call.go("agent", call.t("error.unavailable"), push=False)
    except PortalProblem as exc:
        if exc.status in (400, 401, 422):  # wrong or malformed PIN: asked again
            return call.retry(text=exc.detail or call.t("verify.pin_wrong"))
        return call.go("agent", exc.detail or call.t("verify.pin_wrong"), push=False)
    call.signed_in(session)
    return None
