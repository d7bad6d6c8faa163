"""Who money is paid to: billers and merchants from content/bills/payees.yaml, with fees."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import yaml

from channel_core.catalog.schema import BILL_KINDS
from payments.ledger.accounts import merchant_code, utility_code
from portal_client.i18n import gettext, pick


@dataclass(frozen=True)
class Payee:
    code: str          # ledger account code
    kind: str          # utility|merchant
    name: dict         # {zh_CN, zh_TW, en}
    fee_bps: int
    mcc: str


@dataclass(frozen=True)
class ServiceRoute:
    """How a payment-workflow service without a bill is paid."""

    topup_field: str | None = None
    biller: str | None = None
    account_field: str | None = None


@dataclass(frozen=True)
class PayeeBook:
    billers: dict[str, Payee]
    merchants: dict[str, dict]
    routes: dict[str, ServiceRoute] = field(default_factory=dict)

    def biller(self, kind: str) -> Payee:
        return self.billers[kind]

    def merchant(self, department: str, name: dict | None = None) -> Payee:
        spec = self.merchants.get(department) or self.merchants.get("default") or {}
        return Payee(merchant_code(department), "merchant", name or {"en": department},
                     int(spec.get("fee_bps", 0)), str(spec.get("mcc", "5999")))

    def by_code(self, code: str, departments: dict | None = None) -> Payee | None:
        """The payee for a ledger account code, if it is one."""
        kind, _, ref = code.partition(":")
        if kind == "utility" and ref in self.billers:
            return self.billers[ref]
        if kind == "merchant":
            dep = (departments or {}).get(ref)
            return self.merchant(ref, dep.name.model_dump() if dep is not None else None)
        return None


@lru_cache(maxsize=8)
def load(content_dir: Path) -> PayeeBook:
    """Read payees.yaml (cached per content directory)."""
    data = yaml.safe_load((Path(content_dir) / "bills" / "payees.yaml").read_text("utf-8"))
    billers = {}
    for kind, spec in data["billers"].items():
        if kind not in BILL_KINDS:
            raise ValueError(f"payees.yaml: unknown bill kind {kind!r}")
        billers[kind] = Payee(utility_code(kind), "utility", spec["name"],
                              int(spec.get("fee_bps", 0)), str(spec.get("mcc", "4900")))
    routes = {sid: ServiceRoute(topup_field=r.get("topup"), biller=r.get("biller"),
                                account_field=r.get("account_field"))
              for sid, r in (data.get("services") or {}).items()}
    return PayeeBook(billers, dict(data.get("merchants") or {}), routes)


def payee_name(payee: Payee | None, code: str, lang: str) -> str:
    """A payee's name in a language (the account code if unknown)."""
    if payee is None:
        return gettext("payments", f"account.{code.split(':')[0]}", lang)
    return pick(payee.name, lang)
