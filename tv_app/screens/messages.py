"""Notices, reminders, the household inbox and the status of the household's matters."""

from __future__ import annotations

from datetime import datetime

from channel_render.clock import COMMUNITY_TZ
from portal_client import Dose, InboxItem, Matter
from qt_common import formatting
from tv_app.backend import Notice
from tv_app.remote import Key
from tv_app.screens.base import Screen
from tv_app.screens.sos import spaced
from tv_app.widgets import PagedRows, Row, TextPanel


def when_text(iso: str, lang: str) -> str:
    """A date or timestamp in the household's language and time zone."""
    if len(iso) == 10:
        return formatting.day(iso, lang)
    return formatting.moment(datetime.fromisoformat(iso).astimezone(COMMUNITY_TZ), lang)


class MessagesHub(Screen):
    """Four tiles: community notices, reminders, inbox (with unread count), my requests."""

    def __init__(self, app) -> None:
        super().__init__(app, "messages")
        self.set_title("messages.title")
        self.notices = self.button("messages.notices", "tile_notices", role="tile",
                                   on_ok=lambda: self._open("notices"))
        self.reminders = self.button("messages.reminders", "tile_reminders", role="tile",
                                     on_ok=lambda: self._open("reminders"))
        self.inbox = self.button(None, "tile_inbox", role="tile",
                                 on_ok=lambda: self._open("inbox"))
        self.matters = self.button("messages.matters", "tile_matters", role="tile",
                                   on_ok=lambda: self._open("matters"))
        self.body.addLayout(self.row_of(self.notices, self.reminders), 1)
        self.body.addLayout(self.row_of(self.inbox, self.matters), 1)
        self.unread = 0
        app.language.on_change(self, self._texts)

    def enter(self) -> None:
        self._texts()
        self.app.run(lambda: [m for m in self.app.backend.inbox() if not m.read],
                     self._counted, lambda _e: None)

    def _counted(self, unread: list) -> None:
        self.unread = len(unread)
        self._texts()

    def _texts(self) -> None:
        self.inbox.setText(self.tr_("messages.inbox_unread", count=self.unread) if self.unread
                           else self.tr_("messages.inbox"))

    def _open(self, kind: str) -> None:
        factories = {"notices": NoticeList, "reminders": ReminderList, "inbox": InboxList,
                     "matters": MatterList}
        self.app.open(self.app.screen(f"list_{kind}", lambda: factories[kind](self.app)))


class ListScreen(Screen):
    """A paged list filled from the core each time it is shown; OK opens an entry."""

    kind = ""

    def __init__(self, app) -> None:
        super().__init__(app, f"list_{self.kind}")
        self.set_title(f"messages.{self.kind}")
        self.rows = PagedRows(self, "entries", per_page=5)
        self.rows.page_text = lambda p, n: self.tr_("list.page", page=p, pages=n)
        self.rows.activated.connect(self._activated)
        self.body.addWidget(self.rows, 1)
        self.entries: list = []
        self.rows.set_items([Row(self.tr_("list.loading"))])

    def enter(self) -> None:
        self.app.run(self.load, self._loaded, self._failed)

    def load(self) -> list:
        """Fetch the entries (on the worker thread)."""
        raise NotImplementedError

    def row(self, entry) -> Row:
        """How one entry reads in the list."""
        raise NotImplementedError

    def open_entry(self, entry) -> None:
        """OK on an entry."""
        raise NotImplementedError

    def _loaded(self, entries: list) -> None:
        self.entries = entries
        self.rows.set_items([self.row(e) for e in entries] or [Row(self.tr_("list.empty"))])
        self.changed.emit()

    def _failed(self, exc: Exception) -> None:
        if not self.entries:
            self.rows.set_items([Row(self.app.explain(exc))])
            self.changed.emit()
        self.app.show_error(exc)

    def _activated(self, index: int) -> None:
        if index < len(self.entries):
            self.open_entry(self.entries[index])

    def on_arrow(self, key: Key, focused):
        if key in (Key.UP, Key.DOWN):
            return self.rows.turn(focused, down=key is Key.DOWN)
        return None

    def when(self, iso: str) -> str:
        """A timestamp as the household reads it."""
        return when_text(iso, self.app.language.lang)


class NoticeList(ListScreen):
    """Community notices (everything but reminders)."""

    kind = "notices"

    def load(self) -> list:
        return [n for n in self.app.backend.notices() if n.kind != "reminder"]

    def row(self, n: Notice) -> Row:
        return Row(self.app.language.pick(n.title))

    def open_entry(self, n: Notice) -> None:
        pick = self.app.language.pick
        self.app.open(DetailScreen(self.app, pick(n.title), self.when(n.published),
                                   pick(n.body)))


class ReminderList(ListScreen):
    """Reminders: today's medicine doses first (OK marks one taken), then appointments, the
    inbox's reminders and the community's reminder notices."""

    kind = "reminders"

    def load(self) -> list:
        b = self.app.backend
        doses = b.medication_today()
        notices = [n for n in b.notices() if n.kind == "reminder"]
        # Medicine reminders are the doses above; the inbox list still has each message.
        inbox = [m for m in b.inbox() if not m.kind.startswith("matter_")
                 and m.kind != "medication"]
        hospital = {s.id for s in b.call(lambda c: c.services(theme="hospital"))}
        visits = [m for m in b.my_matters() if m.is_open and m.service_id in hospital]
        return [*doses, *visits, *inbox, *notices]

    def row(self, e) -> Row:
        pick = self.app.language.pick
        if isinstance(e, Dose):
            text = self.tr_("reminders.dose", time=e.time, medicine=e.medicine,
                            dose=e.dose or self.tr_("medication.prescribed"),
                            state=self.tr_("reminders.taken" if e.taken
                                           else "reminders.not_taken"))
            said = text if e.taken else self.spoken(text, self.tr_("reminders.ok_marks"))
            return Row(text, speech=said, marked=e.taken)
        if isinstance(e, Matter):
            return Row(self.tr_("reminders.appointment", service=pick(e.service_title),
                               when=appointment_time(e)))
        if isinstance(e, InboxItem):
            return Row(("● " if not e.read else "") + e.title)
        return Row(pick(e.title))

    def open_entry(self, e) -> None:
        if isinstance(e, Dose):
            self.take(e)
        elif isinstance(e, Matter):
            self.app.open(MatterDetail(self.app, e))
        elif isinstance(e, InboxItem):
            open_inbox_item(self, e)
        else:
            pick = self.app.language.pick
            self.app.open(DetailScreen(self.app, pick(e.title), self.when(e.published),
                                       pick(e.body)))

    def take(self, dose: Dose) -> None:
        """OK on a dose: record it taken at the core, then say so."""
        if dose.taken:
            self.app.hint(self.tr_("reminders.already_taken"))
            return
        self.app.run(lambda: self.app.backend.mark_dose_taken(dose.id), self._taken)

    def _taken(self, dose: Dose) -> None:
        self.entries = [dose if isinstance(e, Dose) and e.id == dose.id else e
                        for e in self.entries]
        self._loaded(self.entries)
        self.app.hint(self.tr_("reminders.marked", medicine=dose.medicine))


def history_text(tr, kind: str) -> str:
    """A history event's kind in words."""
    key = f"history.{kind}"
    said = tr(key)
    return tr("history.other") if said == key else said


def appointment_time(m: Matter) -> str:
    """The date/time fields of a booking, as typed into the matter."""
    fields = m.fields or {}
    parts = [str(v) for k, v in fields.items()
             if isinstance(v, str) and len(v) >= 5 and (k.endswith(("date", "time")) or
                                                       k in ("period",))]
    return " ".join(parts)


def open_inbox_item(screen: ListScreen, item: InboxItem) -> None:
    """Open a message and mark it read."""
    app = screen.app
    app.open(DetailScreen(app, item.title, screen.when(item.created_at), item.body))
    if not item.read:
        app.run(lambda: app.backend.mark_read(item.id), lambda _r: None, lambda _e: None)


class InboxList(ListScreen):
    """The household's messages: matter updates, replies from staff (unread marked ●)."""

    kind = "inbox"

    def load(self) -> list:
        return self.app.backend.inbox()

    def row(self, m: InboxItem) -> Row:
        mark = self.tr_("inbox.unread_mark") if not m.read else ""
        return Row(f"{mark}{m.title}", speech=self.spoken(f"{mark}{m.title}",
                                                           self.when(m.created_at)))

    def open_entry(self, m: InboxItem) -> None:
        open_inbox_item(self, m)


class MatterList(ListScreen):
    """The household's requests and orders with their state, open first."""

    kind = "matters"

    def load(self) -> list:
        return self.app.backend.my_matters()

    def row(self, m: Matter) -> Row:
        pick = self.app.language.pick
        title = pick(m.service_title) if m.service_title else m.service_id
        return Row(f"{title} · {pick(m.state_label)}")

    def open_entry(self, m: Matter) -> None:
        self.app.open(MatterDetail(self.app, m))


class DetailScreen(Screen):
    """One text to read: heading, date, body (Up/Down scroll it)."""

    cached = False

    def __init__(self, app, heading: str, meta: str, body: str) -> None:
        super().__init__(app, "detail")
        self.title.setText(heading)
        self.meta = self.label(level="muted", name="detail_meta")
        self.meta.setText(meta)
        self.body.addWidget(self.meta)
        self.panel = TextPanel(self, "detail_body")
        self.panel.set_text(body)
        self.body.addWidget(self.panel, 1)

    def on_arrow(self, key: Key, focused):
        if focused is self.panel and key in (Key.UP, Key.DOWN):
            return True if self.panel.scroll_page(key is Key.DOWN) else None
        return None

    def intro(self) -> str:
        return self.title.text()


class MatterDetail(DetailScreen):
    """A matter's state, next step and history, fetched fresh."""

    def __init__(self, app, matter: Matter) -> None:
        pick = app.language.pick
        title = pick(matter.service_title) if matter.service_title else matter.service_id
        super().__init__(app, title, "", "")
        self.number = matter.number
        self._show(matter)
        app.run(lambda: app.backend.matter(matter.number), self._show, lambda _e: None)

    def _show(self, m: Matter) -> None:
        tr, pick = self.tr_, self.app.language.pick
        self.meta.setText(tr("matter.meta", number=spaced(m.number), state=pick(m.state_label)))
        lines = [tr("matter.next", next=pick(m.next_step))] if m.next_step else []
        for h in reversed(m.history[-6:]):
            what = pick(h.state_label) if h.state_label else history_text(tr, h.kind)
            note = f" — {h.note}" if h.note else ""
            lines.append(f"{when_text(h.at, self.app.language.lang)}  {what}{note}")
        self.panel.set_text("\n".join(lines))
        self.changed.emit()
