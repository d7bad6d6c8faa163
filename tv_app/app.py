"""The TV application: wires the window, the remote, the navigator, the core and read-aloud."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

import shiboken6
from PySide6.QtCore import QObject, Qt, QTimer
from PySide6.QtWidgets import QApplication

from portal_client.types import PortalProblem
from qt_common.i18n import Language, Tr
from qt_common.tasks import Worker
from qt_common.theme import restyle
from tv_app import look
from tv_app.backend import Backend, Household, is_down
from tv_app.care import Care
from tv_app.config import TvConfig
from tv_app.narration import Narrator
from tv_app.navigation import Navigator
from tv_app.pending import Action, PendingActions
from tv_app.remote import RemoteFilter
from tv_app.screens.base import Screen
from tv_app.widgets import join_speech
from tv_app.window import TvWindow

if TYPE_CHECKING:
    from portal_client import PortalClient

ALERT_WITHIN = timedelta(hours=2)  # medicine due longer ago than this is listed, not alerted
AFTER_FIRST_FRAME_LATEST_MS = 500  # start the network and speech by then even if not painted


class TvApp(QObject):
    """One running TV box. `start()` shows the window; `close()` releases everything."""

    def __init__(self, config: TvConfig, clock: Callable[[], float] = time.monotonic,
                 client_factory: Callable[[], PortalClient] | None = None) -> None:
        super().__init__()
        qapp = QApplication.instance()
        assert isinstance(qapp, QApplication), "create a QApplication first"
        self.qapp = qapp
        self.config = config
        self.pending = PendingActions(config.data_dir / "pending.sqlite3")
        self.backend = Backend(config, self.pending, client_factory)
        self.language = Language(self.backend.lang, self)
        self.tr_ = Tr(self.language, "tv")
        self.sizes = look.ELDER if config.elder else look.STANDARD
        look.apply(qapp, self.sizes, self.language.lang)
        self.narrator = Narrator(config.speech, config.play_audio, slow=config.elder,
                                 rest_ms=config.timing.speak_after_ms, parent=self)
        self.worker = Worker("tv", self)
        self.urgent = Worker("tv-urgent", self)
        self.window = TvWindow()
        self.nav = Navigator(self)
        self.remote = RemoteFilter(self.window, config.timing, clock)
        qapp.installEventFilter(self.remote)
        self.remote.pressed.connect(self.nav.press)
        self.remote.unknown.connect(self._unknown_key)
        self.care = Care(self)
        self.household: Household | None = self.backend.household
        self._screens: dict[str, Screen] = {}
        self._alert_return: Any = None
        self._closed = self._started = False
        self.language.changed.connect(lambda lang: look.apply(qapp, self.sizes, lang))
        self.language.bind(self.window, lambda: self.tr_("hint.legend"), self.window.set_legend)
        from tv_app.screens.home import HomeScreen

        self.home_screen = HomeScreen(self)
        self._screens["home"] = self.home_screen
        self.nav.open(self.home_screen)

    # --- life cycle ----------------------------------------------------------------------

    def start(self) -> None:
        """Show the window, sign the box in, resume queued SOS/check-ins."""
        if self.config.full_screen:
            self.window.showFullScreen()
        else:
            self.window.show()
        self.window.activateWindow()
        self.window.setFocus(Qt.FocusReason.OtherFocusReason)
        self.nav.ensure_focus()
        self.window.first_frame.connect(lambda: QTimer.singleShot(0, self._after_first_frame))
        QTimer.singleShot(AFTER_FIRST_FRAME_LATEST_MS, self._after_first_frame)  # no paint?

    def _after_first_frame(self) -> None:
        """What can wait until home is on screen: speech, the queue, the network (whose HTTP
        stack a worker thread imports, which would slow the first frame down)."""
        if self._closed or self._started:
            return
        self._started = True
        self.narrator.start()
        self.care.start()
        self.sign_in()

    def sign_in(self) -> None:
        """Sign in as the household (again after a failure), then refresh home."""
        def done(h: Household) -> None:
            self.household = h
            if not self.config.lang and h.lang != self.language.lang:
                self.language.set_lang(h.lang)
            self.care._set_reachable(True)
            self.home_screen.refresh()
            self.worker.run(self.backend.load_reference, lambda _n: None, lambda _e: None)

        def failed(exc: Exception) -> None:
            self.care._set_reachable(not is_down(exc))
            if not is_down(exc):
                self.hint(self.explain(exc))

        self.worker.run(self.backend.sign_in, done, failed)

    def close(self) -> None:
        """Stop workers, speech and timers; close the queue file (once)."""
        if self._closed:
            return
        self._closed = True
        self.qapp.removeEventFilter(self.remote)
        self.care.retry_timer.stop()
        self.care.poll_timer.stop()
        self.worker.cancel_pending()
        self.urgent.cancel_pending()
        self.worker.shutdown()
        self.urgent.shutdown()
        self.narrator.close()
        self.window.close()
        self.window.deleteLater()
        self.pending.close()

    # --- helpers for screens -------------------------------------------------------------

    def run(self, fn: Callable[[], Any], on_done: Callable[[Any], None],
            on_error: Callable[[Exception], None] | None = None) -> None:
        """Call the core off the UI thread; errors default to a spoken hint."""
        def failed(exc: Exception) -> None:
            if is_down(exc):
                self.care._set_reachable(False)
            (on_error or self.show_error)(exc)

        self.worker.run(fn, on_done, failed)

    def explain(self, exc: Exception) -> str:
        """A message for an error, in the household's language."""
        if is_down(exc):
            return self.tr_("error.offline", phone=self.backend.hotline() or
                           self.tr_("error.no_phone"))
        if isinstance(exc, PortalProblem) and exc.detail:
            return exc.detail
        return self.tr_("error.generic")

    def show_error(self, exc: Exception) -> None:
        """Say and show what went wrong (on the hint line: no pop-up)."""
        self.hint(self.explain(exc))

    def hint(self, text: str) -> None:
        """A short message on the hint line, also read aloud."""
        self.window.show_hint(text)
        self.narrator.say(text, self.language.lang)

    def screen(self, name: str, factory: Callable[[], Screen]) -> Screen:
        """A cached screen (kept with its last focus for the whole session)."""
        if name not in self._screens:
            self._screens[name] = factory()
        return self._screens[name]

    def open(self, screen: Screen) -> Screen:
        """Open a screen one level down."""
        return self.nav.open(screen)

    # --- alerts (the only pop-ups) --------------------------------------------------------

    def alert(self, heading: str, text: str) -> None:
        """Cover the screen with an alert until OK or Back."""
        if not self.window.alert.isVisible():
            self._alert_return = self.nav.focused
        self.window.alert.open(heading, text, self.tr_("alert.ok"))
        self.nav.focus(self.window.alert.ok, speak=False)
        self.narrator.say(join_speech(self.tr_("speech.separator"), heading, text),
                          self.language.lang)

    def dismiss_alert(self, restore: bool = True) -> None:
        """Close the alert and give focus back to where it was."""
        if not self.window.alert.isVisible():
            return
        self.window.alert.hide()
        ok = self.window.alert.ok
        ok.setProperty("focused", False)
        restyle(ok)
        back, self._alert_return = self._alert_return, None
        self.nav.focused = back if back is not None and shiboken6.isValid(back) else None
        if restore:
            self.nav.ensure_focus()

    def medicine_due(self, doses: tuple) -> None:
        """Medicine the core has just reminded about: alert and say it once per dose."""
        if not doses or self.care.active_sos() is not None:
            return  # an SOS has the screen; the next refresh alerts instead
        # A dose long past (the box was off) waits in the reminders list; no alert for it.
        now = datetime.now(UTC)
        recent = [d for d in doses if now - datetime.fromisoformat(d.due_at) <= ALERT_WITHIN]
        new = set(self.backend.dose_alerted([d.id for d in recent]))
        fresh = [d for d in recent if d.id in new]
        if not fresh:
            return
        lines = [self.tr_("medication.alert_line", time=d.time, medicine=d.medicine,
                          dose=d.dose or self.tr_("medication.prescribed")) for d in fresh]
        self.alert(self.tr_("medication.alert_title"),
                   "\n".join([*lines, self.tr_("medication.alert_how")]))

    # --- SOS -----------------------------------------------------------------------------

    def open_sos(self, action: Action) -> None:
        """Show the SOS screen (one level below home) for `action`."""
        from tv_app.screens.sos import SosScreen

        sos = self.screen("sos", lambda: SosScreen(self))
        assert isinstance(sos, SosScreen)
        sos.show_action(action)
        if self.nav.current is not sos:
            self.nav.home(announce=False)
            self.nav.open(sos)  # announces the screen
        else:
            sos.announce()

    def sos_acknowledged(self, action: Action) -> None:
        """Staff answered: say so wherever the resident is."""
        heading = self.tr_("sos.ack_title")
        text = self.tr_("sos.ack_text")
        if self.nav.current is self._screens.get("sos"):
            self.narrator.say(join_speech(self.tr_("speech.separator"), heading, text),
                              self.language.lang)
        else:
            self.alert(heading, text)

    def _unknown_key(self, qt_key: int) -> None:
        self.hint(self.tr_("hint.unknown_key"))
