"""Photo fields: taken on the resident's phone through a QR, or, where a medium has no way to
collect one, a note that staff will (SPEC §2: a fallback, never a crash)."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any, Protocol

import shiboken6
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from channel_render import touch
from portal_client.types import Field
from qt_common.fields.base import EditorFactory, FieldEditor, register
from qt_common.i18n import Language
from qt_common.qr import QrView
from qt_common.theme import restyle

UPLOAD_PREFIX = "upload:"
Run = Callable[[Callable[[], Any], Callable[[Any], None], Callable[[Exception], None]], object]


@register(touch.PHOTO)
class PhotoFallback(FieldEditor):
    """Explains that staff will collect the photo (for media with no upload path).

    A medium that can take photos passes its own editor (e.g. `photo_by_phone(...)`) to
    `FormView(editors={"photo": ...})`, returning an 'upload:<id>' value.
    """

    def __init__(self, field: Field, language: Language, parent: QWidget | None = None) -> None:
        super().__init__(field, language, parent)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        self.note = QLabel(self)
        self.note.setObjectName(f"photo_note_{field.key}")
        self.note.setWordWrap(True)
        self.note.setProperty("level", "muted")
        lay.addWidget(self.note)
        self.tr_.bind(self.note, "photo.fallback_required" if field.required else "photo.fallback")

    def value(self) -> object | None:
        return None

    def set_value(self, value: object | None) -> None:
        return None

    def can_collect(self) -> bool:
        return False


class PhotoLink(Protocol):
    """An upload session: the phone page's `url` (shown as a QR) and its `id` (polled)."""

    id: str
    url: str


class PhotoUploads(Protocol):
    """The channel's side of the core's phone-upload pages (blocking calls)."""

    def start_photo_upload(self) -> PhotoLink: ...

    def poll_photo_upload(self, session_id: str) -> str | None: ...


class PhotoByPhone(FieldEditor):
    """A photo taken or chosen on the resident's phone: a QR opens the core's upload page;
    the screen polls and shows a confirmation when the photo has arrived.

    States: idle (a "use my phone" button) → waiting (QR, instructions, stop) → received
    (confirmation, replace, remove). The value is the core's 'upload:<id>'. The photo itself
    is never shown: only staff may view uploads, and a lobby screen is public.
    """

    def __init__(self, field: Field, language: Language, parent: QWidget | None,
                 uploads: PhotoUploads, run: Run, *, poll_s: float = 2.0,
                 wait_s: float = 600.0) -> None:
        super().__init__(field, language, parent)
        self.uploads, self.run = uploads, run
        self.wait_s = wait_s
        self._value: str | None = None
        self._link: PhotoLink | None = None
        self._deadline = 0.0
        self._polling = False
        self._received_at = ""
        key = field.key
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        self.start_button = self._button(f"photo_start_{key}", "photo.by_phone", "primary",
                                         self.start)
        lay.addWidget(self.start_button)
        self.waiting = QWidget(self)
        row = QHBoxLayout(self.waiting)
        row.setContentsMargins(0, 0, 0, 0)
        self.qr = QrView(240, self.waiting)
        self.qr.setObjectName(f"photo_qr_{key}")
        row.addWidget(self.qr)
        side = QVBoxLayout()
        row.addLayout(side, 1)
        self.instructions = self._label(f"photo_hint_{key}", None)
        self.tr_.bind(self.instructions, "photo.scan_hint")
        self.stop_button = self._button(f"photo_stop_{key}", "photo.stop", None, self.stop)
        side.addWidget(self.instructions)
        side.addStretch(1)
        side.addWidget(self.stop_button)
        lay.addWidget(self.waiting)
        self.status = self._label(f"photo_status_{key}", "muted")
        lay.addWidget(self.status)
        self.received = QWidget(self)
        done = QHBoxLayout(self.received)
        done.setContentsMargins(0, 0, 0, 0)
        self.confirmation = self._label(f"photo_received_{key}", "ok")
        language.bind(self.confirmation, lambda: self.tr_("photo.received",
                                                         at=self._received_at),
                      self.confirmation.setText)
        self.replace_button = self._button(f"photo_replace_{key}", "photo.replace", None,
                                           self.start)
        self.remove_button = self._button(f"photo_remove_{key}", "photo.remove", "danger",
                                          lambda: self._set(None))
        done.addWidget(self.confirmation, 1)
        done.addWidget(self.replace_button)
        done.addWidget(self.remove_button)
        lay.addWidget(self.received)
        self._timer = QTimer(self)
        self._timer.setInterval(int(poll_s * 1000))
        self._timer.timeout.connect(self._poll)
        self._show()

    def _button(self, name: str, key: str, role: str | None, on_click) -> QPushButton:
        b = QPushButton(self)
        b.setObjectName(name)
        if role:
            b.setProperty("role", role)
        self.tr_.bind(b, key)
        b.clicked.connect(lambda _=False: on_click())
        return b

    def _label(self, name: str, level: str | None) -> QLabel:
        lab = QLabel(self)
        lab.setObjectName(name)
        lab.setWordWrap(True)
        if level:
            lab.setProperty("level", level)
        return lab

    # --- the flow ------------------------------------------------------------------------

    def start(self) -> None:
        """Ask the core for an upload page and show its QR."""
        self._halt()
        self._note("photo.preparing", "muted")
        self.start_button.setEnabled(False)

        def shown(link: PhotoLink) -> None:
            if not shiboken6.isValid(self):
                return
            self.start_button.setEnabled(True)
            self._link = link
            self._deadline = time.monotonic() + self.wait_s
            self.qr.set_data(link.url)
            self._note("photo.waiting", "muted")
            self._timer.start()
            self._show()

        def failed(exc: Exception) -> None:
            if shiboken6.isValid(self):
                self.start_button.setEnabled(True)
                self._note("photo.unavailable", "error")

        self.run(self.uploads.start_photo_upload, shown, failed)

    def stop(self) -> None:
        """Give up waiting for the phone (the value stays as it was)."""
        self._halt()
        self._note(None)
        self._show()

    def _poll(self) -> None:
        link = self._link
        if link is None or self._polling:
            return
        if time.monotonic() >= self._deadline:
            self._halt()
            self._note("photo.expired", "error")
            self._show()
            return
        self._polling = True

        def answered(upload: str | None) -> None:
            if not shiboken6.isValid(self):
                return
            self._polling = False
            if upload and self._link is link:
                self._halt()
                self._note(None)
                self._set(upload)

        def failed(exc: Exception) -> None:
            if shiboken6.isValid(self):
                self._polling = False  # keep polling until the deadline: the line may return

        self.run(lambda: self.uploads.poll_photo_upload(link.id), answered, failed)

    def _halt(self) -> None:
        self._timer.stop()
        self._link = None
        self._polling = False
        self.qr.set_data("")

    def _note(self, key: str | None, level: str = "muted") -> None:
        self.status.setText(self.tr_(key) if key else "")
        self.status.setVisible(bool(key))
        self.status.setProperty("level", level)
        restyle(self.status)

    def _set(self, value: str | None) -> None:
        self._value = value
        self._received_at = time.strftime("%H:%M") if value else ""
        self.confirmation.setText(self.tr_("photo.received", at=self._received_at))
        self._show()
        self.changed.emit()

    def _show(self) -> None:
        waiting = self._link is not None
        self.waiting.setVisible(waiting)
        self.received.setVisible(self._value is not None and not waiting)
        self.start_button.setVisible(self._value is None and not waiting)

    # --- the FieldEditor contract ----------------------------------------------------------

    def value(self) -> object | None:
        return self._value

    def set_value(self, value: object | None) -> None:
        if value is None:
            self._halt()
            self._note(None)
            self._set(None)
        elif isinstance(value, str) and value.startswith(UPLOAD_PREFIX):
            self._halt()
            self._set(value)

    def display_value(self) -> str:
        return self.tr_("photo.attached") if self._value else ""

    def focus_target(self) -> QWidget:
        return self.start_button if self.start_button.isVisible() else self

    @property
    def waiting_for_phone(self) -> bool:
        """Whether a QR is up and the phone's photo not yet in."""
        return self._link is not None


def photo_by_phone(uploads: PhotoUploads, run: Run, *, poll_s: float = 2.0,
                   wait_s: float = 600.0) -> EditorFactory:
    """An editor factory for `FormView(editors={"photo": ...})` on a medium with a network."""

    def make(field: Field, language: Language, parent: QWidget | None = None) -> FieldEditor:
        return PhotoByPhone(field, language, parent, uploads, run, poll_s=poll_s, wait_s=wait_s)

    return make
