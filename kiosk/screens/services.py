"""A list of services: one family, one theme, or search results."""

from __future__ import annotations

from PySide6.QtWidgets import QPushButton, QVBoxLayout, QWidget

from kiosk.screens.base import Screen
from portal_client import Service
from qt_common import formatting


class ServiceListScreen(Screen):
    name = "services"

    def __init__(self, ctx, parent=None) -> None:
        super().__init__(ctx, parent)
        self.inner = QWidget(self)
        self.list = QVBoxLayout(self.inner)
        self.list.setSpacing(ctx.sizes.spacing_px)
        self.layout_.addWidget(self.scroller(self.inner), 1)
        self.family: str | None = None
        self.theme: str | None = None
        self.query: str | None = None
        self.services: list[Service] = []
        self._items: list[QWidget] = []
        ctx.language.on_change(self, self._retitle)

    def enter(self, family: str | None = None, theme: str | None = None,
              query: str | None = None, **params: object) -> None:
        super().enter(**params)
        self.family, self.theme, self.query = family, theme, query
        cat = self.ctx.backend.catalog
        self._retitle()
        if cat is None:
            self.show_list([])
            return
        if query:
            self.show_list([])
            self.message("services.searching")
            lang = self.ctx.lang
            self.ctx.worker.run(lambda: self.ctx.backend.search(query, lang), self._found,
                                lambda exc: self.error_message("error.unexpected"))
        elif theme:
            self.show_list(cat.in_theme(theme))
        elif family == "themed":
            ordered = [s for t in cat.themes for s in cat.in_theme(t.id)]
            self.show_list(ordered)
        else:
            self.show_list(cat.in_family(family or ""))

    def _found(self, services: list[Service]) -> None:
        self.show_list(services)
        if services:
            self.message("services.found", count=len(services))
        else:
            self.message("services.none_found", query=self.query or "")

    def _retitle(self) -> None:
        cat = self.ctx.backend.catalog
        tr, pick = self.ctx.tr, self.ctx.language.pick
        if self.query:
            self.title.setText(tr("services.search_title", query=self.query))
        elif cat and (self.theme or self.family):
            labels = {x.id: x.label for x in (*cat.families, *cat.themes)}
            self.title.setText(pick(labels.get(self.theme or self.family or "")))
        for item, svc in zip(self._items, self.services, strict=False):
            self._label_item(item, svc)

    def show_list(self, services: list[Service]) -> None:
        while self.list.count():
            w = self.list.takeAt(0).widget()
            if w is not None:
                w.deleteLater()
        self._items = []
        self.services = list(services)
        for svc in self.services:
            b = QPushButton(self.inner)
            b.setObjectName(f"service_{svc.id}")
            b.setStyleSheet("text-align: left;")
            b.clicked.connect(lambda _=False, sid=svc.id: self.ctx.go("form", service_id=sid))
            self._label_item(b, svc)
            self.list.addWidget(b)
            b.show()
            self._items.append(b)
        self.list.addStretch(1)

    def _label_item(self, b: QWidget, svc: Service) -> None:
        tr, pick = self.ctx.tr, self.ctx.language.pick
        marks = []
        fee = svc.fee.get("amount")
        if fee and fee not in ("0", "0.00"):
            marks.append(formatting.money(fee, svc.fee.get("currency", "CNY"), self.ctx.lang))
        if svc.requires_identity:
            marks.append(tr("services.needs_sign_in"))
        title = pick(svc.title)
        summary = pick(svc.summary)
        if len(summary) > 60:
            summary = summary[:58] + "…"
        head = f"{title}  ·  {'  ·  '.join(marks)}" if marks else title
        b.setText(f"{head}\n{summary}")  # type: ignore[attr-defined]

    def reset(self) -> None:
        super().reset()
        self.query = None
        self.show_list([])

    def speech_text(self) -> str:
        sep = self.ctx.language.t("qt", "speech.separator")
        return sep.join([self.title.text(), *(self.ctx.language.pick(s.title)
                                             for s in self.services)])
