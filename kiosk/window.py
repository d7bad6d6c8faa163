"""The kiosk window: top bar, banners, the screens, the input panel, idle reset and wipe."""

from __future__ import annotations

import gc
import shutil
import time

from PySide6.QtCore import QEvent, QObject, Qt, QTimer
from PySide6.QtWidgets import (
    QApplication,
    QFrame,
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QPushButton,
    QSizePolicy,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from kiosk.context import KioskContext
from kiosk.idle import IdleWatcher
from kiosk.screens import Screen, screen_class
from portal_client.i18n import LANGS
from qt_common import ELDER, STANDARD, InputPanel, Tr, shared_index, theme
from qt_common.fonts import family_for
from qt_common.touch import reveal

FILTERS_LATEST_MS = 500  # the event filters go in after the first frame, or by then
KINETIC_AFTER_MS = 200  # touch scrolling is set up this long after the first frame
# Each language's button is written in that language, so it is found whatever is shown.
LANG_NAMES = {"zh_CN": "简体中文", "zh_TW": "繁體中文", "en": "English"}


class TopBar(QFrame):
    """Home, back, language, elder mode, read-aloud and the signed-in resident."""

    def __init__(self, win: KioskWindow) -> None:
        super().__init__(win)
        self.setObjectName("top_bar")
        tr = win.ctx.tr
        lay = QHBoxLayout(self)
        lay.setContentsMargins(8, 4, 8, 4)

        def button(key: str | None, name: str, on_click) -> QPushButton:
            b = QPushButton(self)
            b.setObjectName(name)
            b.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            if key:
                tr.bind(b, key)
            b.clicked.connect(lambda _=False: on_click())
            lay.addWidget(b)
            return b

        self.home = button("nav.home", "nav_home", win.home)
        self.back = button("nav.back", "nav_back", win.back)
        lay.addStretch(1)
        self.langs = {}
        for lang in LANGS:
            b = button(None, f"lang_{lang}", lambda lang=lang: win.set_lang(lang))
            b.setText(LANG_NAMES[lang])
            b.setCheckable(True)
            b.setProperty("lang_neutral", True)
            self.langs[lang] = b
        self.elder = button("nav.elder", "elder_mode", lambda: win.set_elder(self.elder.isChecked()))
        self.elder.setCheckable(True)
        self.read = button("nav.read_aloud", "read_aloud", win.read_aloud)
        self.account = button(None, "account", win.account)

    def refresh(self, win: KioskWindow) -> None:
        ctx = win.ctx
        for lang, b in self.langs.items():
            b.setChecked(lang == ctx.lang)
        self.elder.setChecked(ctx.elder)
        r = ctx.backend.resident
        self.account.setText(ctx.tr("nav.sign_out", name=r.name) if r else ctx.tr("nav.sign_in"))


class KioskWindow(QMainWindow):
    """Screens in a stack; `go/back/home` navigate; `reset_session()` wipes everything personal."""

    def __init__(self, ctx: KioskContext, screens: dict[str, str]) -> None:
        super().__init__()
        self.ctx = ctx
        ctx.nav = self
        self.tr_: Tr = ctx.tr
        self.setObjectName("kiosk_window")
        central = QWidget(self)
        self.setCentralWidget(central)
        lay = QVBoxLayout(central)
        lay.setContentsMargins(12, 8, 12, 8)
        self.top = TopBar(self)
        lay.addWidget(self.top)
        self.offline = QFrame(self)
        self.offline.setObjectName("offline_banner")
        self.offline.setProperty("level", "banner")
        off = QHBoxLayout(self.offline)
        self.offline_text = QLabel(self.offline)
        self.offline_text.setObjectName("offline_text")
        self.offline_text.setWordWrap(True)
        off.addWidget(self.offline_text)
        self.offline.hide()
        lay.addWidget(self.offline)
        self.idle_banner = QFrame(self)
        self.idle_banner.setObjectName("idle_banner")
        self.idle_banner.setProperty("level", "banner")
        ib = QHBoxLayout(self.idle_banner)
        self.idle_text = QLabel(self.idle_banner)
        self.idle_text.setObjectName("idle_text")
        self.idle_text.setWordWrap(True)
        ib.addWidget(self.idle_text, 3)
        self.idle_continue = QPushButton(self.idle_banner)
        self.idle_continue.setObjectName("idle_continue")
        self.idle_continue.setProperty("role", "primary")
        self.tr_.bind(self.idle_continue, "idle.continue")
        self.idle_continue.clicked.connect(self._continue)
        ib.addWidget(self.idle_continue, 1)
        self.idle_banner.hide()
        lay.addWidget(self.idle_banner)
        self.stack = QStackedWidget(self)
        self.stack.setFocusPolicy(Qt.FocusPolicy.StrongFocus)  # holds focus between screens
        # A screen never grows the window past the display: content scrolls instead.
        self.stack.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Ignored)
        lay.addWidget(self.stack, 1)
        self.panel = InputPanel(ctx.language, shared_index(), self)
        self.panel.entered.connect(lambda _t: self.panel.attach(None))
        self.panel.shown.connect(lambda up: self.current().compact(up))
        self.panel.attached.connect(lambda _target: self.reveal_focus())
        lay.addWidget(self.panel)
        self._reveal_queued = False
        # Screens are imported and built on first visit: start-up pays for the home screen only.
        self._classes = dict(screens)
        self.screens: dict[str, Screen] = {}
        self.history: list[str] = []
        self._theme_key: tuple | None = None
        self._apply_theme()
        self.idle = IdleWatcher(ctx.config.idle_s, ctx.config.warn_s, self, install=False)
        self._first_frame = self._filters = self._kinetic = False
        self.idle.warning.connect(self._warn)
        self.idle.activity.connect(self.idle_banner.hide)
        self.idle.expired.connect(lambda: self.reset_session())
        self.resets = 0
        ctx.language.on_change(self, self._relabel)
        ctx.worker.busy_changed.connect(lambda busy: None if busy else self.refresh_online())
        self._catalog_checked = float("-inf")
        self._forward = QTimer(self)
        self._forward.setInterval(int(ctx.config.forward_every_s * 1000))
        self._forward.timeout.connect(self.sync)
        self._forward.start()
        app = QApplication.instance()
        assert isinstance(app, QApplication)
        app.focusChanged.connect(self._focus_changed)
        self.stack.setCurrentWidget(self.screen("home"))
        self.stack.setFocus()
        self.screen("home").enter()

    def paintEvent(self, event) -> None:  # noqa: N802 - Qt API
        super().paintEvent(event)
        if not self._first_frame:
            self._first_frame = True
            QTimer.singleShot(0, self._after_first_frame)

    def showEvent(self, event) -> None:  # noqa: N802 - Qt API
        super().showEvent(event)
        QTimer.singleShot(FILTERS_LATEST_MS, self._after_first_frame)  # if no paint comes

    def _after_first_frame(self) -> None:
        """Install the application-wide event filters (idle clock, keyboard following focus),
        then touch scrolling.

        A Python filter on the QApplication makes PySide6 build Python types for the objects
        and events it sees (some 20 ms the first time); before the first frame that would
        delay the home screen, a moment later nobody notices.
        """
        if self._filters:
            return
        self._filters = True
        self.panel.follow_focus(self.stack)
        self.stack.installEventFilter(self)  # the screen shrinks or grows with the panel
        self.idle.start()
        QTimer.singleShot(KINETIC_AFTER_MS, self._make_kinetic)

    def _make_kinetic(self) -> None:
        """Touch scrolling on every screen built so far (and on those built later).

        Setting up the first QScroller costs PySide6 some 30 ms: a moment after the first
        frame, not before it, and not in the frame right after it either."""
        self._kinetic = True
        for screen in self.screens.values():
            screen.make_kinetic()

    # --- navigation --------------------------------------------------------------------

    def screen(self, name: str) -> Screen:
        """The screen called `name`, built the first time it is needed."""
        screen = self.screens.get(name)
        if screen is None:
            screen = screen_class(self._classes[name])(self.ctx, self.stack)
            self.screens[name] = screen
            self.stack.addWidget(screen)
            if self._kinetic:
                screen.make_kinetic()
        return screen

    def current(self) -> Screen:
        w = self.stack.currentWidget()
        assert isinstance(w, Screen)
        return w

    def go(self, name: str, fresh: bool = False, **params: object) -> Screen:
        """Show a screen; `fresh=True` forgets the way back (after a receipt, say)."""
        old = self.current()
        screen = self.screen(name)
        if fresh:
            self.history = ["home"]
        elif old is not screen:
            self.history.append(old.name)
        if old is not screen:
            old.leave()
        self.panel.attach(None)
        self.stack.setCurrentWidget(screen)
        self.stack.setFocus()  # no keyboard until a field is tapped
        screen.enter(**params)
        self.top.back.setEnabled(bool(self.history))
        return screen

    def back(self) -> None:
        if not self.history:
            return
        old = self.current()
        name = self.history.pop()
        old.leave()
        self.panel.attach(None)
        screen = self.screen(name)
        self.stack.setCurrentWidget(screen)
        self.stack.setFocus()
        screen.resume()
        self.top.back.setEnabled(bool(self.history))

    def home(self) -> None:
        old = self.current()
        old.leave()
        self.history = []
        self.panel.attach(None)
        home = self.screen("home")
        self.stack.setCurrentWidget(home)
        self.stack.setFocus()
        home.enter()
        self.top.back.setEnabled(False)

    # --- language, elder mode, voice ---------------------------------------------------

    def set_lang(self, lang: str) -> None:
        """Switch every visible text to `lang` at once (no restart)."""
        self.ctx.backend.set_lang(lang)
        self.ctx.language.set_lang(lang)
        self.panel.set_pinyin(lang != "en")
        self._apply_theme()

    def set_elder(self, on: bool) -> None:
        """Bigger targets and text, a longer idle timeout, slower speech."""
        self.ctx.elder = on
        self.ctx.speaker.slow = on
        self.idle.set_timeout(self.ctx.config.elder_idle_s if on else self.ctx.config.idle_s)
        self._apply_theme()
        self.top.refresh(self)

    def _apply_theme(self) -> None:
        sizes = ELDER if self.ctx.elder else STANDARD
        key = (sizes, family_for(self.ctx.lang))
        if key == self._theme_key:
            return  # restyling every widget is the slow part of a switch: only when needed
        self._theme_key = key
        app = QApplication.instance()
        assert isinstance(app, QApplication)
        theme.apply(app, sizes, self.ctx.lang)

    def read_aloud(self) -> None:
        """Speak the current screen (and the focused field) in the screen's language."""
        text = self.current().speech_text()
        if text:
            self.ctx.speaker.say(text, self.ctx.lang)

    # --- the field being typed into stays in sight ---------------------------------------

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt API
        if watched is self.stack and event.type() == QEvent.Type.Resize \
                and self.panel.isVisible() and not self._reveal_queued:
            # the stack's children are laid out after this: look once they are
            self._reveal_queued = True
            QTimer.singleShot(0, self.reveal_focus)
        return False

    def reveal_focus(self) -> None:
        """Scroll the field the input panel types into, with its label, into the part of the
        screen the panel leaves visible (a margin clear of the edges where there is room)."""
        self._reveal_queued = False
        target = self.panel.target
        if target is None or not self.panel.isVisible() or not self.stack.isAncestorOf(target):
            return
        central = self.centralWidget()
        layout = central.layout() if central is not None else None
        if layout is not None:
            layout.activate()  # the panel has just taken its room: lay out the screen now
        reveal(target, self.ctx.sizes.target_px, self.current().context_of(target))

    def _focus_changed(self, _old: QWidget | None, new: QWidget | None) -> None:
        if not self.ctx.elder or new is None:
            return
        screen = self.current()
        row = getattr(screen, "focused_row", lambda: None)()
        if row is not None:
            self.ctx.speaker.say(row.speech_text(), self.ctx.lang)

    def _relabel(self) -> None:
        self.setWindowTitle(self.tr_("window.title"))
        self.top.refresh(self)
        self.refresh_online()

    # --- identity ----------------------------------------------------------------------

    def session_changed(self) -> None:
        """Someone signed in (or out): show who in the top bar."""
        self.top.refresh(self)

    def account(self) -> None:
        if self.ctx.backend.resident is None:
            self.go("signin")
        else:
            self.reset_session()

    # --- connection and queue ----------------------------------------------------------

    def refresh_online(self) -> None:
        b = self.ctx.backend
        offline = b.online is False
        self.offline.setVisible(offline)
        if offline:
            queued = b.outbox.count()
            self.offline_text.setText(self.tr_("offline.banner", queued=queued))
        self.top.refresh(self)

    def sync(self) -> None:
        """Forward queued submissions; refresh the catalog when the server is back."""
        b, worker = self.ctx.backend, self.ctx.worker

        def forwarded(_report) -> None:
            self.refresh_online()

        def refreshed(result) -> None:
            _catalog, changed = result
            self._catalog_checked = time.monotonic()
            self.catalog_changed(changed)

        stale = time.monotonic() - self._catalog_checked > self.ctx.config.catalog_every_s
        if b.online is False or b.catalog is None or stale:
            worker.run(b.refresh_catalog, refreshed, lambda exc: self.refresh_online())
        worker.run(b.forward_pending, forwarded, lambda exc: self.refresh_online())

    def catalog_changed(self, changed: bool) -> None:
        """New catalog content: teach the keyboard its words, redraw the home screen."""
        cat = self.ctx.backend.catalog
        if cat is not None and changed:
            words = {t for s in cat.services.values() for t in s.title.values()}
            words |= {k for s in cat.services.values() for ks in s.keywords.values() for k in ks}
            shared_index().add_words(sorted(words))  # converted when the index is built
        if self.current().name == "home":
            self.current().enter()
        self.refresh_online()

    # --- idle reset --------------------------------------------------------------------

    def _warn(self, seconds_left: int) -> None:
        self.idle_text.setText(self.tr_("idle.warning", seconds=seconds_left))
        self.idle_banner.show()

    def _continue(self) -> None:
        self.idle.poke()
        self.idle_banner.hide()

    def reset_session(self) -> None:
        """Wipe everything personal from every widget and from memory; back to home."""
        ctx = self.ctx
        ctx.worker.cancel_pending()
        token = ctx.backend.forget_resident()
        ctx.worker.run(lambda: ctx.backend.revoke(token), None, lambda exc: None)
        ctx.wipe()
        for screen in self.screens.values():
            screen.leave()
            screen.reset()
        self.panel.reset()
        ctx.speaker.wipe()
        clipboard = QApplication.clipboard()
        if clipboard is not None:
            clipboard.clear()
        shutil.rmtree(ctx.config.store / "receipts", ignore_errors=True)
        if ctx.elder:
            self.set_elder(False)
        if ctx.lang != ctx.config.lang:
            self.set_lang(ctx.config.lang)
        self.idle_banner.hide()
        self.home()
        self.idle.clean()
        self.top.refresh(self)
        self.resets += 1
        gc.collect()

    def closeEvent(self, event) -> None:  # noqa: N802 - Qt API
        for screen in self.screens.values():
            screen.leave()
        self.idle.stop()
        self.panel.stop_following()
        app = QApplication.instance()
        if app is not None:
            try:
                app.focusChanged.disconnect(self._focus_changed)
            except (RuntimeError, TypeError):
                pass
        self._forward.stop()
        super().closeEvent(event)
