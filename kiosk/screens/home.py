"""Home: the six families as tiles, themed communities, search, notices and air quality."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from kiosk.catalog import Catalog
from kiosk.screens.base import Screen
from qt_common import TEXT, set_input_mode

NOTICES_SHOWN = 4
TILE_COLUMNS = 3


class HomeScreen(Screen):
    name = "home"
    title_key = "home.title"

    def __init__(self, ctx, parent=None) -> None:
        super().__init__(ctx, parent)
        tr = ctx.tr
        self.where = self.label("", level="muted", name="location")
        self.layout_.insertWidget(1, self.where)
        ctx.language.bind(self.where, lambda: ctx.config.location_text(ctx.lang),
                          self.where.setText)
        content = QWidget(self)
        body = QHBoxLayout(content)
        body.setContentsMargins(0, 0, 0, 0)
        self.layout_.addWidget(self.scroller(content), 1)
        left = QVBoxLayout()
        body.addLayout(left, 3)
        right = QVBoxLayout()
        body.addLayout(right, 2)

        search = QHBoxLayout()
        self.search = QLineEdit(self)
        self.search.setObjectName("search_box")
        set_input_mode(self.search, TEXT)
        self.search.returnPressed.connect(self.do_search)
        ctx.language.bind(self.search, lambda: tr("home.search_hint"),
                          self.search.setPlaceholderText)
        search.addWidget(self.search, 4)
        search.addWidget(self.button("home.search", "search_button", "primary", self.do_search), 1)
        left.addLayout(search)

        self.tiles_box = QWidget(self)
        self.tiles = QGridLayout(self.tiles_box)
        self.tiles.setContentsMargins(0, 0, 0, 0)
        left.addWidget(self.tiles_box, 3)
        self.themes_title = self.label("", level="heading", name="themes_title")
        tr.bind(self.themes_title, "home.themes")
        left.addWidget(self.themes_title)
        self.themes_box = QWidget(self)
        self.themes = QHBoxLayout(self.themes_box)
        self.themes.setContentsMargins(0, 0, 0, 0)
        left.addWidget(self.themes_box)
        quick = QHBoxLayout()
        quick.addWidget(self.button("home.track", "track_button", None, lambda: ctx.go("track")))
        quick.addWidget(self.button("home.pay", "pay_button", None, lambda: ctx.go("pay")))
        quick.addWidget(self.button("home.topup", "topup_button", None, lambda: ctx.go("topup")))
        left.addLayout(quick)

        self.air = QFrame(self)
        self.air.setObjectName("air_quality")
        self.air.setProperty("level", "banner")
        air = QVBoxLayout(self.air)
        self.air_title = self.label("", level="heading", name="air_title")
        self.air_figures = self.label("", name="air_figures")
        air.addWidget(self.air_title)
        air.addWidget(self.air_figures)
        right.addWidget(self.air)
        self.notices_title = self.label("", level="heading", name="notices_title")
        tr.bind(self.notices_title, "home.notices")
        right.addWidget(self.notices_title)
        self.notice_buttons: list[QPushButton] = []
        for i in range(NOTICES_SHOWN):
            b = self.button(None, f"notice_{i}")
            b.setStyleSheet("text-align: left;")
            b.clicked.connect(lambda _=False, i=i: self._open_notice(i))
            right.addWidget(b)
            self.notice_buttons.append(b)
        right.addStretch(1)
        self._tile_buttons: list[QPushButton] = []
        ctx.language.on_change(self, self.refresh)

    # --- content -----------------------------------------------------------------------

    @property
    def catalog(self) -> Catalog | None:
        return self.ctx.backend.catalog

    def refresh(self) -> None:
        """Rebuild tiles and notices from the (cached) catalog in the current language."""
        cat = self.catalog
        lang_pick = self.ctx.language.pick
        if cat is None:
            self.error_message("home.no_catalog")
            return
        if not self._tile_buttons or len(self._tile_buttons) != len(cat.families) + len(cat.themes):
            self._build_tiles(cat)
        fams = [f for f in cat.families]
        for b, fam in zip(self._tile_buttons, fams + list(cat.themes), strict=True):
            b.setText(lang_pick(fam.label))
        tr = self.ctx.tr
        aq = cat.air_quality()
        self.air.setVisible(aq is not None)
        if aq is not None:
            level = tr(f"air.level.{aq.level}") if aq.level else ""
            self.air_title.setText(tr("air.title", level=level))
            self.air_figures.setText(tr("air.figures", aqi=aq.aqi or "—", pm25=aq.pm25 or "—",
                                        pm10=aq.pm10 or "—"))
        news = cat.news()
        for i, b in enumerate(self.notice_buttons):
            b.setVisible(i < len(news))
            if i < len(news):
                b.setText(lang_pick(news[i].title))

    def _build_tiles(self, cat: Catalog) -> None:
        for b in self._tile_buttons:
            b.deleteLater()
        self._tile_buttons = []
        for i, fam in enumerate(cat.families):
            b = self.button(None, f"family_{fam.id}", "tile")
            b.clicked.connect(lambda _=False, f=fam.id: self.ctx.go("services", family=f))
            self.tiles.addWidget(b, i // TILE_COLUMNS, i % TILE_COLUMNS)
            self._tile_buttons.append(b)
        for theme in cat.themes:
            b = self.button(None, f"theme_{theme.id}")
            b.clicked.connect(lambda _=False, t=theme.id: self.ctx.go("services", theme=t))
            self.themes.addWidget(b)
            self._tile_buttons.append(b)

    def _open_notice(self, i: int) -> None:
        cat = self.catalog
        if cat is not None and i < len(cat.news()):
            self.ctx.go("notice", notice_id=cat.news()[i].id)

    def do_search(self) -> None:
        q = self.search.text().strip()
        if q:
            self.ctx.go("services", query=q)

    # --- lifecycle ---------------------------------------------------------------------

    def enter(self, **params: object) -> None:
        super().enter(**params)
        self.refresh()

    def reset(self) -> None:
        super().reset()
        self.search.clear()
        self.refresh()

    def speech_text(self) -> str:
        sep = self.ctx.language.t("qt", "speech.separator")
        parts = [self.title.text(), self.ctx.tr("home.speech")]
        parts += [b.text() for b in self._tile_buttons]
        if self.air.isVisible():
            parts += [self.air_title.text(), self.air_figures.text()]
        return sep.join(p for p in parts if p)
