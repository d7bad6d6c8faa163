"""Sign in: tap a one-card (readers type its UID) and enter the PIN on a scrambled keypad,
or scan a sign-in QR with the phone."""

from __future__ import annotations

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QHBoxLayout, QLineEdit, QVBoxLayout

from kiosk.backend import QrSignIn, Resident
from kiosk.screens.base import Screen, core_wording
from portal_client import PortalProblem, PortalUnavailable
from qt_common import NONE, TEXT, NumericKeypad, QrView, set_input_mode

PIN_LENGTH = 6


class SignInScreen(Screen):
    name = "signin"
    title_key = "signin.title"

    def __init__(self, ctx, parent=None) -> None:
        super().__init__(ctx, parent)
        body = QHBoxLayout()
        self.layout_.addLayout(body, 1)
        card = QVBoxLayout()
        body.addLayout(card, 3)
        self.card_title = self.label("", level="heading", name="card_title")
        ctx.tr.bind(self.card_title, "signin.card_title")
        card.addWidget(self.card_title)
        self.uid = QLineEdit(self)
        self.uid.setObjectName("card_uid")
        self.uid.setMaxLength(32)
        set_input_mode(self.uid, TEXT)
        ctx.language.bind(self.uid, lambda: ctx.tr("signin.uid_hint"), self.uid.setPlaceholderText)
        self.uid.returnPressed.connect(lambda: self.pin.setFocus())
        card.addWidget(self.uid)
        self.pin = QLineEdit(self)
        self.pin.setObjectName("card_pin")
        self.pin.setEchoMode(QLineEdit.EchoMode.Password)
        self.pin.setMaxLength(PIN_LENGTH)
        set_input_mode(self.pin, NONE)  # typed on the scrambled keypad below
        ctx.language.bind(self.pin, lambda: ctx.tr("signin.pin_hint"), self.pin.setPlaceholderText)
        card.addWidget(self.pin)
        self.keypad = NumericKeypad(ctx.language, scrambled=True, parent=self)
        self.keypad.setObjectName("pin_keypad")
        self.keypad.key_pressed.connect(self.pin.insert)
        self.keypad.backspace_pressed.connect(self.pin.backspace)
        self.keypad.cleared.connect(self.pin.clear)
        self.keypad.entered.connect(self.sign_in_card)
        card.addWidget(self.keypad, 1)
        qr = QVBoxLayout()
        body.addLayout(qr, 2)
        self.qr_title = self.label("", level="heading", name="qr_title")
        ctx.tr.bind(self.qr_title, "signin.qr_title")
        qr.addWidget(self.qr_title)
        self.qr = QrView(300, self)
        self.qr.setObjectName("signin_qr")
        qr.addWidget(self.qr)
        self.qr_note = self.label("", level="muted", name="qr_note")
        ctx.tr.bind(self.qr_note, "signin.qr_note")
        qr.addWidget(self.qr_note)
        qr.addStretch(1)
        buttons = QHBoxLayout()
        buttons.addWidget(self.button("nav.back", "signin_back", None, lambda: ctx.nav.back()))
        self.go_button = self.button("signin.submit", "signin_submit", "primary",
                                     self.sign_in_card)
        buttons.addWidget(self.go_button)
        self.layout_.addLayout(buttons)
        self.then: str | None = None
        self.qr_session: QrSignIn | None = None
        self._poll = QTimer(self)
        self._poll.setInterval(int(ctx.config.qr_poll_s * 1000))
        self._poll.timeout.connect(self._poll_qr)
        self._polling = False

    # --- lifecycle ---------------------------------------------------------------------

    def enter(self, then: str | None = None, **params: object) -> None:
        super().enter(**params)
        self.then = then
        self.uid.clear()
        self.pin.clear()
        self.keypad.reshuffle()
        self.go_button.setEnabled(True)
        self.start_qr()
        self.uid.setFocus()  # a card reader types the UID into the focused field
        if self.ctx.nav is not None:
            self.ctx.nav.panel.attach(None)  # the keyboard shows only when the field is tapped

    def leave(self) -> None:
        self._poll.stop()
        self._polling = False
        self.qr_session = None
        self.qr.set_data("")

    def reset(self) -> None:
        super().reset()
        self.leave()
        self.uid.clear()
        self.pin.clear()
        self.then = None

    # --- card + PIN --------------------------------------------------------------------

    def sign_in_card(self) -> None:
        uid, pin = self.uid.text().strip(), self.pin.text()
        if not uid:
            self.error_message("signin.need_uid")
            self.uid.setFocus()
            return
        if len(pin) != PIN_LENGTH or not pin.isdigit():
            self.error_message("signin.need_pin", digits=PIN_LENGTH)
            return
        self.go_button.setEnabled(False)
        self.message("signin.checking")
        self.ctx.worker.run(lambda: self.ctx.backend.sign_in_card(uid, pin), self._signed_in,
                            self._failed)

    def _failed(self, exc: Exception) -> None:
        self.go_button.setEnabled(True)
        self.pin.clear()
        self.keypad.reshuffle()
        if isinstance(exc, PortalUnavailable):
            self.error_message("error.offline_sign_in")
        elif isinstance(exc, PortalProblem):
            self.show_error(core_wording(self.ctx, exc, "signin.failed"))
        else:
            self.error_message("error.unexpected")

    def _signed_in(self, resident: Resident) -> None:
        self.go_button.setEnabled(True)
        self.pin.clear()
        self.uid.clear()
        self._poll.stop()
        self.qr_session = None
        nav = self.ctx.nav
        assert nav is not None
        nav.session_changed()
        if self.then:
            nav.back()
        else:
            nav.home()
        nav.current().message("signin.welcome", name=resident.name, level="ok")

    # --- phone QR ----------------------------------------------------------------------

    def start_qr(self) -> None:
        self.qr.set_data("")

        def shown(session: QrSignIn) -> None:
            if self.ctx.nav is not None and self.ctx.nav.current() is self:
                self.qr_session = session
                self.qr.set_data(session.url)
                self._poll.start()

        self.ctx.worker.run(self.ctx.backend.start_qr, shown,
                            lambda exc: self.qr_note.setText(self.ctx.tr("signin.qr_unavailable")))

    def _poll_qr(self) -> None:
        session = self.qr_session
        if session is None or self._polling:
            return
        self._polling = True

        def done(resident: Resident | None) -> None:
            self._polling = False
            if resident is not None and self.qr_session is session:
                self._signed_in(resident)

        def failed(exc: Exception) -> None:
            self._polling = False
            if isinstance(exc, PortalProblem) and exc.status in (404, 410):
                self.start_qr()  # expired: show a fresh code

        self.ctx.worker.run(lambda: self.ctx.backend.poll_qr(session.id), done, failed)

    def speech_text(self) -> str:
        sep = self.ctx.language.t("qt", "speech.separator")
        parts = [self.title.text(), self.card_title.text(), self.qr_title.text(),
                 self.status.text() if self.status.isVisible() else ""]
        return sep.join(p for p in parts if p)
