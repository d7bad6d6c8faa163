"""Home: six tiles (SOS, I'm OK, meals, services, bills, messages) and today's state."""

from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QGridLayout

from channel_render.clock import COMMUNITY_TZ
from qt_common.theme import restyle
from tv_app.backend import HomeStatus
from tv_app.pending import QUEUED, SENT, Action
from tv_app.screens.base import Screen


class HomeScreen(Screen):
    """The top level. Focus starts on "I'm OK"; SOS is one step left of it (2 presses)."""

    def __init__(self, app) -> None:
        super().__init__(app, "home")
        self.status: HomeStatus | None = None
        self._spoken_ok = ""
        self.title.setObjectName("greeting")
        top = self.row_of(self.title, stretch=False)
        self.clock = self.label(level="muted", name="clock")
        self.clock.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        top.addWidget(self.clock, 1)
        self.outer.removeWidget(self.title)
        self.outer.insertLayout(0, top)
        self.banner = self.label(level="warn", name="banner")
        self.body.addWidget(self.banner)
        grid = QGridLayout()
        grid.setSpacing(app.sizes.gap_px)
        self.sos = self.button(None, "tile_sos", role="danger", on_ok=app.care.raise_sos)
        self.checkin = self.button(None, "tile_checkin", role="tile", on_ok=self.check_in)
        self.meals = self.button("home.meals", "tile_meals", role="tile", on_ok=self.open_meals)
        self.services = self.button("home.services", "tile_services", role="tile",
                                    on_ok=self.open_services)
        self.bills = self.button("home.bills", "tile_bills", role="tile", on_ok=self.open_bills)
        self.messages = self.button(None, "tile_messages", role="tile", on_ok=self.open_messages)
        for i, b in enumerate((self.sos, self.checkin, self.meals,
                               self.services, self.bills, self.messages)):
            grid.addWidget(b, i // 3, i % 3)
        self.body.addLayout(grid, 1)
        app.language.on_change(self, self._texts)
        app.care.checkin_updated.connect(self._checkin_changed)
        app.care.reachability.connect(lambda _ok: self._texts())
        self._tick = QTimer(self)
        self._tick.timeout.connect(self._clock)
        self._tick.start(30_000)
        self._refresh = QTimer(self)
        self._refresh.timeout.connect(self.refresh)
        self._refresh.start(int(app.config.timing.refresh_s * 1000))
        # The time at once; the date (Babel's date formats take a while to load) once home
        # is on screen.
        self.clock.setText(f"{datetime.now(COMMUNITY_TZ):%H:%M}")
        app.window.first_frame.connect(lambda: QTimer.singleShot(0, self._clock))

    def default_focus(self):
        return self.checkin

    def enter(self) -> None:
        self._texts()
        if self.app.household is not None:
            self.refresh()

    def intro(self) -> str:
        return self.tr_("home.intro")

    # --- state -----------------------------------------------------------------------------

    def refresh(self) -> None:
        """Ask the core for today's check-in and unread messages."""
        def done(status: HomeStatus) -> None:
            self.status = status
            self._texts()
            self.app.medicine_due(status.due_doses)

        self.app.run(self.app.backend.home_status, done, lambda _e: self._texts())

    def _checked_in(self) -> tuple[bool, str | None]:
        local: Action | None = self.app.backend.today_check_in()
        if local is not None and local.state == SENT:
            return True, None
        if self.status is not None and self.status.checked_in:
            return True, self.status.checked_in_at
        return False, None

    def _texts(self) -> None:
        tr = self.tr_
        h = self.app.household
        self.title.setText(tr("home.greeting", name=h.name) if h else tr("home.greeting_anon"))
        self.sos.setText(tr("home.sos"))
        done, at = self._checked_in()
        queued = self.app.backend.today_check_in()
        if done:
            when = self._time(at) if at else ""
            self.checkin.setText(tr("home.checked_in", time=when).strip())
        else:
            self.checkin.setText(tr("home.checkin"))
        unread = self.status.unread if self.status else 0
        self.messages.setText(tr("home.messages_unread", count=unread) if unread
                              else tr("home.messages"))
        if self.app.care.reachable is False:
            self._banner("warn", tr("home.offline", phone=self.app.backend.hotline()
                                    or tr("error.no_phone")))
        elif queued is not None and queued.state == QUEUED:
            self._banner("warn", tr("checkin.queued"))
        elif done:
            self._banner("ok", tr("home.banner_ok"))
        else:
            self._banner("warn", tr("home.banner_checkin"))
        self.changed.emit()

    def _banner(self, level: str, text: str) -> None:
        self.banner.setText(text)
        if self.banner.property("level") != level:
            self.banner.setProperty("level", level)
            restyle(self.banner)

    def _time(self, iso: str) -> str:
        return datetime.fromisoformat(iso).astimezone(COMMUNITY_TZ).strftime("%H:%M")

    def _clock(self) -> None:
        from qt_common import formatting

        now = datetime.now(COMMUNITY_TZ)
        lang = self.app.language.lang
        self.clock.setText(f"{formatting.day(now.date(), lang)}  {now:%H:%M}")

    # --- tiles -------------------------------------------------------------------------------

    def check_in(self) -> None:
        """One press says "I'm OK" for today."""
        already = self._checked_in()[0]
        action = self.app.care.check_in()
        if already or action.state == SENT:
            self.app.hint(self.tr_("checkin.already"))
        else:
            self.app.narrator.say(self.tr_("checkin.sending"), self.app.language.lang)
        self._texts()

    def _checkin_changed(self, action: Action) -> None:
        lang = self.app.language.lang
        if action.state == SENT and action.client_ref != self._spoken_ok:
            self._spoken_ok = action.client_ref
            self.app.narrator.say(self.tr_("checkin.done"), lang)
        elif action.state == QUEUED and action.attempts == 1:
            self.app.narrator.say(self.tr_("checkin.queued"), lang)
        self._texts()

    def open_meals(self) -> None:
        from tv_app.screens.order import open_service

        open_service(self.app, "ordering.canteen-meal")

    def open_services(self) -> None:
        from tv_app.screens.services import ServicesHub

        self.app.open(self.app.screen("services", lambda: ServicesHub(self.app)))

    def open_bills(self) -> None:
        from tv_app.screens.bills import BillsScreen

        self.app.open(self.app.screen("bills", lambda: BillsScreen(self.app)))

    def open_messages(self) -> None:
        from tv_app.screens.messages import MessagesHub

        self.app.open(self.app.screen("messages", lambda: MessagesHub(self.app)))
