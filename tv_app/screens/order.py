"""A service from the catalog, asked one field per screen with lists and digit keys."""

from __future__ import annotations

import uuid

from channel_render import remote_plan
from channel_render.remote_plan import DIGITS, MULTI, Plan, option_text
from portal_client import Matter, Service
from qt_common import formatting
from tv_app.flow import OrderFlow
from tv_app.remote import Key
from tv_app.screens.base import Screen
from tv_app.widgets import DigitBox, PagedRows, Row


def open_service(app, service_id: str) -> None:
    """Open a service's introduction one level down."""
    app.open(ServiceIntro(app, service_id))


def open_callback(app, service: Service | None, origin: Screen) -> None:
    """Offer a call-back from staff instead of a form (about `service`, if any); the result
    returns to `origin`."""
    app.open(CallbackScreen(app, service, origin))


def screen_below(app) -> Screen:
    """The screen under the current one (where a flow started from it returns)."""
    return app.nav.stack[-2] if len(app.nav.stack) > 1 else app.home_screen


class ServiceIntro(Screen):
    """What the service is and costs; Start, or ask for a call-back when a field can't be
    given with a remote."""

    cached = False

    def __init__(self, app, service_id: str) -> None:
        super().__init__(app, f"intro_{service_id}")
        self.service_id = service_id
        self.service: Service | None = None
        self.plan: Plan | None = None
        self.set_title("list.loading")
        self.summary = self.label(name="summary")
        self.fee = self.label(level="muted", name="fee")
        self.note = self.label(level="warn", name="callback_note")
        self.note.hide()
        for w in (self.summary, self.fee, self.note):
            self.body.addWidget(w)
        self.body.addStretch(1)
        self.start = self.button("order.start", "start", role="tile", on_ok=self._start)
        self.callback = self.button("order.callback", "callback", role="tile",
                                    on_ok=lambda: open_callback(app, self.service,
                                                                screen_below(app)))
        self.start.setMinimumHeight(140)
        self.callback.setMinimumHeight(140)
        self.body.addLayout(self.row_of(self.start, self.callback))
        app.run(lambda: app.backend.service(service_id), self._loaded, self._failed)

    def default_focus(self):
        return self.start if self.start.isVisibleTo(self) else self.callback

    def _loaded(self, service: Service) -> None:
        self.service = service
        h = self.app.household
        self.plan = remote_plan.plan_for(service, h.address if h else None)
        lang, pick = self.app.language.lang, self.app.language.pick
        self.title.setText(pick(service.title))
        self.summary.setText(pick(service.summary))
        fee = service.fee
        if fee.get("amount") not in (None, "0.00"):
            self.fee.setText(self.tr_("order.fee", amount=formatting.money(
                fee["amount"], fee.get("currency", "CNY"), lang)))
        elif fee.get("priced_choices"):
            self.fee.setText(self.tr_("order.fee_by_choice"))
        else:
            self.fee.setText(self.tr_("order.free"))
        if self.plan.needs_callback:
            names = self.tr_("list.separator").join(pick(f.label) for f in self.plan.blockers)
            self.note.setText(self.tr_("order.cannot_collect", fields=names))
            self.note.show()
            self.start.hide()
        self.changed.emit()
        self.app.narrator.say(self.intro(), lang)

    def _failed(self, exc: Exception) -> None:
        self.title.setText(self.tr_("order.unavailable"))
        self.summary.setText(self.app.explain(exc))
        self.start.hide()
        self.changed.emit()
        self.app.show_error(exc)

    def intro(self) -> str:
        return self.spoken(self.title.text(), self.fee.text(),
                           self.note.text() if self.note.isVisibleTo(self) else "")

    def _start(self) -> None:
        if self.service is None or self.plan is None:
            return
        flow = OrderFlow(self.service, self.plan, origin=screen_below(self.app))
        self.app.open(next_screen(self.app, flow, -1))


def next_screen(app, flow: OrderFlow, index: int) -> Screen:
    """The step after `index`, or the review once every step is answered."""
    from tv_app.screens.review import ReviewScreen

    nxt = index + 1
    if nxt < len(flow.plan.steps):
        return StepScreen(app, flow, nxt)
    return ReviewScreen(app, flow)


class StepScreen(Screen):
    """One field: a list to pick from, a list to tick, or digits to type."""

    cached = False

    def __init__(self, app, flow: OrderFlow, index: int, edit: bool = False) -> None:
        step = flow.plan.steps[index]
        super().__init__(app, f"step_{step.key}_{step.part or ''}")
        self.flow, self.index, self.step, self.edit = flow, index, step, edit
        self.busy = False
        lang, pick = app.language.lang, app.language.pick
        title = pick(step.field.label)
        if step.part == "slot":
            title = self.tr_("order.pick_time", field=title)
        self.title.setText(title)
        progress = self.tr_("order.progress", n=index + 1, total=len(flow.plan.steps))
        help_text = pick(step.field.help) if step.field.help else ""
        extra = self.tr_("order.optional") if step.optional else ""
        self.info = self.label(level="muted", name="step_info")
        self.info.setText("  ".join(t for t in (progress, extra, help_text) if t))
        self.body.addWidget(self.info)
        self.options = flow.options(step)
        self.rows: PagedRows | None = None
        self.digits: DigitBox | None = None
        if step.kind == DIGITS:
            self._build_digits()
        else:
            self._build_list(lang, pick)

    # --- lists -----------------------------------------------------------------------------

    def _build_list(self, lang: str, pick) -> None:
        multi = self.step.kind == MULTI
        self.rows = PagedRows(self, "options", per_page=4 if multi else 5)
        self.rows.page_text = lambda p, n: self.tr_("list.page", page=p, pages=n)
        self.rows.activated.connect(self._picked)
        self.body.addWidget(self.rows, 1)
        if multi:
            self.done = self.button("order.done", "done", on_ok=self._done_multi)
            self.body.addWidget(self.done)
        elif self.step.optional:
            self.done = self.button("order.skip", "skip", on_ok=self._skip)
            self.body.addWidget(self.done)
        self._texts = [option_text(self.step, o, self.tr_, lang, pick) for o in self.options]
        self._render()

    def _chosen(self) -> list:
        value = self.flow.answer(self.step)
        if value is None:
            return []
        return list(value) if isinstance(value, list) else [value]

    def _render(self) -> None:
        assert self.rows is not None
        chosen = [repr(v) for v in self._chosen()]
        rows = [Row(t, o.value, marked=repr(o.value) in chosen)
                for t, o in zip(self._texts, self.options, strict=True)]
        if not rows:
            rows = [Row(self.tr_("order.no_options"))]
        self.rows.set_items(rows)

    def default_focus(self):
        if self.rows is not None:
            chosen = [repr(v) for v in self._chosen()]
            for i, o in enumerate(self.options):
                if repr(o.value) in chosen:
                    return self.rows.show_index(i)
            return self.rows.rows[0]
        return self.digits

    def on_arrow(self, key: Key, focused):
        if self.rows is not None and key in (Key.UP, Key.DOWN):
            return self.rows.turn(focused, down=key is Key.DOWN)
        return None

    def _picked(self, index: int) -> None:
        if index >= len(self.options):
            return
        value = self.options[index].value
        if self.step.kind == MULTI:
            chosen = self._chosen()
            if value in chosen:
                chosen.remove(value)
            else:
                chosen.append(value)
            self.flow.set_answer(self.step, chosen)
            self._render()
            said = self.tr_("order.ticked" if value in chosen else "order.unticked",
                           option=self._texts[index])
            self.app.narrator.say(said, self.app.language.lang)
            return
        self.flow.set_answer(self.step, value)
        self._advance()

    def _done_multi(self) -> None:
        if not self._chosen() and not self.step.optional:
            self.app.hint(self.tr_("order.pick_one"))
            return
        self._advance()

    def _skip(self) -> None:
        self.flow.answers.pop((self.step.key, self.step.part), None)
        self._advance()

    # --- digits -------------------------------------------------------------------------------

    def _build_digits(self) -> None:
        s = self.step
        self.digits = DigitBox(self, "digits", s.max_len)
        self.digits.placeholder = self.tr_("order.type_digits")
        self.digits.spoken_name = self.title.text()
        self.digits.clicked.connect(self._digits_done)
        current = self.flow.answer(s)
        if current is not None:
            self.digits.digits = str(current)
        self.digits.refresh()
        self.body.addWidget(self.digits)
        self.bounds = self.label(level="muted", name="digit_bounds")
        f = s.field
        if f.min is not None and f.max is not None and s.field.type in ("number", "money"):
            self.bounds.setText(self.tr_("order.range", min=f.min, max=f.max))
        elif s.min_len == s.max_len:
            self.bounds.setText(self.tr_("order.length", n=s.min_len))
        else:
            self.bounds.setText(self.tr_("order.length_range", min=s.min_len, max=s.max_len))
        self.body.addWidget(self.bounds)
        self.body.addStretch(1)
        self.delete = self.button("order.delete", "delete", on_ok=self._delete)
        self.next = self.button("order.next", "next", on_ok=self._digits_done)
        self.body.addLayout(self.row_of(self.delete, self.next))

    def on_digit(self, digit: str, focused) -> bool:
        if self.digits is None:
            return False
        if not self.digits.type_digit(digit):
            self.app.hint(self.tr_("order.too_many", n=self.step.max_len))
        elif focused is self.digits:
            self.app.narrator.say(digit, self.app.language.lang)
        else:
            self.app.nav.focus(self.digits)
        return True

    def _delete(self) -> None:
        assert self.digits is not None
        self.digits.delete()
        self.app.narrator.focus(self.digits.property("speech"), self.app.language.lang)

    def _digits_done(self) -> None:
        assert self.digits is not None
        typed, s = self.digits.digits, self.step
        if not typed and s.optional:
            self._skip()
            return
        problem = self._digits_problem(typed)
        if problem:
            self._refuse(problem)
            return
        if self.busy:
            return
        self.busy = True  # the core checks the value (phone formats, patterns) in its words
        value = remote_plan.api_value(s, typed)
        service_id = self.flow.service.id

        def checked(errors: dict) -> None:
            self.busy = False
            if errors.get(s.key):
                self._refuse(errors[s.key])
                return
            self.flow.set_answer(s, typed)
            self._advance()

        def unchecked(exc: Exception) -> None:
            self.busy = False  # offline: the core checks again on submit
            self.flow.set_answer(s, typed)
            self._advance()

        self.app.run(lambda: self.app.backend.validate(service_id, {s.key: value}),
                     checked, unchecked)

    def _refuse(self, message: str) -> None:
        self.app.hint(message)
        assert self.digits is not None
        self.app.nav.focus(self.digits, speak=False)

    def _digits_problem(self, typed: str) -> str | None:
        s = self.step
        if len(typed) < s.min_len:
            return self.tr_("order.too_few", n=s.min_len)
        if s.field.type in ("number", "money"):
            n = int(typed)
            if s.field.min is not None and n < float(s.field.min):
                return self.tr_("order.too_small", min=s.field.min)
            if s.field.max is not None and n > float(s.field.max):
                return self.tr_("order.too_big", max=s.field.max)
        return None

    # --- moving on -----------------------------------------------------------------------------

    def _advance(self) -> None:
        nav = self.app.nav
        if self.edit:
            if self.step.part == "day":
                nav.replace(StepScreen(self.app, self.flow, self.index + 1, edit=True))
            else:
                nav.back()
            return
        nav.open(next_screen(self.app, self.flow, self.index))


class CallbackScreen(Screen):
    """"Please phone me": a request staff answer by calling the household."""

    cached = False

    def __init__(self, app, service: Service | None, origin: Screen) -> None:
        super().__init__(app, "callback")
        self.service, self.origin = service, origin
        self.client_ref = f"tv-cb-{uuid.uuid4().hex}"
        self.busy = False
        self.set_title("callback.title")
        about = app.language.pick(service.title) if service else ""
        self.text = self.label(name="callback_text")
        self.text.setText(self.tr_("callback.about", service=about) if service
                          else self.tr_("callback.general"))
        self.body.addWidget(self.text)
        self.body.addStretch(1)
        self.confirm = self.button("callback.confirm", "confirm", role="tile",
                                   on_ok=self._confirm)
        self.confirm.setMinimumHeight(140)
        self.body.addWidget(self.confirm)

    def intro(self) -> str:
        return self.spoken(self.title.text(), self.text.text())

    def _confirm(self) -> None:
        if self.busy:
            return
        self.busy = True
        h = self.app.household
        about = self.app.language.pick(self.service.title) if self.service else "-"
        message = self.tr_("callback.message", service=about,
                          address=(h.address if h else None) or "-",
                          name=h.name if h else "-")
        family = self.service.family if self.service else None
        self.app.narrator.say(self.tr_("order.sending"), self.app.language.lang)
        self.app.run(lambda: self.app.backend.request_callback(family, message, self.client_ref),
                     self._done, self._failed)

    def _done(self, matter: Matter) -> None:
        from tv_app.screens.review import show_result

        self.busy = False
        show_result(self.app, self.origin, matter, paid_minor=None, kind="callback")

    def _failed(self, exc: Exception) -> None:
        self.busy = False
        self.app.show_error(exc)
