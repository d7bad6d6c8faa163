"""Housekeeping and shopping: a hub of tiles and paged lists of services."""

from __future__ import annotations

from portal_client import ServiceSummary
from tv_app.remote import Key
from tv_app.screens.base import Screen
from tv_app.widgets import PagedRows, Row

CANTEEN, SHOP = "ordering.canteen-meal", "ordering.community-shop"


class ServicesHub(Screen):
    """Housekeeping visits, the community shop, other deliveries, a call-back."""

    def __init__(self, app) -> None:
        super().__init__(app, "services")
        self.set_title("services.title")
        grid = self.row_of(
            self.button("services.housekeeping", "tile_housekeeping", role="tile",
                        on_ok=lambda: self._list("housekeeping")),
            self.button("services.shop", "tile_shop", role="tile",
                        on_ok=lambda: self._service(SHOP)))
        grid2 = self.row_of(
            self.button("services.more", "tile_more", role="tile",
                        on_ok=lambda: self._list("ordering")),
            self.button("services.callback", "tile_callback", role="tile",
                        on_ok=self._callback))
        self.body.addLayout(grid, 1)
        self.body.addLayout(grid2, 1)

    def _list(self, family: str) -> None:
        screen = self.app.screen(f"list_{family}", lambda: ServiceList(self.app, family))
        self.app.open(screen)

    def _service(self, service_id: str) -> None:
        from tv_app.screens.order import open_service

        open_service(self.app, service_id)

    def _callback(self) -> None:
        from tv_app.screens.order import open_callback

        open_callback(self.app, None, self)


class ServiceList(Screen):
    """The TV's services of one family, five to a page."""

    EXCLUDE = (CANTEEN, SHOP)  # they have their own tiles

    def __init__(self, app, family: str) -> None:
        super().__init__(app, f"list_{family}")
        self.family = family
        self.set_title(f"services.list_{family}")
        self.rows = PagedRows(self, "services", per_page=5)
        self.rows.page_text = lambda p, n: self.tr_("list.page", page=p, pages=n)
        self.rows.activated.connect(self._open)
        self.body.addWidget(self.rows, 1)
        self.items: list[ServiceSummary] = []
        self.rows.set_items([Row(self.tr_("list.loading"))])

    def enter(self) -> None:
        if not self.items:
            self.app.run(lambda: self.app.backend.services(self.family), self._loaded,
                         self._failed)

    def _loaded(self, items: list[ServiceSummary]) -> None:
        self.items = [s for s in items if s.id not in self.EXCLUDE
                      and s.workflow in ("order", "booking", "report", "info", "application")]
        pick = self.app.language.pick
        rows = [Row(pick(s.title), s.id) for s in self.items]
        self.rows.set_items(rows or [Row(self.tr_("list.empty"))])
        self.changed.emit()

    def _failed(self, exc: Exception) -> None:
        self.rows.set_items([Row(self.app.explain(exc))])
        self.app.show_error(exc)
        self.changed.emit()

    def _open(self, index: int) -> None:
        if index < len(self.items):
            from tv_app.screens.order import open_service

            open_service(self.app, self.items[index].id)
        elif not self.items:
            self.enter()  # "couldn't load": OK tries again

    def on_arrow(self, key: Key, focused):
        if key in (Key.UP, Key.DOWN):
            return self.rows.turn(focused, down=key is Key.DOWN)
        return None
