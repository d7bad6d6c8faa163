"""One community notice, opened from the home screen."""

from __future__ import annotations

from PySide6.QtCore import Qt

from kiosk.catalog import Notice
from kiosk.screens.base import Screen
from qt_common import formatting


class NoticeScreen(Screen):
    name = "notice"

    def __init__(self, ctx, parent=None) -> None:
        super().__init__(ctx, parent)
        self.date = self.label("", level="muted", name="notice_date")
        self.body = self.label("", name="notice_body")
        self.body.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.layout_.addWidget(self.date)
        self.body_area = self.scroller(self.body)  # a long notice scrolls under a finger
        self.layout_.addWidget(self.body_area, 1)
        self.layout_.addWidget(self.button("nav.back", "notice_back", None,
                                           lambda: ctx.nav.back()))
        self.notice: Notice | None = None
        ctx.language.on_change(self, self.refresh)

    def enter(self, notice_id: str = "", **params: object) -> None:
        super().enter(**params)
        cat = self.ctx.backend.catalog
        self.notice = next((n for n in cat.notices if n.id == notice_id), None) if cat else None
        self.refresh()

    def refresh(self) -> None:
        n = self.notice
        pick = self.ctx.language.pick
        self.title.setText(pick(n.title) if n else "")
        self.body.setText(pick(n.body) if n else "")
        try:
            self.date.setText(formatting.day(n.published, self.ctx.lang) if n else "")
        except ValueError:
            self.date.setText(n.published if n else "")

    def speech_text(self) -> str:
        sep = self.ctx.language.t("qt", "speech.separator")
        return sep.join(p for p in (self.title.text(), self.body.text()) if p)
