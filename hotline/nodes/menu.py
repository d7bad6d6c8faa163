"""The greeting and the catalog menus: main → categories → services (three levels)."""

from __future__ import annotations

from channel_render import phone
from hotline.call import BaseNode, Call
from hotline.menus import page
from hotline.nodes import caller
from hotline.nodes.form import start_form
from hotline.reply import Ask, Line, Reply
from hotline.spoken import (
    Said,
    chosen,
    digits_in,
    match_label,
    option_number,
    said_briefly,
    yes_no,
)
from portal_client import PortalProblem
from portal_client.i18n import gettext

OTHER_LANG = {"zh_CN": "en", "zh_TW": "en", "en": "zh_CN"}
LANGUAGE_KEY = "9"


def turns_page(call: Call, said: Said, more: bool) -> bool:
    """Key 4 (or 'more', 'next page') on a menu with more options than fit."""
    if not more:
        return False
    return said.digits == "4" or (not said.digits and said_briefly(
        said.speech, call.words("words.more")))


def menu_hints(call: Call, labels: list[str], more: bool) -> tuple[str, ...]:
    """What callers may say at a menu: its options' labels (and 'more')."""
    return tuple(labels) + (call.words("words.more") if more else ())


def option_lines(call: Call, labels: list[str], more: bool) -> list[str]:
    """'For X, press 1' for each label, then 'for more, press 4' when the page turns."""
    lines = [call.t("menu.option", label=label, digit=i) for i, label in enumerate(labels, 1)]
    if more:
        lines.append(call.t("menu.more", digit=4))
    return lines


def main_options(call: Call) -> list[tuple[str, str]]:
    """(action, label) of the main menu, shaped by who is calling (paged like any menu)."""
    res = call.state.resident
    opts: list[tuple[str, str]] = []
    if res and res.get("is_elder"):
        for sid in caller.elder_services(call):
            opts.append((f"quick:{sid}", call.t("main.quick", service=call.pick(
                call.catalog.services[sid].title))))
    opts += [("status", call.t("main.status")), ("services", call.t("main.services"))]
    if call.hotline.payments:
        opts.append(("bills", call.t("main.bills")))
    opts.append(("message", call.t("main.message")))
    return opts


class Main(BaseNode):
    """Greeting (once) and the main menu."""

    def prompt(self, call: Call) -> Reply:
        lines: list[Line] = []
        if not call.state.greeted:
            call.state.greeted = True
            lines += caller.greeting(call)
        shown, more = page(main_options(call), int(call.state.args.get("page", 0)))
        lines += option_lines(call, [label for _, label in shown], more)
        lines.append(call.t("main.agent"))
        other = OTHER_LANG[call.lang]
        lines.append((gettext("hotline", "main.language", other, digit=LANGUAGE_KEY), other))
        labels = [label for _, label in shown]
        return call.reply(*lines, ask=Ask(hints=menu_hints(call, labels, more)
                                          + call.words("words.status")
                                          + call.words("words.other_language")
                                          + call.catalog.hints(call.lang)))

    def answer(self, call: Call, said: Said) -> Reply:
        if said.digits == LANGUAGE_KEY or (not said.digits and said_briefly(
                said.speech, call.words("words.other_language"))):
            call.set_lang(OTHER_LANG[call.lang])
            return call.go("main", call.t("main.switched"), push=False)
        opts, more = page(main_options(call), int(call.state.args.get("page", 0)))
        if turns_page(call, said, more):
            return call.go("main", push=False, page=int(call.state.args.get("page", 0)) + 1)
        if said.digits:
            n = option_number(said)
            if n is not None and 1 <= n <= len(opts):
                return choose(call, opts[n - 1][0])
            return call.retry("input.no_option")
        spoken = digits_in(said.speech)
        if len(spoken) == 9:  # a request number said straight away
            return call.go("status", number=spoken)
        if any(w.lower() in said.speech.lower() for w in call.words("words.status")):
            return call.go("status")
        every = main_options(call)
        named = match_label(said.speech, [[label] for _, label in every])
        if named is not None:  # an option named, on any page ('jiao na zhang dan', 'a voice message')
            return choose(call, every[named][0])
        n = option_number(said)
        if n is not None and 1 <= n <= len(opts):
            return choose(call, opts[n - 1][0])
        return search(call, said.speech)


def choose(call: Call, action: str) -> Reply:
    if action.startswith("quick:"):
        return start_form(call, action.split(":", 1)[1], quick=True)
    if action == "services":
        return call.go("categories", page=0)
    return call.go(action)


def search(call: Call, speech: str) -> Reply:
    """A service named in speech: search the catalog and open the best match."""
    try:
        hits = call.client.search(speech, lang=call.lang, channel="hotline", limit=3)
    except PortalProblem:
        hits = []
    hits = [h for h in hits if h.id in call.catalog.services]
    if not hits:
        return call.retry("input.no_match")
    return call.go("service", id=hits[0].id)


class Categories(BaseNode):
    """Families (and themes), four keys a page."""

    def prompt(self, call: Call) -> Reply:
        cats = call.catalog.categories
        shown, more = page(cats, int(call.state.args.get("page", 0)))
        lines = [call.t("categories.intro")]
        lines += option_lines(call, [call.pick(c.label) for c in shown], more)
        lines.append(call.t("menu.back"))
        return call.reply(*lines, ask=Ask(hints=menu_hints(call, [call.pick(c.label)
                                                                  for c in cats], more)
                                          + call.catalog.hints(call.lang)))

    def answer(self, call: Call, said: Said) -> Reply:
        cats = call.catalog.categories
        number = int(call.state.args.get("page", 0))
        shown, more = page(cats, number)
        if turns_page(call, said, more):
            return call.go("categories", push=False, page=number + 1)
        idx = None if said.digits else match_label(said.speech, [list(c.label.values())
                                                                 for c in cats])
        n = option_number(said) if idx is None else None
        if n is not None:
            if 1 <= n <= len(shown):
                call.state.family = shown[n - 1].family
                return call.go("services", category=shown[n - 1].id, page=0)
            return call.retry("input.no_option")
        if idx is not None:
            call.state.family = cats[idx].family
            return call.go("services", category=cats[idx].id, page=0)
        return search(call, said.speech)


class Services(BaseNode):
    """The services of one category, four keys a page."""

    def _items(self, call: Call) -> list[str]:
        cat = call.catalog.category(str(call.state.args.get("category")))
        return list(cat.service_ids) if cat else []

    def prompt(self, call: Call) -> Reply:
        ids = self._items(call)
        shown, more = page(ids, int(call.state.args.get("page", 0)))
        svcs = call.catalog.services
        lines = option_lines(call, [call.pick(svcs[i].title) for i in shown], more)
        lines.append(call.t("menu.back"))
        return call.reply(*lines, ask=Ask(hints=menu_hints(call, [], more)
                                          + call.catalog.hints(call.lang, ids)))

    def answer(self, call: Call, said: Said) -> Reply:
        ids = self._items(call)
        number = int(call.state.args.get("page", 0))
        shown, more = page(ids, number)
        if turns_page(call, said, more):
            return call.go("services", push=False, category=call.state.args["category"],
                           page=number + 1)
        svcs = call.catalog.services
        idx = None if said.digits else match_label(
            said.speech, [list(svcs[i].title.values())
                          + list(svcs[i].keywords.get(call.lang) or ()) for i in ids])
        n = option_number(said) if idx is None else None
        if n is not None:
            if 1 <= n <= len(shown):
                return call.go("service", id=shown[n - 1])
            return call.retry("input.no_option")
        if idx is not None:
            return call.go("service", id=ids[idx])
        return search(call, said.speech)


class ServiceIntro(BaseNode):
    """What a service is, its fee, and the key to start its form."""

    def prompt(self, call: Call) -> Reply:
        svc = call.catalog.services.get(str(call.state.args.get("id")))
        if svc is None:
            return call.go("main", call.t("service.gone"), push=False)
        call.state.family = svc.family
        return call.reply(*phone.service_intro(svc, call.lang),
                          ask=Ask(hints=call.hints("words.yes", "words.start")))

    def answer(self, call: Call, said: Said) -> Reply:
        svc = call.catalog.services.get(str(call.state.args.get("id")))
        if svc is None:
            return call.go("main", push=False)
        if chosen(said, [call.words("words.start")]) == 1 or (not said.digits and yes_no(
                said, call.words("words.yes"), call.words("words.no"))):
            if svc.workflow == "info" or not svc.fields:
                return call.again()
            return start_form(call, svc.id)
        return call.retry("input.no_option")

