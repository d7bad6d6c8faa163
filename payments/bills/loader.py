"""Load the demo bills of content/bills/bills.yaml (dates relative to the seeding day)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import yaml
from sqlalchemy import select
from sqlalchemy.orm import Session

from channel_core.catalog.schema import BILL_KINDS
from channel_core.identity.models import Household
from payments.bills.models import Bill
from payments.money import Money

PREFIX = {"water": "WA", "electricity": "EL", "gas": "GA", "heating": "HT", "property": "PF",
          "cable_tv": "TV", "phone": "PH", "fine": "FN"}
_REL = re.compile(r"^today([+-]\d+)d$")


@dataclass(frozen=True)
class DemoBill:
    kind: str
    account_no: str
    household_key: str
    period: str
    amount: Money
    due: date
    usage: str | None

    @property
    def number(self) -> str:
        """Kind prefix + period digits + last 6 of the account: unique and easy to read out."""
        digits = re.sub(r"\D", "", self.period)[-4:]
        return f"{PREFIX[self.kind]}{digits}{self.account_no[-6:]}"


def _period(spec: str, today: date) -> str:
    if spec.startswith("month-"):
        y, m = today.year, today.month - int(spec.split("-")[1])
        while m <= 0:
            y, m = y - 1, m + 12
        return f"{y}-{m:02d}"
    if spec == "quarter":
        return f"{today.year}-Q{(today.month - 1) // 3 + 1}"
    if spec == "season":
        start = today.year if today.month >= 11 else today.year - 1
        return f"{start}/{(start + 1) % 100:02d}"
    return spec


def _due(spec: str, today: date) -> date:
    m = _REL.match(spec)
    return today + timedelta(days=int(m.group(1))) if m else date.fromisoformat(spec)


def read(path: Path, today: date) -> list[DemoBill]:
    """Every demo bill, with periods and due dates resolved against `today`."""
    data = yaml.safe_load(path.read_text("utf-8"))
    accounts = {a["account_no"]: a for a in data["accounts"]}
    out = []
    for b in data["bills"]:
        acc = accounts[b["account_no"]]
        if acc["kind"] not in BILL_KINDS:
            raise ValueError(f"bills.yaml: unknown kind {acc['kind']!r}")
        out.append(DemoBill(acc["kind"], acc["account_no"], acc["household"],
                            _period(b["period"], today), Money.parse(b["amount"], "CNY"),
                            _due(b["due"], today), b.get("usage")))
    return out


def load(session: Session, content_dir: Path, people: dict, today: date) -> int:
    """Insert the demo bills that are not there yet; returns how many were added."""
    addresses = {h["key"]: h["address"] for h in people["households"]}
    added = 0
    for db_ in read(content_dir / "bills" / "bills.yaml", today):
        if session.scalar(select(Bill.id).where(Bill.number == db_.number)) is not None:
            continue
        household = session.scalar(select(Household.id).where(
            Household.address == addresses[db_.household_key]))
        session.add(Bill(number=db_.number, kind=db_.kind, account_no=db_.account_no,
                         household_id=household, period=db_.period, amount=db_.amount.minor,
                         paid=0, currency=db_.amount.currency, due_date=db_.due, usage=db_.usage))
        added += 1
    return added
