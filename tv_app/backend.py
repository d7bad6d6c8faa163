"""Everything the TV asks of the core, through portal_client only (blocking, Qt-free).

The window runs these on qt_common Workers. The box signs in as its household
(POST /auth/stb) and signs in again by itself when the 30-minute resident token lapses.
Each worker thread has its own HTTP client; they share the household token.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, TypeVar

from channel_render.clock import COMMUNITY_TZ
from portal_client.i18n import gettext, pick
from portal_client.types import PortalProblem, PortalUnavailable
from tv_app.config import CHANNEL, TvConfig
from tv_app.pending import (
    ACKNOWLEDGED,
    CHECKIN,
    CLOSED,
    FAILED,
    QUEUED,
    RAISED,
    SENT,
    SOS,
    Action,
    PendingActions,
)

if TYPE_CHECKING:  # the HTTP client is imported on first use, after the first frame
    from portal_client import Dose, InboxItem, Matter, PortalClient, Service, ServiceSummary
    from portal_client.payments import Bill, BilledOrder, PaymentIntent, Receipt

T = TypeVar("T")
SOS_SERVICE = "gov.sos"
# SOS workflow states after which help is no longer on its way (a new press raises anew).
SOS_DONE_STATES = ("resolved", "closed", "false_alarm")


@dataclass(frozen=True)
class Household:
    """Who the box belongs to: the household's elder, as the core names them."""

    resident_id: int
    name: str
    lang: str
    is_elder: bool
    address: str | None
    box_id: str
    cards: tuple[str, ...] = ()  # the elder's active one-cards

    @classmethod
    def from_resident(cls, r: dict, box_id: str) -> Household:
        cards = tuple(c["uid"] for c in r.get("cards") or () if c.get("status") == "active")
        return cls(r["id"], r["name"], r.get("lang") or "zh_CN", bool(r.get("is_elder")),
                   (r.get("household") or {}).get("address"), box_id, cards)

    @classmethod
    def from_cache(cls, d: dict) -> Household:
        return cls(**{**d, "cards": tuple(d.get("cards") or ())})


@dataclass(frozen=True)
class Notice:
    """A community notice or reminder (texts per language)."""

    id: str
    kind: str
    title: dict
    body: dict
    published: str
    expires: str | None

    @classmethod
    def from_json(cls, d: dict) -> Notice:
        return cls(d["id"], d.get("kind", "news"), d["title"], d["body"],
                   str(d.get("published") or ""), d.get("expires"))


@dataclass(frozen=True)
class HomeStatus:
    """What the home screen shows besides its tiles."""

    checked_in: bool
    checked_in_at: str | None
    unread: int
    due_doses: tuple[Dose, ...] = ()  # reminded by the core, not yet marked taken


@dataclass(frozen=True)
class FlushReport:
    """One pass over the queued SOS / check-ins."""

    sent: tuple[str, ...]
    failed: tuple[str, ...]
    reachable: bool


def local_day(now: datetime | None = None) -> str:
    """Today in the community's time zone, ISO."""
    return (now or datetime.now(COMMUNITY_TZ)).astimezone(COMMUNITY_TZ).date().isoformat()


def is_down(exc: Exception) -> bool:
    """Whether an error means "try again later" (no answer, or the server failed)."""
    return isinstance(exc, PortalUnavailable) or (
        isinstance(exc, PortalProblem) and exc.status >= 500)


class Backend:
    """The TV's side of the API; every method blocks (call it on a Worker)."""

    def __init__(self, config: TvConfig, pending: PendingActions,
                 client_factory: Callable[[], PortalClient] | None = None) -> None:
        self.config = config
        self.pending = pending
        self._factory = client_factory or self._http_client
        self._local = threading.local()
        self._lock = threading.Lock()
        self._token: str | None = None
        self._cache_path = config.data_dir / "household.json"
        self._cached = self._read_cache()
        self.household: Household | None = (
            Household.from_cache(self._cached["household"]) if "household" in self._cached
            else None)

    # --- plumbing ------------------------------------------------------------------------

    def _http_client(self) -> PortalClient:
        from portal_client.client import PortalClient

        return PortalClient(self.config.server_url, channel_token=self.config.channel_token,
                            lang=self.lang, timeout=self.config.timing.request_timeout_s,
                            channel=CHANNEL)

    def _client(self) -> PortalClient:
        c = getattr(self._local, "client", None)
        if c is None:
            c = self._local.client = self._factory()
        c.lang = self.lang
        return c

    def _read_cache(self) -> dict:
        try:
            return json.loads(self._cache_path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}

    def _write_cache(self, **values: object) -> None:
        self._cached.update(values)
        self._cache_path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self._cache_path.with_suffix(".tmp")
        tmp.write_text(json.dumps(self._cached, ensure_ascii=False), encoding="utf-8")
        tmp.replace(self._cache_path)

    @property
    def lang(self) -> str:
        """The screen language: configured, else the household's, else zh_CN."""
        if self.config.lang:
            return self.config.lang
        return self.household.lang if self.household else "zh_CN"

    def call(self, fn: Callable[[PortalClient], T]) -> T:
        """Run `fn(client)` as the household; sign in first or again when needed."""
        c = self._client()
        if self._token is None:
            self.sign_in()
        c.token = self._token
        try:
            return fn(c)
        except PortalProblem as exc:
            if exc.status != 401:
                raise
        self.sign_in()  # the resident token lapsed: the box signs in again by itself
        c.token = self._token
        return fn(c)

    # --- identity and reference data ---------------------------------------------------

    def sign_in(self) -> Household:
        """Sign in as the box's household and remember who that is for offline starts."""
        c = self._client()
        c.token = None  # a lapsed bearer token must not ride along on the sign-in itself
        session = c.sign_in_box(self.config.box_id)
        with self._lock:
            self._token = session.token
        self.household = Household.from_resident(session.resident, self.config.box_id)
        self._write_cache(household=self.household.__dict__)
        return self.household

    def load_reference(self) -> str:
        """Fetch (and cache) the number to phone when the TV can't reach the core."""
        cat = self._client().catalog()
        departments = {d["id"]: d for d in cat.get("departments", ())}
        sos = next((s for s in cat.get("services", ()) if s["id"] == SOS_SERVICE), None)
        dept = departments.get(sos["handler"]) if sos else None
        phone = (dept or {}).get("phone") or ""
        if phone:
            self._write_cache(hotline=phone)
        return self.hotline()

    def hotline(self) -> str:
        """The elder-care duty phone (cached from the catalog), or the configured one."""
        return str(self._cached.get("hotline") or self.config.hotline or "")

    # --- home ----------------------------------------------------------------------------

    def home_status(self) -> HomeStatus:
        """Today's check-in, the number of unread inbox messages, medicine now due."""
        status = self.call(lambda c: c.check_in_status())
        unread = self.call(lambda c: c.inbox(unread=True))
        try:
            doses = self.medication_today()
        except PortalUnavailable:
            raise  # the server is down: the home screen shows it is offline
        except PortalProblem:
            doses = []  # only the medicine list failed: still show check-in and messages
        due = tuple(d for d in doses if d.reminded and not d.taken)
        return HomeStatus(bool(status.get("checked_in")), status.get("at"), len(unread), due)

    # --- the durable queue: SOS and check-in -------------------------------------------

    def raise_sos(self) -> tuple[Action, bool]:
        """Queue an SOS (or return the active one); sending is `send_pending`'s job."""
        return self.pending.raise_sos(self.lang)

    def queue_check_in(self) -> tuple[Action, bool]:
        """Queue today's "I'm OK" (once a day)."""
        return self.pending.check_in(local_day(), self.lang)

    def send_pending(self) -> FlushReport:
        """Send every queued action, SOS first; stop at the first sign the server is down."""
        sent: list[str] = []
        failed: list[str] = []
        for action in self.pending.queued():
            try:
                self._send(action)
                sent.append(action.client_ref)
            except Exception as exc:  # noqa: BLE001 - every failure is recorded, none lost
                if is_down(exc):
                    self.pending.attempted(action.client_ref, str(exc)[:200])
                    return FlushReport(tuple(sent), tuple(failed), False)
                self.pending.update(action.client_ref, state=FAILED, error=str(exc)[:200])
                failed.append(action.client_ref)
        return FlushReport(tuple(sent), tuple(failed), True)

    def _send(self, action: Action) -> None:
        if action.kind == SOS:
            m = self._submit_sos(action)
            self.pending.update(action.client_ref, state=RAISED, matter_number=m.number,
                                status_label=pick(m.state_label, action.lang), error=None)
        elif action.kind == CHECKIN:
            if action.day != local_day():
                # A day-old check-in would claim "OK" for a day already judged: drop it.
                self.pending.update(action.client_ref, state=FAILED, error="stale")
                return
            self.call(lambda c: c.check_in())
            self.pending.update(action.client_ref, state=SENT, error=None)

    def _submit_sos(self, action: Action) -> Matter:
        h = self.household
        note = gettext("tv", "sos.note", action.lang, box=self.config.box_id,
                       address=(h.address if h else "") or "-")
        submit = lambda c: c.submit_matter(  # noqa: E731
            SOS_SERVICE, {"note": note}, CHANNEL, lang=action.lang, client_ref=action.client_ref)
        try:
            return self.call(submit)
        except PortalProblem as exc:
            if is_down(exc) or exc.status not in (401, 403, 404):
                raise
        # The box is not (or no longer) bound to a household: help must still be called.
        c = self._client()
        c.token = None
        return submit(c)

    def poll_sos(self, client_ref: str) -> Action:
        """Ask the core how the SOS stands; record acknowledgement and the end."""
        action = self.pending.get(client_ref)
        assert action is not None
        if action.matter_number is None or action.state not in (RAISED, ACKNOWLEDGED):
            return action
        number = action.matter_number
        m = self.call(lambda c: c.matter(number, lang=action.lang))
        label = pick(m.state_label, action.lang)
        if not m.is_open or m.state in SOS_DONE_STATES:
            return self.pending.update(client_ref, state=CLOSED, status_label=label)
        if m.state != "raised" or any(h.kind == "transition" for h in m.history):
            at = next((h.at for h in m.history if h.kind == "transition"), None)
            return self.pending.update(client_ref, state=ACKNOWLEDGED, status_label=label,
                                       acknowledged_at=action.acknowledged_at or at)
        return self.pending.update(client_ref, status_label=label)

    def today_check_in(self) -> Action | None:
        """Today's check-in as this box queued it, if any."""
        return self.pending.get(f"tv-checkin-{local_day()}")

    # --- services and orders ------------------------------------------------------------

    def services(self, family: str | None = None) -> list[ServiceSummary]:
        """Services offered on the TV, optionally of one family."""
        return self.call(lambda c: c.services(family=family, channel=CHANNEL))

    def service(self, service_id: str) -> Service:
        """One service's definition with its fields."""
        return self.call(lambda c: c.service(service_id))

    def submit(self, service_id: str, fields: dict, client_ref: str) -> Matter:
        """Submit as the household (safe to retry with the same client_ref)."""
        return self.call(lambda c: c.submit_matter(service_id, fields, CHANNEL, lang=self.lang,
                                                    client_ref=client_ref))

    def validate(self, service_id: str, fields: dict) -> dict[str, str]:
        """The core's messages for some fields ({} when they are fine)."""
        return self.call(lambda c: c.validate(service_id, fields, partial=True))

    def matter(self, number: str) -> Matter:
        """One matter as the household sees it."""
        return self.call(lambda c: c.matter(number))

    # --- messages ------------------------------------------------------------------------

    def notices(self) -> list[Notice]:
        """Community notices (news, reminders, outages, air quality), newest first."""
        items = [Notice.from_json(d) for d in self._client().notices()]
        today = local_day()
        live = [n for n in items if not n.expires or str(n.expires) >= today]
        return sorted(live, key=lambda n: n.published, reverse=True)

    def inbox(self) -> list[InboxItem]:
        """The household's inbox, newest first."""
        return self.call(lambda c: c.inbox())

    def mark_read(self, msg_id: int) -> None:
        """Mark one inbox message read."""
        self.call(lambda c: c.mark_read(msg_id))

    def medication_today(self) -> list[Dose]:
        """Today's medicine doses, in time order."""
        return self.call(lambda c: c.medication_today())

    def mark_dose_taken(self, dose_id: int) -> Dose:
        """Confirm one dose taken."""
        return self.call(lambda c: c.mark_dose_taken(dose_id))

    def dose_alerted(self, dose_ids: list[int]) -> list[int]:
        """Record doses the TV has alerted today; returns those not alerted before (a
        restart does not alert them again)."""
        day = local_day()
        seen = self._cached.get("dose_alerts") or {}
        before = set(seen.get(day) or ())
        new = [i for i in dose_ids if i not in before]
        if new:
            self._write_cache(dose_alerts={day: sorted(before | set(new))})
        return new

    def my_matters(self) -> list[Matter]:
        """The household's matters, open first."""
        return self.call(lambda c: c.my_matters())

    def cancel(self, number: str) -> Matter:
        """Cancel one of the household's own orders (an abandoned payment)."""
        return self.call(lambda c: c.transition(number, "cancel"))

    def request_callback(self, family: str | None, message: str, client_ref: str) -> Matter:
        """File a call-back request (staff phone the household) on the catalog's info service."""
        for service_id in pick_callback_service(self.services(), family):
            svc = self.service(service_id)
            fields = callback_fields(svc, message)
            if fields is not None:
                return self.submit(svc.id, fields, client_ref)
        raise PortalProblem(404, "no_callback_service", gettext("tv", "callback.none", self.lang))

    # --- payments ------------------------------------------------------------------------

    def card_uid(self) -> str:
        """The one-card that pays for the household (the elder's first active card)."""
        h = self.household
        if h is None or not h.cards:
            raise PortalProblem(404, "no_card", gettext("tv", "pay.no_card", self.lang))
        return h.cards[0]

    def bills(self) -> list[Bill]:
        """The household's open bills, oldest due first."""
        return list(self.call(lambda c: c.household_bills()))

    def bill(self, number: str) -> Bill:
        """One bill as it stands now."""
        return self.call(lambda c: c.bill(number))

    def pay_bill_by_qr(self, number: str, key: str) -> PaymentIntent:
        """A QR a family member pays on their phone (the same key returns the same QR)."""
        return self.call(lambda c: c.pay_bill(number, key, method="wechat_pay"))  # type: ignore[return-value]

    def pay_bill_by_card(self, number: str, pin: str, key: str) -> Receipt:
        """Pay a bill in full from the household's one-card."""
        uid = self.card_uid()
        return self.call(lambda c: c.pay_bill(number, key, uid=uid, pin=pin))  # type: ignore[return-value]

    def order_and_pay_by_card(self, service_id: str, fields: dict, client_ref: str, pin: str,
                              key: str) -> tuple[Matter, Receipt]:
        """Submit the order (idempotent) and pay it from the one-card (held until delivered)."""
        uid = self.card_uid()
        m = self.submit(service_id, fields, client_ref)
        receipt = self.call(lambda c: c.pay_matter(m.number, key, uid=uid, pin=pin))
        return m, receipt  # type: ignore[return-value]

    def order_and_pay_by_qr(self, service_id: str, fields: dict, client_ref: str,
                            key: str) -> PaymentIntent:
        """Submit the order (idempotent) and get a QR a family member pays it with."""
        m = self.submit(service_id, fields, client_ref)
        return self.call(lambda c: c.pay_matter(m.number, key, method="wechat_pay"))  # type: ignore[return-value]

    def order_on_household_bill(self, service_id: str, fields: dict, client_ref: str,
                                key: str) -> tuple[Matter, BilledOrder]:
        """Submit the order (idempotent) and put it on the household's bill (no money now)."""
        m = self.submit(service_id, fields, client_ref)
        billed = self.call(lambda c: c.add_to_household_bill(m.number, key))
        return m, billed

    def payment_status(self, intent_id: str) -> PaymentIntent:
        """Poll a QR payment."""
        return self.call(lambda c: c.payment_status(intent_id))

    def cancel_payment(self, intent_id: str) -> PaymentIntent:
        """Give up a QR payment (PortalProblem 409 if the family member paid first)."""
        return self.call(lambda c: c.cancel_payment(intent_id))


__all__ = ["Backend", "FlushReport", "HomeStatus", "Household", "Notice", "QUEUED", "is_down",
           "local_day"]


def callback_fields(service: Service, message: str) -> dict | None:
    """Fields of a call-back request on an info service: the message, "other" as topic."""
    text_field = next((f for f in service.fields if f.type == "longtext"), None)
    if text_field is None:
        return None
    fields: dict = {text_field.key: message[:2000]}
    for f in service.fields:
        if f.required and f.key not in fields:
            if f.type != "choice" or not f.choices:
                return None
            values = [c.value for c in f.choices]
            fields[f.key] = "other" if "other" in values else values[-1]
    return fields


def pick_callback_service(summaries: list[ServiceSummary], family: str | None) -> list[str]:
    """Candidate services for a call-back, best first: info services of the family, then gov."""
    info = [s for s in summaries if s.workflow == "info"]
    ranked = sorted(info, key=lambda s: (s.family != family, s.family != "gov", s.id))
    return [s.id for s in ranked]
