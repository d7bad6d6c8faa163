"""The Python client every channel uses to reach the core (HTTP or in-process WSGI)."""

from __future__ import annotations

import uuid
from typing import Any
from urllib.parse import quote

import requests

from portal_client.medication import Dose
from portal_client.payments import PaymentsMixin
from portal_client.types import (
    CallPickup,
    InboxItem,
    Matter,
    PortalProblem,
    PortalUnavailable,
    QueuedCall,
    Service,
    ServiceSummary,
    Session,
)

DEFAULT_TIMEOUT = 10.0


class PortalClient(PaymentsMixin):
    """One channel's connection to the portal API.

    `channel_token` identifies the channel (X-Channel-Token); `sign_in_*` methods set a
    resident or staff bearer token for the calls that follow; `sign_out` forgets it.
    """

    def __init__(self, base_url: str, channel_token: str | None = None, lang: str = "zh_CN",
                 timeout: float = DEFAULT_TIMEOUT, wsgi_app: Any = None,
                 channel: str | None = None) -> None:
        self.base_url = base_url.rstrip("/")
        self.channel_token = channel_token
        self.channel = channel
        self.lang = lang
        self.timeout = timeout
        self.token: str | None = None
        # The end user's address, passed on so the core's audit log records it (mounted
        # channels call in-process, where the socket address is always 127.0.0.1).
        self.forwarded_for: str | None = None
        self.http = requests.Session()
        if wsgi_app is not None:
            from portal_client.wsgi_adapter import WSGIAdapter

            self.http.mount(self.base_url, WSGIAdapter(wsgi_app))

    @classmethod
    def in_process(cls, app: Any, **kwargs: Any) -> PortalClient:
        """A client that calls a Flask/WSGI app in this process (mounted channels, tests)."""
        return cls("http://portal.internal", wsgi_app=app, **kwargs)

    # --- transport ---------------------------------------------------------------------

    def _headers(self, lang: str | None, token: str | None) -> dict[str, str]:
        h = {"Accept-Language": (lang or self.lang).replace("_", "-"),
             "Accept": "application/json"}
        if self.channel_token:
            h["X-Channel-Token"] = self.channel_token
        if self.channel:
            h["X-Channel"] = self.channel
        if self.forwarded_for:
            h["X-Forwarded-For"] = self.forwarded_for
        tok = token or self.token
        if tok:
            h["Authorization"] = f"Bearer {tok}"
        return h

    def request(self, method: str, path: str, *, json: Any = None, params: dict | None = None,
                lang: str | None = None, token: str | None = None,
                expect: tuple[int, ...] = (200, 201, 202)) -> Any:
        """Call the API; returns decoded JSON, raises PortalProblem / PortalUnavailable."""
        url = f"{self.base_url}{path}"
        try:
            resp = self.http.request(method, url, json=json, params=params,
                                     headers=self._headers(lang, token), timeout=self.timeout)
        except requests.RequestException as exc:
            raise PortalUnavailable(str(exc)) from exc
        if resp.status_code in expect:
            if not resp.content:
                return None
            ctype = resp.headers.get("Content-Type", "")
            return resp.json() if "json" in ctype else resp.content
        try:
            body = resp.json()
        except ValueError:
            body = {}
        if resp.status_code >= 500 and not body:
            raise PortalUnavailable(f"server error {resp.status_code}")
        raise PortalProblem(resp.status_code, body.get("code", "error"),
                            body.get("detail", resp.reason or ""), body.get("errors"), body)

    def get(self, path: str, **kw: Any) -> Any:
        return self.request("GET", path, **kw)

    def post(self, path: str, json: Any = None, **kw: Any) -> Any:
        return self.request("POST", path, json=json if json is not None else {}, **kw)

    # --- catalog -----------------------------------------------------------------------

    def catalog(self) -> dict:
        """The whole catalog (services, families, themes, notices, FAQ) with its version."""
        return self.get("/api/v1/catalog")

    def services(self, family: str | None = None, theme: str | None = None,
                 channel: str | None = None) -> list[ServiceSummary]:
        params = {k: v for k, v in (("family", family), ("theme", theme), ("channel", channel)) if v}
        return [ServiceSummary.from_json(d) for d in self.get("/api/v1/services", params=params)["items"]]

    def service(self, service_id: str) -> Service:
        return Service.from_json(self.get(f"/api/v1/services/{service_id}"))

    def search(self, q: str, lang: str | None = None, channel: str | None = None,
               limit: int = 20) -> list[ServiceSummary]:
        params: dict = {"q": q, "limit": limit}
        if channel:
            params["channel"] = channel
        return [ServiceSummary.from_json(d)
                for d in self.get("/api/v1/search", params=params, lang=lang)["items"]]

    def validate(self, service_id: str, fields: dict, partial: bool = True,
                 lang: str | None = None) -> dict[str, str]:
        """Per-field error messages ({} when everything given is valid)."""
        out = self.post(f"/api/v1/services/{service_id}/validate",
                        {"fields": fields, "partial": partial}, lang=lang)
        return out["errors"]

    def notices(self, kind: str | None = None) -> list[dict]:
        return self.get("/api/v1/notices", params={"kind": kind} if kind else None)["items"]

    def faq(self, q: str | None = None, lang: str | None = None) -> list[dict]:
        return self.get("/api/v1/faq", params={"q": q} if q else None, lang=lang)["items"]

    def workflow(self, name: str) -> dict:
        return self.get(f"/api/v1/workflows/{name}")

    # --- matters -----------------------------------------------------------------------

    def submit_matter(self, service_id: str, fields: dict, channel: str, *,
                      contact: dict | None = None, lang: str | None = None,
                      client_ref: str | None = None, notify_via: str | None = None,
                      notify_address: str | None = None,
                      resident_id: int | None = None) -> Matter:
        """Submit a service's fields; safe to retry with the same client_ref.

        Staff may pass `resident_id` to file on a caller's behalf (the agents' desk).
        """
        body: dict = {"service_id": service_id, "fields": fields, "channel": channel,
                      "client_ref": client_ref or uuid.uuid4().hex, "lang": lang or self.lang}
        if contact:
            body["contact"] = contact
        if notify_via:
            body["notify_via"] = notify_via
        if notify_address:
            body["notify_address"] = notify_address
        if resident_id is not None:
            body["resident_id"] = resident_id
        return Matter.from_json(self.post("/api/v1/matters", body, lang=lang))

    def matter(self, number: str, lang: str | None = None) -> Matter:
        return Matter.from_json(self.get(f"/api/v1/matters/{number}", lang=lang))

    def transition(self, number: str, transition: str, note: str | None = None,
                   expected_version: int | None = None, rating: int | None = None) -> Matter:
        body: dict = {"transition": transition}
        if note is not None:
            body["note"] = note
        if expected_version is not None:
            body["expected_version"] = expected_version
        if rating is not None:
            body["rating"] = rating
        return Matter.from_json(self.post(f"/api/v1/matters/{number}/transitions", body))

    def queue(self, **filters: Any) -> dict:
        """Staff: the department's matters (filters: state, service_id, channel, sla, q, page)."""
        return self.get("/api/v1/matters", params={k: v for k, v in filters.items() if v is not None})

    def add_note(self, number: str, text: str, public: bool = False) -> dict:
        return self.post(f"/api/v1/matters/{number}/notes", {"text": text, "public": public})

    def reply(self, number: str, text: str) -> dict:
        return self.post(f"/api/v1/matters/{number}/replies", {"text": text})

    def assign(self, number: str, staff_id: int | None = None, department: str | None = None,
               note: str | None = None) -> dict:
        return self.post(f"/api/v1/matters/{number}/assign",
                         {"staff_id": staff_id, "department": department, "note": note})

    # --- identity ----------------------------------------------------------------------

    def _signed_in(self, out: dict) -> Session:
        self.token = out["token"]
        return Session(out["token"], out["expires_in"], out["resident"])

    def sign_in_card(self, uid: str, pin: str) -> Session:
        return self._signed_in(self.post("/api/v1/auth/card", {"uid": uid, "pin": pin}))

    def request_otp(self, phone: str) -> None:
        self.post("/api/v1/auth/otp/request", {"phone": phone})

    def sign_in_otp(self, phone: str, code: str) -> Session:
        return self._signed_in(self.post("/api/v1/auth/otp/verify", {"phone": phone, "code": code}))

    def sign_in_wechat(self, openid: str) -> Session:
        return self._signed_in(self.post("/api/v1/auth/wechat", {"openid": openid}))

    def bind_wechat(self, openid: str, phone: str, code: str) -> Session:
        return self._signed_in(self.post("/api/v1/auth/wechat/bind",
                                         {"openid": openid, "phone": phone, "code": code}))

    def sign_in_box(self, box_id: str) -> Session:
        return self._signed_in(self.post("/api/v1/auth/stb", {"box_id": box_id}))

    def sign_in_staff(self, username: str, password: str, totp: str | None) -> dict:
        out = self.post("/api/v1/auth/staff",
                        {"username": username, "password": password, "totp": totp})
        self.token = out["token"]
        return out

    def start_qr_sign_in(self) -> dict:
        return self.post("/api/v1/auth/qr-sessions")

    def poll_qr_sign_in(self, qr_id: str) -> Session | None:
        out = self.get(f"/api/v1/auth/qr-sessions/{qr_id}")
        return self._signed_in(out) if out.get("status") == "approved" else None

    def approve_qr_sign_in(self, qr_id: str) -> None:
        self.post(f"/api/v1/auth/qr-sessions/{qr_id}/approve")

    def sign_out(self) -> None:
        """Revoke the session token (best effort) and forget it."""
        token, self.token = self.token, None
        if token:
            try:
                self.post("/api/v1/auth/logout", token=token)
            except PortalProblem:
                pass

    def me(self) -> dict:
        return self.get("/api/v1/me")

    def my_matters(self) -> list[Matter]:
        return [Matter.from_json(d) for d in self.get("/api/v1/me/matters")["items"]]

    def inbox(self, unread: bool = False) -> list[InboxItem]:
        params = {"unread": "1"} if unread else None
        return [InboxItem.from_json(d) for d in self.get("/api/v1/me/inbox", params=params)["items"]]

    def mark_read(self, msg_id: int) -> None:
        self.post(f"/api/v1/me/inbox/{msg_id}/read")

    def chat_messages(self, address: str, after: int = 0) -> list[InboxItem]:
        """Staff replies waiting for a chat/WeChat user (channel token required)."""
        out = self.get(f"/api/v1/chat/{address}/messages", params={"after": after})
        return [InboxItem.from_json(d) for d in out["items"]]

    # --- elder care ---------------------------------------------------------------------

    def check_in(self) -> dict:
        """Say "I'm OK" for today (once a day per household)."""
        return self.post("/api/v1/me/checkin")

    def check_in_status(self) -> dict:
        return self.get("/api/v1/me/checkin")

    def medication_today(self) -> list[Dose]:
        """The household's medicine doses today, in time order."""
        return [Dose.from_json(d) for d in self.get("/api/v1/me/medication/today")["items"]]

    def mark_dose_taken(self, dose_id: int) -> Dose:
        """Confirm one of today's doses taken (safe to repeat)."""
        return Dose.from_json(self.post(f"/api/v1/me/medication/doses/{dose_id}/taken"))

    def resident_by_phone(self, phone: str) -> dict:
        """Channel/staff: the resident with this phone, with open matter numbers (caller ID)."""
        return self.get(f"/api/v1/residents/by-phone/{phone}")

    def stats(self, **params: Any) -> dict:
        """Staff: the dashboard summary (from, to, department)."""
        return self.get("/api/v1/stats/summary", params=params)

    def upload_photo(self, data: bytes, filename: str = "photo.jpg") -> str:
        """Upload a photo for a `photo` field; returns the value to submit ('upload:<id>')."""
        url = f"{self.base_url}/api/v1/uploads"
        headers = self._headers(None, None)
        try:
            resp = self.http.post(url, files={"file": (filename, data)}, headers=headers,
                                  timeout=self.timeout)
        except requests.RequestException as exc:
            raise PortalUnavailable(str(exc)) from exc
        if resp.status_code != 201:
            body = resp.json() if "json" in resp.headers.get("Content-Type", "") else {}
            raise PortalProblem(resp.status_code, body.get("code", "error"),
                                body.get("detail", ""), body.get("errors"), body)
        return resp.json()["id"]

    def send_matter_notice(self, number: str, text: str, dedupe: str) -> bool:
        """Channel: text the resident about a matter this channel filed (once per dedupe)."""
        return bool(self.post(f"/api/v1/matters/{number}/notices",
                              {"text": text, "dedupe": dedupe})["queued"])

    def start_photo_upload(self, ttl_s: int | None = None, texted: bool = False) -> dict:
        """Channel: a link ({id, url, upload, expires_in}) a phone opens to send one photo for
        a photo field; `upload` is the field's value once the photo is sent (for a matter
        filed before it arrives). Links texted to a phone: `texted`, and a `ttl_s` (60 s to
        a day) longer than the 15 minutes of a QR beside a screen."""
        body = {k: v for k, v in (("ttl_s", ttl_s), ("texted", texted)) if v}
        return self.post("/api/v1/upload-sessions", body or None)

    def poll_photo_upload(self, session_id: str) -> str | None:
        """The upload id ('upload:...') once the phone has sent the photo, else None."""
        out = self.get(f"/api/v1/upload-sessions/{session_id}")
        return out["upload"] if out.get("status") == "done" else None

    # --- the agents' queue ---------------------------------------------------------------

    def report_waiting_call(self, call_ref: str, queue: str, *, lang: str | None = None,
                            caller: str | None = None, topic: str | None = None,
                            matter_numbers: tuple[str, ...] | list[str] = (),
                            position: int | None = None) -> QueuedCall:
        """Channel: a caller is waiting for an agent; repeat while they wait (safe to retry)."""
        body: dict = {"queue": queue, "lang": lang or self.lang,
                      "matter_numbers": list(matter_numbers)}
        for key, value in (("caller", caller), ("topic", topic), ("position", position)):
            if value is not None:
                body[key] = value
        return QueuedCall.from_json(self.request(
            "PUT", f"/api/v1/agent-queue/{quote(call_ref, safe='')}", json=body))

    def report_call_left(self, call_ref: str, reason: str) -> QueuedCall:
        """Channel: the caller left the queue (answered, hung_up, timeout, voicemail,
        callback, other)."""
        return QueuedCall.from_json(self.request(
            "DELETE", f"/api/v1/agent-queue/{quote(call_ref, safe='')}",
            params={"reason": reason}))

    def queued_call(self, call_ref: str) -> QueuedCall:
        """Channel or staff: one call in the agents' queue (who picked it up, if anyone)."""
        return QueuedCall.from_json(self.get(f"/api/v1/agent-queue/{quote(call_ref, safe='')}"))

    def waiting_calls(self) -> list[QueuedCall]:
        """Staff: callers waiting for an agent (or just picked up), longest waiting first."""
        return [QueuedCall.from_json(d) for d in self.get("/api/v1/agent-queue")["items"]]

    def pick_up_call(self, call_ref: str) -> CallPickup:
        """Staff: take a waiting caller (409 PortalProblem when another agent has them)."""
        out = self.post(f"/api/v1/agent-queue/{quote(call_ref, safe='')}/pickup")
        return CallPickup(QueuedCall.from_json(out["call"]), out.get("resident"))
