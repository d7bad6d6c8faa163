"""A local stand-in for api.stripe.com that speaks Stripe's wire format.

Form-encoded requests with bracketed keys (metadata[x]=y, payment_method_types[0]=card),
Bearer secret-key auth, Idempotency-Key replays (same key + same body → the same response
with `Idempotent-Replayed: true`; same key + another body → 400 idempotency_error), JSON
objects with `object` fields, list objects with cursor pagination, and Stripe's error
envelope. Events are built like Stripe's and delivered to a callback with a Stripe-Signature
header made by the stripe library's own signing helper.
"""

from __future__ import annotations

import json
import re
import secrets
import threading
import time
from collections.abc import Callable
from typing import Any
from urllib.parse import parse_qsl

import stripe
from werkzeug.serving import make_server
from werkzeug.wrappers import Request, Response

SECRET_KEY = "sk_test_portal_fake_0123456789"
CANCELABLE = ("requires_payment_method", "requires_capture", "requires_confirmation",
              "requires_action", "processing")
WEBHOOK_SECRET = "whsec_portal_fake_0123456789"


def _nest(pairs: list[tuple[str, str]]) -> dict:
    """a[b][c]=v → {"a": {"b": {"c": v}}}; a[0]=v → {"a": [v]} (Stripe's encoding)."""
    out: dict = {}
    for key, value in pairs:
        parts = re.findall(r"[^\[\]]+", key)
        node: Any = out
        for i, part in enumerate(parts):
            last = i == len(parts) - 1
            nxt_is_index = not last and parts[i + 1].isdigit()
            if isinstance(node, list):
                idx = int(part)
                while len(node) <= idx:
                    node.append({} if not last else None)
                if last:
                    node[idx] = value
                else:
                    if not isinstance(node[idx], (dict, list)):
                        node[idx] = [] if nxt_is_index else {}
                    node = node[idx]
            else:
                if last:
                    node[part] = value
                else:
                    node = node.setdefault(part, [] if nxt_is_index else {})
    return out


class FakeStripe:
    """The fake API server plus controls a test uses to play the payer and the bank."""

    def __init__(self) -> None:
        self.intents: dict[str, dict] = {}
        self.refunds: dict[str, dict] = {}
        self.idempotency: dict[str, tuple[str, int, str]] = {}
        self.requests: list[tuple[str, str, dict, dict]] = []  # method, path, params, headers
        self.refund_status = "pending"  # what a new refund reports synchronously
        self.fail_next: int = 0  # answer the next N requests with a 500
        self.lock = threading.Lock()
        self.server = make_server("127.0.0.1", 0, self.wsgi, threaded=True)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    # --- server --------------------------------------------------------------------------

    def start(self) -> FakeStripe:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.thread.join(timeout=5)

    def wsgi(self, environ, start_response):
        req = Request(environ)
        resp = self.handle(req)
        return resp(environ, start_response)

    @staticmethod
    def _json(body: dict, status: int = 200, headers: dict | None = None) -> Response:
        r = Response(json.dumps(body), status=status, mimetype="application/json")
        r.headers["Request-Id"] = "req_" + secrets.token_hex(7)
        for k, v in (headers or {}).items():
            r.headers[k] = v
        return r

    @classmethod
    def _error(cls, status: int, etype: str, message: str, code: str | None = None,
               param: str | None = None) -> Response:
        err = {"type": etype, "message": message}
        if code:
            err["code"] = code
        if param:
            err["param"] = param
        return cls._json({"error": err}, status)

    def handle(self, req: Request) -> Response:
        auth = req.headers.get("Authorization", "")
        if auth != f"Bearer {SECRET_KEY}":
            return self._error(401, "invalid_request_error", "Invalid API Key provided")
        raw = req.get_data(as_text=True)
        params = _nest(parse_qsl(raw if req.method == "POST" else req.query_string.decode(),
                                 keep_blank_values=True))
        with self.lock:
            self.requests.append((req.method, req.path, params, dict(req.headers)))
            if self.fail_next > 0:
                self.fail_next -= 1
                return self._error(500, "api_error", "Something went wrong on Stripe's end.")
            key = req.headers.get("Idempotency-Key")
            if req.method == "POST" and key:
                seen = self.idempotency.get(key)
                if seen is not None:
                    if seen[0] != f"{req.path}?{raw}":
                        return self._error(400, "idempotency_error",
                                           "Keys for idempotent requests can only be used with "
                                           "the same parameters they were first used with.")
                    return self._json(json.loads(seen[2]), seen[1], {"Idempotent-Replayed": "true"})
            resp = self.route(req.method, req.path, params)
            if req.method == "POST" and key and resp.status_code < 500:
                self.idempotency[key] = (f"{req.path}?{raw}", resp.status_code,
                                         resp.get_data(as_text=True))
            return resp

    def route(self, method: str, path: str, p: dict) -> Response:
        if method == "POST" and path == "/v1/payment_intents":
            return self._create_intent(p)
        m = re.fullmatch(r"/v1/payment_intents/(pi_\w+)/cancel", path)
        if m and method == "POST":
            return self._cancel_intent(m.group(1), p)
        m = re.fullmatch(r"/v1/payment_intents/(pi_\w+)", path)
        if m and method == "GET":
            pi = self.intents.get(m.group(1))
            return self._json(pi) if pi else self._error(404, "invalid_request_error",
                                                         "No such payment_intent", "resource_missing")
        if method == "GET" and path == "/v1/payment_intents":
            return self._list("/v1/payment_intents", list(self.intents.values()), p)
        if method == "POST" and path == "/v1/refunds":
            return self._create_refund(p)
        if method == "GET" and path == "/v1/refunds":
            return self._list("/v1/refunds", list(self.refunds.values()), p)
        return self._error(404, "invalid_request_error", f"Unrecognized request URL ({method}: {path})")

    def _create_intent(self, p: dict) -> Response:
        try:
            amount = int(p["amount"])
        except (KeyError, ValueError):
            return self._error(400, "invalid_request_error", "Missing required param: amount.",
                               "parameter_missing", "amount")
        if amount < 1:
            return self._error(400, "invalid_request_error",
                               "Amount must be at least ¥1.00 cny", "amount_too_small", "amount")
        types = p.get("payment_method_types") or ["card"]
        pid = "pi_" + secrets.token_hex(12)
        pi: dict = {
            "id": pid, "object": "payment_intent", "amount": amount, "amount_received": 0,
            "currency": p.get("currency", "cny"), "created": int(time.time()),
            "client_secret": f"{pid}_secret_{secrets.token_hex(8)}",
            "description": p.get("description"), "livemode": False,
            "metadata": p.get("metadata") or {}, "payment_method_types": types,
            "status": "requires_payment_method", "next_action": None,
            "last_payment_error": None, "latest_charge": None,
        }
        if p.get("confirm") == "true":
            method = (p.get("payment_method_data") or {}).get("type", types[0])
            pi["payment_method"] = "pm_" + secrets.token_hex(8)
            pi["status"] = "requires_action"
            if method == "wechat_pay":
                data = f"weixin://wxpay/bizpayurl?pr={secrets.token_hex(6)}"
                pi["next_action"] = {"type": "wechat_pay_display_qr_code",
                                     "wechat_pay_display_qr_code": {
                                         "data": data, "hosted_instructions_url": f"https://pay.stripe.com/wechat/{pid}",
                                         "image_data_url": "data:image/png;base64,",
                                         "image_url_png": f"https://qr.stripe.com/{pid}.png",
                                         "image_url_svg": f"https://qr.stripe.com/{pid}.svg"}}
            elif method == "alipay":
                pi["next_action"] = {"type": "alipay_handle_redirect", "alipay_handle_redirect": {
                    "native_data": None, "native_url": None, "return_url": p.get("return_url"),
                    "url": f"https://hooks.stripe.com/redirect/authenticate/src_{secrets.token_hex(8)}"}}
        self.intents[pid] = pi
        return self._json(pi)

    def _cancel_intent(self, pid: str, p: dict) -> Response:
        pi = self.intents.get(pid)
        if pi is None:
            return self._error(404, "invalid_request_error", "No such payment_intent",
                               "resource_missing")
        if pi["status"] not in CANCELABLE:
            return self._error(400, "invalid_request_error",
                               "You cannot cancel this PaymentIntent because it has a status of "
                               f"{pi['status']}. Only a PaymentIntent with one of the following "
                               f"statuses may be canceled: {', '.join(CANCELABLE)}.",
                               "payment_intent_unexpected_state")
        pi.update(status="canceled", canceled_at=int(time.time()), next_action=None,
                  cancellation_reason=p.get("cancellation_reason"))
        return self._json(pi)

    def _create_refund(self, p: dict) -> Response:
        pi = self.intents.get(p.get("payment_intent", ""))
        if pi is None:
            return self._error(400, "invalid_request_error", "No such payment_intent",
                               "resource_missing", "payment_intent")
        if pi["status"] != "succeeded":
            return self._error(400, "invalid_request_error", "This PaymentIntent has no charge to refund.",
                               "charge_not_refundable")
        amount = int(p.get("amount", pi["amount_received"]))
        done = sum(r["amount"] for r in self.refunds.values()
                   if r["payment_intent"] == pi["id"] and r["status"] != "failed")
        if amount + done > pi["amount_received"]:
            return self._error(400, "invalid_request_error",
                               "Refund amount is greater than unrefunded amount on charge",
                               "amount_too_large", "amount")
        rid = "re_" + secrets.token_hex(12)
        r = {"id": rid, "object": "refund", "amount": amount, "currency": pi["currency"],
             "payment_intent": pi["id"], "charge": pi["latest_charge"], "created": int(time.time()),
             "metadata": p.get("metadata") or {}, "reason": p.get("reason"),
             "status": self.refund_status}
        self.refunds[rid] = r
        return self._json(r)

    def _list(self, url: str, items: list[dict], p: dict) -> Response:
        created = p.get("created") or {}
        if "gte" in created:
            items = [i for i in items if i["created"] >= int(created["gte"])]
        if "lt" in created:
            items = [i for i in items if i["created"] < int(created["lt"])]
        items.sort(key=lambda i: (-i["created"], i["id"]))
        if p.get("starting_after"):
            ids = [i["id"] for i in items]
            items = items[ids.index(p["starting_after"]) + 1:] if p["starting_after"] in ids else []
        limit = int(p.get("limit", 10))
        return self._json({"object": "list", "url": url, "has_more": len(items) > limit,
                           "data": items[:limit]})

    # --- the payer and the bank ----------------------------------------------------------

    def event(self, etype: str, obj: dict, created: int | None = None) -> dict:
        """A v1 snapshot event as Stripe sends it."""
        return {"id": "evt_" + secrets.token_hex(12), "object": "event",
                "api_version": stripe.api_version, "created": created or int(time.time()),
                "data": {"object": json.loads(json.dumps(obj))}, "livemode": False,
                "pending_webhooks": 1, "request": {"id": None, "idempotency_key": None},
                "type": etype}

    def pay(self, pid: str, amount: int | None = None) -> dict:
        """The payer completes the payment (optionally with another amount: a bank error)."""
        pi = self.intents[pid]
        pi["status"], pi["next_action"] = "succeeded", None
        pi["amount_received"] = pi["amount"] if amount is None else amount
        pi["latest_charge"] = "ch_" + secrets.token_hex(12)
        return self.event("payment_intent.succeeded", pi)

    def decline(self, pid: str, code: str = "card_declined") -> dict:
        """The payment fails asynchronously (e.g. the wallet declines)."""
        pi = self.intents[pid]
        pi["status"] = "requires_payment_method"
        pi["last_payment_error"] = {"type": "card_error", "code": code,
                                    "message": "Your card was declined."}
        return self.event("payment_intent.payment_failed", pi)

    def settle_refund(self, rid: str, succeeded: bool = True) -> dict:
        r = self.refunds[rid]
        r["status"] = "succeeded" if succeeded else "failed"
        if not succeeded:
            r["failure_reason"] = "expired_or_canceled_card"
        return self.event("refund.updated" if succeeded else "refund.failed", r)

    @staticmethod
    def signed(event: dict, secret: str = WEBHOOK_SECRET,
               timestamp: int | None = None) -> tuple[bytes, dict[str, str]]:
        """The body and headers of a webhook delivery, signed with stripe's own helper."""
        payload = json.dumps(event)
        header = stripe.WebhookSignature.generate_signature_header(payload, secret,
                                                                   timestamp=timestamp)
        return payload.encode(), {"Stripe-Signature": header, "Content-Type": "application/json"}


def deliver(post: Callable[..., Any], event: dict, **kw: Any) -> Any:
    """POST a signed event to the portal's webhook with `post(path, data=, headers=)`."""
    body, headers = FakeStripe.signed(event, **kw)
    return post("/api/v1/webhooks/stripe", data=body, headers=headers)
