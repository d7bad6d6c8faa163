"""Everything the kiosk asks of the core, through portal_client only (blocking; Qt-free).

The window calls these on a qt_common.Worker thread. Two clients: `client` carries the
signed-in resident (if any); `forwarder` never holds a resident token, so queued
submissions are sent with exactly the identity they were made with.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import TYPE_CHECKING

from kiosk.catalog import Catalog, CatalogCache
from kiosk.config import KioskConfig
from portal_client import Matter, PortalProblem, PortalUnavailable, Service, Session

if TYPE_CHECKING:  # loaded on first use: the first frame needs none of them
    from kiosk.outbox import ForwardReport, QueuedSubmission, SubmissionQueue
    from kiosk.referral import CallBack
    from portal_client import PortalClient
    from portal_client.payments import Bill, PaymentIntent
    from portal_client.payments import Receipt as PaymentReceipt

CHANNEL = "kiosk"


class FieldErrors(Exception):
    """The core refused some fields; messages are in the requested language."""

    def __init__(self, errors: dict[str, str], detail: str = "") -> None:
        super().__init__(detail or "validation")
        self.errors = errors
        self.detail = detail


class SignInRequired(Exception):
    """The service needs a signed-in resident (or the sign-in expired)."""


@dataclass(frozen=True)
class Resident:
    """Who is signed in at the kiosk (held in memory only until sign-out or idle reset)."""

    id: int
    name: str
    lang: str
    is_elder: bool
    address: str | None
    phone_masked: str | None
    cards: tuple[str, ...]

    @classmethod
    def from_session(cls, s: Session) -> Resident:
        r = s.resident
        household = r.get("household") or {}
        return cls(r["id"], r["name"], r.get("lang", "zh_CN"), bool(r.get("is_elder")),
                   household.get("address"), r.get("phone_masked"),
                   tuple(c["uid"] for c in r.get("cards", ()) if c.get("status", "active") == "active"))


@dataclass(frozen=True)
class Receipt:
    """What the receipt screen and the printed PDF show."""

    service_id: str
    service_title: dict
    number: str | None  # the matter number; None while only queued on the kiosk
    provisional_code: str | None
    state_label: dict | None
    next_step: dict | None
    created_at: str
    amount_minor: int | None
    currency: str | None
    tracking_url: str | None

    @property
    def provisional(self) -> bool:
        return self.number is None


@dataclass(frozen=True)
class PhotoLink:
    """A phone-upload page for a photo field: its QR url and the session id to poll."""

    id: str
    url: str


@dataclass(frozen=True)
class QrSignIn:
    """A sign-in QR shown on screen, approved on the resident's phone."""

    id: str
    url: str
    expires_at: str


class KioskBackend:
    """The kiosk's view of the core: catalog (cached), submissions (queued), identity, tracking."""

    def __init__(self, config: KioskConfig) -> None:
        self.config = config
        self.lang = config.lang
        self._client: PortalClient | None = None
        self._forwarder: PortalClient | None = None
        self.cache = CatalogCache(config.store)
        self._outbox: SubmissionQueue | None = None
        self.catalog: Catalog | None = self.cache.load()
        self.online: bool | None = None
        self.resident: Resident | None = None
        self._lock = threading.Lock()

    def _new_client(self) -> PortalClient:
        from portal_client import PortalClient  # the HTTP stack loads after the first paint

        return PortalClient(self.config.server_url, channel_token=self.config.channel_token,
                            lang=self.lang, timeout=self.config.request_timeout_s,
                            channel=CHANNEL)

    @property
    def client(self) -> PortalClient:
        """The client that carries the signed-in resident, if any."""
        if self._client is None:
            self._client = self._new_client()
        return self._client

    @property
    def forwarder(self) -> PortalClient:
        """A client that never holds a resident token (queued submissions, payments)."""
        if self._forwarder is None:
            self._forwarder = self._new_client()
        return self._forwarder

    @property
    def outbox(self) -> SubmissionQueue:
        """The durable submission queue (opened on first use, from either thread)."""
        with self._lock:
            if self._outbox is None:
                from kiosk.outbox import SubmissionQueue

                self._outbox = SubmissionQueue(self.config.store / "outbox.sqlite3",
                                               self.config.kiosk_id)
            return self._outbox

    def close(self) -> None:
        if self._outbox is not None:
            self._outbox.close()

    def set_lang(self, lang: str) -> None:
        """Answers (problem details, validation) come in this language from now on."""
        self.lang = lang
        for c in (self._client, self._forwarder):
            if c is not None:
                c.lang = lang

    def _track_online(self, fn, *args, **kwargs):
        try:
            out = fn(*args, **kwargs)
        except PortalUnavailable:
            self.online = False
            raise
        self.online = True
        return out

    # --- catalog -----------------------------------------------------------------------

    def refresh_catalog(self) -> tuple[Catalog, bool]:
        """Download the catalog if it changed (ETag); falls back to the disk cache offline."""
        try:
            catalog, changed = self._track_online(self.cache.refresh, self.client, self.catalog)
        except PortalUnavailable:
            if self.catalog is None:
                raise
            return self.catalog, False
        self.catalog = catalog
        return catalog, changed

    def service(self, service_id: str) -> Service:
        assert self.catalog is not None
        return self.catalog.services[service_id]

    def search(self, query: str, lang: str) -> list[Service]:
        """Services matching keywords/pinyin: the core's search, or the cache's while offline."""
        assert self.catalog is not None
        try:
            found = self._track_online(self.client.search, query, lang=lang, channel=CHANNEL)
        except PortalUnavailable:
            return self.catalog.local_search(query, lang)
        return [self.catalog.services[s.id] for s in found if s.id in self.catalog.services]

    def validate(self, service_id: str, fields: dict, lang: str, partial: bool) -> dict[str, str]:
        """The core's per-field messages ({} when fine); {} as well while offline."""
        try:
            return self._track_online(self.client.validate, service_id, fields, partial, lang)
        except PortalUnavailable:
            return {}

    # --- submissions -------------------------------------------------------------------

    def _send(self, row: QueuedSubmission) -> Matter:
        sub = row.submission
        assert sub is not None
        body: dict = {"service_id": row.service_id, "fields": sub.fields, "channel": CHANNEL,
                      "client_ref": row.client_ref, "lang": sub.lang}
        if sub.contact:
            body["contact"] = sub.contact
        try:
            out = self.forwarder.post("/api/v1/matters", body, lang=sub.lang, token=sub.token)
        except PortalProblem as exc:
            if exc.status == 401 and sub.token and not self.service_requires_identity(row.service_id):
                # The resident's sign-in lapsed while queued; the request itself needs none.
                out = self.forwarder.post("/api/v1/matters", body, lang=sub.lang)
            else:
                raise
        return Matter.from_json(out)

    def service_requires_identity(self, service_id: str) -> bool:
        svc = self.catalog.services.get(service_id) if self.catalog else None
        return bool(svc and svc.requires_identity)

    def submit(self, service: Service, fields: dict, lang: str,
               contact: dict | None = None) -> Receipt:
        """Queue durably, then send; a provisional receipt if the core can't be reached.

        Raises FieldErrors (core said 422), SignInRequired, or PortalProblem (other refusals);
        in those cases nothing stays queued.
        """
        from kiosk.outbox import Submission

        if service.requires_identity and self.client.token is None:
            raise SignInRequired()
        resident_id = self.resident.id if self.resident is not None else None
        row = self.outbox.add(Submission(service.id, fields, lang, contact, self.client.token,
                                         resident_id))
        try:
            matter = self._track_online(self._send, row)
        except PortalUnavailable as exc:
            self.outbox.note_attempt(row.client_ref, exc.detail)  # stays queued
            return self._provisional(service, row)
        except PortalProblem as exc:
            if exc.status >= 500:
                self.online = False
                self.outbox.note_attempt(row.client_ref, f"{exc.status} {exc.code}")
                return self._provisional(service, row)
            self.outbox.discard(row.client_ref)
            if exc.status == 422:
                raise FieldErrors(exc.field_errors, exc.detail) from exc
            if exc.status == 401:
                raise SignInRequired() from exc
            raise
        self.outbox.mark_sent(row.client_ref, matter.number)
        return self._receipt(service, matter)

    def _provisional(self, service: Service, row: QueuedSubmission) -> Receipt:
        return Receipt(service.id, service.title, None, row.local_code, None, None,
                       row.created_at, None, None, None)

    def _receipt(self, service: Service, m: Matter) -> Receipt:
        return Receipt(service.id, m.service_title or service.title, m.number, None,
                       m.state_label, m.next_step, m.created_at, m.amount_minor, m.currency,
                       self.config.tracking_link(m.number))

    def forward_pending(self) -> ForwardReport:
        """Send queued submissions, and hand those the core refused to staff as call-back
        requests (called periodically and when the server is back)."""
        from kiosk.outbox import REJECTED, ForwardReport

        queued, refused = self.outbox.count(), self.outbox.count(REJECTED)
        report = ForwardReport((), (), 0, True)
        if queued:
            report = self.outbox.forward(self._send)
        if report.reachable and (refused or report.rejected):
            referred, returned, reachable = self._refer_rejected()
            report = ForwardReport(report.sent, report.rejected, report.remaining, reachable,
                                   referred, returned)
        if queued or refused:
            self.online = report.reachable
        return report

    def _refer_rejected(self) -> tuple[tuple[str, ...], tuple[str, ...], bool]:
        """File a call-back request for staff for each refused submission, exactly once
        (its own client_ref): (referred, returned, reachable)."""
        from kiosk.outbox import REJECTED
        from kiosk.referral import call_back

        referred: list[str] = []
        returned: list[str] = []
        for row in self.outbox.pending(REJECTED):
            request = call_back(row, self.catalog, self.config)
            if request is None:
                self.outbox.mark_returned(row.client_ref, "no way to call the resident back")
                returned.append(row.client_ref)
                continue
            try:
                matter = self._file_call_back(request)
            except PortalUnavailable:
                return tuple(referred), tuple(returned), False
            except PortalProblem as exc:
                if exc.status >= 500:
                    return tuple(referred), tuple(returned), False
                if exc.status == 409:  # filed before, answer lost, then asked differently
                    self.outbox.mark_referred(row.client_ref, "")
                    referred.append(row.client_ref)
                    continue
                self.outbox.mark_returned(row.client_ref, f"call-back refused: {exc.status} "
                                                          f"{exc.code}: {exc.detail}")
                returned.append(row.client_ref)
                continue
            self.outbox.mark_referred(row.client_ref, matter.number)
            referred.append(row.client_ref)
        return tuple(referred), tuple(returned), True

    def _file_call_back(self, request: CallBack) -> Matter:
        """POST a call-back request as the resident while their sign-in lasts, else as the
        kiosk (the contact phone, or the resident's number in the text, reaches them)."""
        body: dict = {"service_id": request.service_id, "fields": request.fields,
                      "channel": CHANNEL, "client_ref": request.client_ref,
                      "lang": request.lang}
        if request.contact:
            body["contact"] = request.contact
        try:
            out = self.forwarder.post("/api/v1/matters", body, lang=request.lang,
                                      token=request.token)
        except PortalProblem as exc:
            if exc.status == 401 and request.token:
                out = self.forwarder.post("/api/v1/matters", body, lang=request.lang)
            else:
                raise
        return Matter.from_json(out)

    # --- tracking ----------------------------------------------------------------------

    def track(self, number: str, lang: str) -> Matter:
        """A matter's public status and history."""
        return self._track_online(self.client.matter, number, lang)

    def provisional(self, code: str) -> QueuedSubmission | None:
        """A provisional receipt's code looked up in this kiosk's queue."""
        return self.outbox.by_code(code)

    # --- identity ----------------------------------------------------------------------

    def sign_in_card(self, uid: str, pin: str) -> Resident:
        """Card UID + PIN; PortalProblem carries the core's message (unknown, wrong, locked)."""
        session = self._track_online(self.client.sign_in_card, uid.strip().upper(), pin)
        self.resident = Resident.from_session(session)
        return self.resident

    def start_qr(self) -> QrSignIn:
        out = self._track_online(self.client.start_qr_sign_in)
        return QrSignIn(out["id"], out["url"], out["expires_at"])

    def poll_qr(self, qr_id: str) -> Resident | None:
        session = self._track_online(self.client.poll_qr_sign_in, qr_id)
        if session is None:
            return None
        self.resident = Resident.from_session(session)
        return self.resident

    def forget_resident(self) -> str | None:
        """Drop the resident and token from memory at once (no network); returns the token."""
        self.resident = None
        if self._client is None:
            return None
        token, self._client.token = self._client.token, None
        return token

    def revoke(self, token: str | None) -> None:
        """Revoke a forgotten token at the core, unless a queued submission still needs it."""
        if not token or self.outbox.holds_token(token):
            return  # a queued submission's token lapses on its own after the core's TTL
        try:
            self.client.post("/api/v1/auth/logout", token=token)
        except PortalProblem:
            pass

    def sign_out(self) -> None:
        """Forget the resident and revoke the token."""
        self.revoke(self.forget_resident())

    # --- photos taken on a phone -------------------------------------------------------

    def start_photo_upload(self) -> PhotoLink:
        """A page the resident's phone opens (from a QR) to send a photo for a photo field."""
        out = self._track_online(self.forwarder.start_photo_upload)
        return PhotoLink(out["id"], out["url"])

    def poll_photo_upload(self, session_id: str) -> str | None:
        """'upload:<id>' once the phone has sent the photo, else None."""
        return self._track_online(self.forwarder.poll_photo_upload, session_id)

    # --- payments (portal_client.payments) ----------------------------------------------

    def bills_for_account(self, account_no: str) -> tuple[Bill, ...]:
        """Open bills of a utility account number."""
        return self._track_online(self.client.bills_for_account, account_no)

    def household_bills(self) -> tuple[Bill, ...]:
        """Open bills of the signed-in resident's household."""
        return self._track_online(self.client.household_bills)

    def pay_bill_by_card(self, bill: Bill, uid: str, pin: str, amount: str | None,
                         key: str) -> PaymentReceipt:
        """Pay (part of) a bill from a one-card; retry with the same key after a timeout."""
        return self._track_online(self.forwarder.pay_bill, bill.number, key, amount=amount,
                                  uid=uid.strip().upper(), pin=pin)

    def pay_bill_by_qr(self, bill: Bill, amount: str | None, key: str) -> PaymentIntent:
        """Start a phone payment of (part of) a bill: the intent's QR goes on screen."""
        from portal_client.payments import PaymentIntent

        out = self._track_online(self.forwarder.pay_bill, bill.number, key, amount=amount,
                                 method="wechat_pay")
        assert isinstance(out, PaymentIntent)
        return out

    def top_up_by_qr(self, uid: str, amount: str, key: str) -> PaymentIntent:
        """Start a phone payment that tops up a one-card."""
        from portal_client.payments import PaymentIntent

        out = self._track_online(self.forwarder.top_up_card, uid.strip().upper(), amount,
                                 "wechat_pay", key)
        assert isinstance(out, PaymentIntent)
        return out

    def payment_status(self, intent_id: str) -> PaymentIntent:
        return self._track_online(self.forwarder.payment_status, intent_id)

    def cancel_payment(self, intent_id: str) -> PaymentIntent:
        """Give up a phone payment (PortalProblem 409 when it was paid just before)."""
        return self._track_online(self.forwarder.cancel_payment, intent_id)

    def payment_receipt(self, number: str) -> PaymentReceipt:
        return self._track_online(self.forwarder.receipt, number)
