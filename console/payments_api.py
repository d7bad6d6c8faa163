"""The payments calls the finance pages need beyond the shared client's typed methods:
a settlement run reported per day, one reconciliation run by id, and a receipt's transfer."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import quote

from portal_client import PortalClient
from portal_client.payments import Reconciliation, SettlementStatement


@dataclass(frozen=True)
class SettledDay:
    """One business day of a settlement run; `newly_settled` is False when it ran before."""

    date: str
    newly_settled: bool
    statements: tuple[SettlementStatement, ...]


@dataclass(frozen=True)
class RefundableReceipt:
    """A receipt and the ledger transfer a refund is made against."""

    number: str
    title: str
    amount_minor: int
    currency: str
    payee_name: str
    matter_number: str | None
    transfer_id: int
    created_at: str


def settle(client: PortalClient, day: str) -> list[SettledDay]:
    """Settle a closed business day (and any unsettled day before it)."""
    out = client.post("/api/v1/settlement/runs", {"date": day})
    return [SettledDay(date=d["date"], newly_settled=bool(d["newly_settled"]),
                       statements=tuple(SettlementStatement.from_json(s) for s in d["statements"]))
            for d in out["days"]]


def reconciliation(client: PortalClient, run_id: int) -> Reconciliation:
    return Reconciliation.from_json(client.get(f"/api/v1/settlement/reconciliations/{run_id}"))


def receipt(client: PortalClient, number: str) -> RefundableReceipt:
    d = client.get(f"/api/v1/receipts/{quote(number, safe='')}")
    return RefundableReceipt(number=d["number"], title=d.get("title", ""),
                             amount_minor=int(d["amount_minor"]), currency=d["currency"],
                             payee_name=d.get("payee_name") or "",
                             matter_number=d.get("matter_number"),
                             transfer_id=int(d["transfer_id"]), created_at=d["created_at"])
