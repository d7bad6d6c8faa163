"""Payments calls of the client (cards, bills, QR, gateway, settlement); owned by payments.

Amounts go to the server as decimal strings ("12.30") or integer minor units and come back
as integer minor units plus currency, with a ready-formatted text in the client's language.
Every call that moves money takes an idempotency key: pass the same key when retrying after
a timeout and the server returns the first result instead of paying twice. `new_key()`
makes one.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

Amount = str | int  # "12.30" or minor units (1230)


def new_key() -> str:
    """A fresh idempotency key for one payment attempt (keep it for retries)."""
    return uuid.uuid4().hex


def _amount(amount: Amount | None, currency: str) -> dict:
    if amount is None:
        return {"currency": currency}
    if isinstance(amount, bool) or not isinstance(amount, (str, int)):
        raise TypeError("amount must be a decimal string like '12.30' or int minor units")
    if isinstance(amount, int):
        return {"amount_minor": amount, "currency": currency}
    return {"amount": amount, "currency": currency}


@dataclass(frozen=True)
class StatementLine:
    transfer_id: int
    kind: str               # topup | card_payment | bill_payment | refund | ... (statement.kind.*)
    amount_minor: int       # + money in, - money out
    currency: str
    pending: bool           # a hold not yet charged
    at: str
    memo: str | None
    balance_after_minor: int | None

    @classmethod
    def from_json(cls, d: dict) -> StatementLine:
        return cls(d["transfer_id"], d["kind"], d["amount_minor"], d["currency"],
                   d.get("pending", False), d["at"], d.get("memo"), d.get("balance_after_minor"))


@dataclass(frozen=True)
class CardBalance:
    """A one-card's status and money: `available` excludes amounts held for orders."""

    uid: str
    status: str             # active | frozen | cancelled (card.status.*)
    balance_minor: int
    available_minor: int
    held_minor: int
    currency: str
    locked_until: str | None = None
    recent: tuple[StatementLine, ...] = ()

    @classmethod
    def from_json(cls, d: dict) -> CardBalance:
        return cls(d["uid"], d["status"], d["balance_minor"], d["available_minor"],
                   d.get("held_minor", 0), d["currency"], d.get("locked_until"),
                   tuple(StatementLine.from_json(x) for x in d.get("statement") or ()))


@dataclass(frozen=True)
class Receipt:
    """Proof of a payment; `url` (and the QR images) let the resident look it up later."""

    number: str
    kind: str
    title: str
    amount_minor: int
    currency: str
    amount_text: str
    payer: str | None
    payee_name: str
    created_at: str
    url: str
    qr_png_url: str
    qr_svg_url: str
    matter_number: str | None = None
    lines: dict = field(default_factory=dict)
    replayed: bool = False
    transfer_id: int | None = None  # what staff refund

    @classmethod
    def from_json(cls, d: dict) -> Receipt:
        return cls(d["number"], d["kind"], d["title"], d["amount_minor"], d["currency"],
                   d["amount_text"], d.get("payer"), d.get("payee_name", ""), d["created_at"],
                   d["url"], d["qr_png_url"], d["qr_svg_url"], d.get("matter_number"),
                   d.get("lines") or {}, d.get("replayed", False), d.get("transfer_id"))


@dataclass(frozen=True)
class Bill:
    number: str
    kind: str               # water | electricity | gas | heating | property | cable_tv | phone |
                            # fine | orders (community orders added to the household's bill)
    kind_label: str
    biller: str
    account_no: str
    period: str
    amount_minor: int
    paid_minor: int
    outstanding_minor: int
    outstanding_text: str
    currency: str
    due_date: str
    status: str             # open | partial | paid | cancelled (an order not delivered)
    overdue: bool
    usage: str | None = None  # what was used ("18 m³"); for orders, the order's matter number
    credit_minor: int = 0   # paid on an order later cancelled: finance refunds it

    @classmethod
    def from_json(cls, d: dict) -> Bill:
        return cls(d["number"], d["kind"], d["kind_label"], d.get("biller", ""), d["account_no"],
                   d["period"], d["amount_minor"], d["paid_minor"], d["outstanding_minor"],
                   d["outstanding_text"], d["currency"], d["due_date"], d["status"],
                   d["overdue"], d.get("usage"), d.get("credit_minor", 0))


@dataclass(frozen=True)
class BilledOrder:
    """An order added to its household's bill: nothing paid now, `bill` is paid later."""

    bill: Bill
    matter_number: str
    replayed: bool = False  # it was on the bill already (a retry)

    @classmethod
    def from_json(cls, d: dict) -> BilledOrder:
        return cls(Bill.from_json(d["bill"]), d["matter_number"], d.get("replayed", False))


@dataclass(frozen=True)
class PaymentIntent:
    """A gateway payment in progress: show `qr_payload` as a QR (or open `pay_url`), then poll
    `payment_status` until `status` is succeeded, failed or canceled."""

    id: str
    status: str             # creating | requires_payment | processing | succeeded | failed | canceled | review
    method: str
    purpose: str
    amount_minor: int
    currency: str
    amount_text: str
    qr_payload: str | None
    pay_url: str | None
    matter_number: str | None = None
    failure_code: str | None = None
    receipt_number: str | None = None

    @property
    def done(self) -> bool:
        return self.status in ("succeeded", "failed", "canceled")

    @classmethod
    def from_json(cls, d: dict) -> PaymentIntent:
        return cls(d["id"], d["status"], d["method"], d["purpose"], d["amount_minor"],
                   d["currency"], d["amount_text"], d.get("qr_payload"), d.get("pay_url"),
                   d.get("matter_number"), d.get("failure_code"), d.get("receipt_number"))


@dataclass(frozen=True)
class PresentedCode:
    """A one-card payment code to show on screen: valid `ttl_s` seconds, usable once."""

    code: str
    expires_at: str
    ttl_s: int
    qr_svg: str

    @classmethod
    def from_json(cls, d: dict) -> PresentedCode:
        return cls(d["code"], d["expires_at"], d["ttl_s"], d["qr_svg"])


@dataclass(frozen=True)
class MerchantQr:
    payload: str
    dynamic: bool
    payee: str
    amount_minor: int | None
    currency: str

    @classmethod
    def from_json(cls, d: dict) -> MerchantQr:
        return cls(d["payload"], d["dynamic"], d["payee"], d.get("amount_minor"), d["currency"])


@dataclass(frozen=True)
class Refund:
    id: int
    original_transfer_id: int
    amount_minor: int
    currency: str
    reason: str
    status: str             # pending | succeeded | failed
    route: str              # wallet | gateway

    @classmethod
    def from_json(cls, d: dict) -> Refund:
        return cls(d["id"], d["original_transfer_id"], d["amount_minor"], d["currency"],
                   d["reason"], d["status"], d["route"])


@dataclass(frozen=True)
class SettlementStatement:
    id: int
    business_date: str
    payee_code: str
    payee_name: str
    currency: str
    opening_minor: int
    gross_minor: int
    refunds_minor: int
    fees_minor: int
    net_minor: int
    payout_minor: int
    closing_minor: int
    lines: tuple[dict, ...] = ()

    @classmethod
    def from_json(cls, d: dict) -> SettlementStatement:
        return cls(d["id"], d["business_date"], d["payee_code"], d["payee_name"], d["currency"],
                   d["opening_minor"], d["gross_minor"], d["refunds_minor"], d["fees_minor"],
                   d["net_minor"], d["payout_minor"], d["closing_minor"], tuple(d.get("lines") or ()))


@dataclass(frozen=True)
class Reconciliation:
    id: int
    business_date: str
    provider: str
    ledger_total_minor: int
    provider_total_minor: int
    matched: int
    differences: int
    balanced: bool
    items: tuple[dict, ...] = ()

    @classmethod
    def from_json(cls, d: dict) -> Reconciliation:
        return cls(d["id"], d["business_date"], d["provider"], d["ledger_total_minor"],
                   d["provider_total_minor"], d["matched"], d["differences"], d["balanced"],
                   tuple(d.get("items") or ()))


@dataclass(frozen=True)
class SettledDay:
    """One business day of a settlement run; `newly_settled` is False when it ran before."""

    date: str
    newly_settled: bool
    statements: tuple[SettlementStatement, ...]

    @classmethod
    def from_json(cls, d: dict) -> SettledDay:
        return cls(d["date"], bool(d["newly_settled"]),
                   tuple(SettlementStatement.from_json(x) for x in d["statements"]))


class PaymentsMixin:
    """Mixed into PortalClient; methods call /api/v1 payments endpoints via self.request."""

    request: Callable[..., Any]  # provided by PortalClient

    def _post(self, path: str, body: dict, **kw: Any) -> Any:
        return self.request("POST", path, json=body, **kw)

    # --- one-card ----------------------------------------------------------------------

    def card_balance(self, uid: str, pin: str | None = None) -> CardBalance:
        """Balance of a card: by card + PIN (any channel, e.g. the hotline) or, without a
        PIN, for the signed-in owner or staff. With a PIN the 5 latest lines come too."""
        if pin is not None:
            return CardBalance.from_json(self._post(f"/api/v1/cards/{uid}/inquiry", {"pin": pin}))
        return CardBalance.from_json(self.request("GET", f"/api/v1/cards/{uid}"))

    def card_statement(self, uid: str, since: str | None = None, until: str | None = None,
                       limit: int = 50) -> tuple[StatementLine, ...]:
        """The signed-in owner's (or staff's) view of a card's statement, newest first."""
        params: dict = {"limit": limit}
        if since:
            params["from"] = since
        if until:
            params["to"] = until
        out = self.request("GET", f"/api/v1/cards/{uid}/statement", params=params)
        return tuple(StatementLine.from_json(x) for x in out["items"])

    def top_up_card(self, uid: str, amount: Amount, method: str, key: str,
                    currency: str = "CNY") -> Receipt | PaymentIntent:
        """Top up: method "counter" (finance staff, cash) returns a Receipt; "wechat_pay",
        "alipay" or "card" return a PaymentIntent whose QR the payer scans."""
        out = self._post(f"/api/v1/cards/{uid}/topups",
                         {"method": method, "idempotency_key": key, **_amount(amount, currency)})
        return Receipt.from_json(out) if method == "counter" else PaymentIntent.from_json(out)

    def pay_by_card(self, uid: str, pin: str, payee: str, amount: Amount, key: str, *,
                    currency: str = "CNY", memo: str | None = None,
                    matter_number: str | None = None) -> Receipt:
        """Pay a merchant or biller (ledger account code, e.g. "merchant:canteen") by card+PIN."""
        body: dict = {"pin": pin, "payee": payee, "idempotency_key": key,
                      **_amount(amount, currency)}
        if memo:
            body["memo"] = memo
        if matter_number:
            body["matter_number"] = matter_number
        return Receipt.from_json(self._post(f"/api/v1/cards/{uid}/payments", body))

    def freeze_card(self, uid: str) -> CardBalance:
        """Report a card lost: it is frozen at once, its balance kept."""
        return CardBalance.from_json(self._post(f"/api/v1/cards/{uid}/freeze", {}))

    def unfreeze_card(self, uid: str) -> CardBalance:
        return CardBalance.from_json(self._post(f"/api/v1/cards/{uid}/unfreeze", {}))

    def change_card_pin(self, uid: str, old_pin: str, new_pin: str) -> None:
        self._post(f"/api/v1/cards/{uid}/pin", {"old_pin": old_pin, "new_pin": new_pin})

    def presented_code(self, uid: str) -> PresentedCode:
        """Signed-in resident: a one-card payment code to show to a kiosk or merchant."""
        return PresentedCode.from_json(self._post(f"/api/v1/cards/{uid}/presented-codes", {}))

    def charge_presented_code(self, code: str, amount: Amount, key: str, *,
                              payee: str | None = None, currency: str = "CNY",
                              memo: str | None = None) -> Receipt:
        """Merchant or kiosk: charge a scanned one-card code (merchants need no payee)."""
        body: dict = {"code": code, "idempotency_key": key, **_amount(amount, currency)}
        if payee:
            body["payee"] = payee
        if memo:
            body["memo"] = memo
        return Receipt.from_json(self._post("/api/v1/qr/charges", body))

    def pay_merchant_code(self, payload: str, key: str, *, amount: Amount | None = None,
                          currency: str = "CNY", card_uid: str | None = None,
                          pin: str | None = None, memo: str | None = None) -> Receipt:
        """Pay a scanned merchant-presented EMVCo code from a one-card wallet.

        Signed in as a resident (their card, or `card_uid`), or by `card_uid` + `pin`. A static
        code needs the `amount`; a dynamic code carries its own (an `amount` given must match).
        """
        body: dict = {"payload": payload, "idempotency_key": key, **_amount(amount, currency)}
        for name, value in (("card_uid", card_uid), ("pin", pin), ("memo", memo)):
            if value is not None:
                body[name] = value
        return Receipt.from_json(self._post("/api/v1/qr/merchant-payments", body))

    # --- bills -------------------------------------------------------------------------

    def bills_for_account(self, account_no: str, kind: str | None = None,
                          include_paid: bool = False) -> tuple[Bill, ...]:
        """Bills of a utility account number, oldest due first."""
        params: dict = {"account_no": account_no}
        if kind:
            params["kind"] = kind
        if include_paid:
            params["all"] = "1"
        out = self.request("GET", "/api/v1/bills", params=params)
        return tuple(Bill.from_json(x) for x in out["items"])

    def household_bills(self, household_id: int | None = None,
                        include_paid: bool = False) -> tuple[Bill, ...]:
        """The signed-in resident's household bills (staff pass household_id)."""
        params: dict = {}
        if household_id is not None:
            params["household_id"] = household_id
        if include_paid:
            params["all"] = "1"
        out = self.request("GET", "/api/v1/bills/household", params=params)
        return tuple(Bill.from_json(x) for x in out["items"])

    def bill(self, number: str) -> Bill:
        return Bill.from_json(self.request("GET", f"/api/v1/bills/{number}"))

    def pay_bill(self, number: str, key: str, *, amount: Amount | None = None,
                 uid: str | None = None, pin: str | None = None,
                 code: str | None = None, method: str | None = None,
                 currency: str = "CNY",
                 matter_number: str | None = None) -> Receipt | PaymentIntent:
        """Pay a bill in full (amount None) or in part: with uid+pin (one-card), a presented
        code, or method "wechat_pay" / "alipay" / "card" (returns a PaymentIntent)."""
        if method is None:
            method = "one_card" if uid else "presented_code" if code else "wechat_pay"
        body: dict = {"method": method, "idempotency_key": key, **_amount(amount, currency)}
        for k, v in (("uid", uid), ("pin", pin), ("code", code), ("matter_number", matter_number)):
            if v:
                body[k] = v
        out = self._post(f"/api/v1/bills/{number}/payments", body)
        return PaymentIntent.from_json(out) if "qr_payload" in out else Receipt.from_json(out)

    # --- gateway payments, matters, receipts -------------------------------------------

    def create_payment(self, purpose: str, target: str, method: str, key: str, *,
                       amount: Amount | None = None, currency: str = "CNY") -> PaymentIntent:
        """A QR / pay-link payment for a "topup" (card uid), "bill" (bill number, amount
        optional) or "matter" (matter number; amount from the matter)."""
        body: dict = {"purpose": purpose, "target": target, "method": method,
                      "idempotency_key": key, **_amount(amount, currency)}
        return PaymentIntent.from_json(self._post("/api/v1/payments/intents", body))

    def payment_status(self, intent_id: str) -> PaymentIntent:
        """Poll a payment intent (every 2-3 s while a QR is on screen)."""
        return PaymentIntent.from_json(self.request("GET", f"/api/v1/payments/intents/{intent_id}"))

    def cancel_payment(self, intent_id: str) -> PaymentIntent:
        """Give up a QR payment not yet made (it timed out, the payer walked away); asking
        again answers the same. Once it is paid this raises PortalProblem 409
        (code "payment.intent_closed"): `payment_status` then has the receipt. Money a
        gateway still collects for a cancelled payment is refunded to the payer."""
        return PaymentIntent.from_json(
            self._post(f"/api/v1/payments/intents/{intent_id}/cancel", {}))

    def send_payment_link(self, intent_id: str, address: str, text: str) -> bool:
        """Channel: text the payer the pay link of a payment this channel started ({url} in
        `text` becomes the link); once per payment (False: already sent)."""
        out = self._post(f"/api/v1/payments/intents/{intent_id}/notices",
                         {"address": address, "text": text})
        return bool(out["queued"])

    def payment_qr_url(self, intent_id: str, fmt: str = "png") -> str:
        return f"{getattr(self, 'base_url', '')}/api/v1/payments/intents/{intent_id}/qr.{fmt}"

    def pay_matter(self, number: str, key: str, *, uid: str | None = None,
                   pin: str | None = None, code: str | None = None,
                   method: str | None = None) -> Receipt | PaymentIntent | BilledOrder:
        """Pay what a matter costs (an order is held until delivered); method
        "household_bill" puts an order on the household's bill instead."""
        if method == "household_bill":
            return self.add_to_household_bill(number, key)
        if method is None:
            method = "one_card" if uid else "presented_code" if code else "wechat_pay"
        body: dict = {"method": method, "idempotency_key": key}
        for k, v in (("uid", uid), ("pin", pin), ("code", code)):
            if v:
                body[k] = v
        out = self._post(f"/api/v1/payments/matters/{number}", body)
        return PaymentIntent.from_json(out) if "qr_payload" in out else Receipt.from_json(out)

    def add_to_household_bill(self, number: str, key: str) -> BilledOrder:
        """Signed-in household: put its own unpaid order on the household's bill (no money
        moves now; the bill is paid later like any bill). Asking again returns the same bill;
        an order already paid another way is refused (409)."""
        out = self._post(f"/api/v1/payments/matters/{number}",
                         {"method": "household_bill", "idempotency_key": key})
        return BilledOrder.from_json(out)

    def receipt(self, number: str) -> Receipt:
        return Receipt.from_json(self.request("GET", f"/api/v1/receipts/{number}"))

    def receipt_qr(self, number: str, fmt: str = "png") -> bytes:
        """The QR image that links to a receipt (print it on a kiosk slip)."""
        return self.request("GET", f"/api/v1/receipts/{number}/qr.{fmt}")

    def merchant_qr(self, payee: str, amount: Amount | None = None,
                    currency: str = "CNY") -> MerchantQr:
        """An EMVCo merchant-presented QR payload for a payee (dynamic with an amount)."""
        params: dict = {"format": "json"}
        if amount is not None:
            params["amount"] = amount if isinstance(amount, str) else f"{amount / 100:.2f}"
            params["currency"] = currency
        return MerchantQr.from_json(self.request("GET", f"/api/v1/qr/merchants/{payee}",
                                                 params=params))

    def decode_qr(self, payload: str) -> dict:
        return self._post("/api/v1/qr/decode", {"payload": payload})

    # --- staff: refunds, settlement, reconciliation --------------------------------------

    def refund(self, transfer_id: int, reason: str, key: str, *,
               amount: Amount | None = None, currency: str = "CNY") -> Refund:
        """Refund (part of) a payment transfer; never more than the payment."""
        body: dict = {"transfer_id": transfer_id, "reason": reason, "idempotency_key": key,
                      **_amount(amount, currency)}
        return Refund.from_json(self._post("/api/v1/payments/refunds", body))

    def settle_day(self, day: str) -> tuple[SettlementStatement, ...]:
        """Finance: settle a closed day (YYYY-MM-DD); returns that day's statements."""
        out = self._post("/api/v1/settlement/runs", {"date": day})
        last = out["days"][-1]
        return tuple(SettlementStatement.from_json(x) for x in last["statements"])

    def settle_days(self, day: str) -> tuple[SettledDay, ...]:
        """Finance: settle a closed day and any unsettled day before it, each reported."""
        out = self._post("/api/v1/settlement/runs", {"date": day})
        return tuple(SettledDay.from_json(d) for d in out["days"])

    def statements(self, day: str) -> tuple[SettlementStatement, ...]:
        out = self.request("GET", "/api/v1/settlement/statements", params={"date": day})
        return tuple(SettlementStatement.from_json(x) for x in out["items"])

    def statement_document(self, statement_id: int, fmt: str = "pdf") -> bytes:
        """A statement as "pdf" or "csv" bytes."""
        return self.request("GET", f"/api/v1/settlement/statements/{statement_id}.{fmt}")

    def reconcile(self, day: str) -> Reconciliation:
        return Reconciliation.from_json(self._post("/api/v1/settlement/reconciliations",
                                                   {"date": day}))

    def reconciliation(self, run_id: int) -> Reconciliation:
        """Finance: an earlier reconciliation run and its differences."""
        return Reconciliation.from_json(
            self.request("GET", f"/api/v1/settlement/reconciliations/{run_id}"))

    def resolve_difference(self, item_id: int, note: str) -> dict:
        return self._post(f"/api/v1/settlement/reconciliations/items/{item_id}/resolve",
                          {"note": note})

    def ledger_verify(self) -> dict:
        return self.request("GET", "/api/v1/ledger/verify")
