"""Every payments message exists in zh_CN, zh_TW and en; the API is in the OpenAPI document;
the periodic jobs are registered and settle a day only after its cut-off."""

from __future__ import annotations

import inspect
import re
from datetime import timedelta
from pathlib import Path

import pytest

from payments import errors
from payments.bills.service import KINDS
from payments.settlement import service as settlement
from portal_client import i18n

PAYMENTS = Path(errors.__file__).resolve().parent
SOURCES = {p: p.read_text("utf-8") for p in PAYMENTS.rglob("*.py")}


def _all(pattern: str) -> set[str]:
    return {m for text in SOURCES.values() for m in re.findall(pattern, text)}


@pytest.mark.parametrize("lang", i18n.LANGS)
def test_problem_codes_and_details_are_translated(lang):
    i18n.reload()
    codes = {cls.code for _, cls in inspect.getmembers(errors, inspect.isclass)
             if issubclass(cls, errors.PortalError) and cls.code.startswith("payment.")}
    assert len(codes) >= 25
    keys = {f"problem.{c}.{part}" for c in codes for part in ("title", "detail")}
    keys |= _all(r'"(problem\.payment\.[a-z_.]+)"')
    missing = sorted(k for k in keys if not i18n.has_key("core", k, lang))
    assert not missing, missing


@pytest.mark.parametrize("lang", i18n.LANGS)
def test_payments_texts_are_translated(lang):
    i18n.reload()
    used = _all(r'gettext\("payments", "([a-z_.]+)"') | _all(r'_t\("([a-z_.]+)"')
    used |= {f"bill.kind.{k}" for k in KINDS}
    kinds = _all(r'kind="([a-z_]+)"') | _all(r'move\(\s*f?"[^"]*", "([a-z_]+)"')
    kinds |= _all(r'"kind": "([a-z_]+)"')
    not_transfers = {"wallet", "merchant", "utility", "clearing", "cash", "bank", "fees",
                     "bill_overdue"}
    used |= {f"statement.kind.{k}" for k in kinds - not_transfers}
    missing = sorted(k for k in used if not i18n.has_key("payments", k, lang))
    assert not missing, missing


def test_openapi_lists_the_payments_api(sqlite_url):
    from tests.conftest import _seeded_app

    app = _seeded_app(sqlite_url, blueprints=("payments.api:init_app",))
    r = app.test_client().get("/openapi.json")
    app.extensions["portal"].db.dispose()
    assert r.status_code == 200, r.get_data(as_text=True)[:300]
    spec = r.get_json()
    paths = set(spec["paths"])
    for path in ("/api/v1/cards/{uid}/payments", "/api/v1/bills/{number}/payments",
                 "/api/v1/payments/intents", "/api/v1/webhooks/stripe",
                 "/api/v1/payments/intents/{intent_id}/cancel",
                 "/api/v1/payments/matters/{number}",
                 "/api/v1/settlement/runs", "/api/v1/settlement/reconciliations",
                 "/api/v1/ledger/verify", "/api/v1/qr/charges", "/api/v1/receipts/{number}"):
        assert path in paths, path
    assert "/pay/{intent_id}" not in paths


def test_jobs_settle_only_after_the_cut_off(app, monkeypatch):
    jobs = app.extensions["portal"].jobs
    assert {"payments.expire_holds", "payments.follow_orders", "payments.bill_reminders",
            "payments.settlement"} <= set(jobs.jobs)
    today = settlement.business_day(settlement.utcnow())
    cut = settlement.window(today)[1]
    monkeypatch.setattr(settlement, "utcnow", lambda: cut + timedelta(minutes=1))
    assert settlement.last_closed_day() == today - timedelta(days=1)
    monkeypatch.setattr(settlement, "utcnow", lambda: cut + settlement.GRACE + timedelta(seconds=1))
    assert settlement.last_closed_day() == today
    assert jobs.run("payments.settlement") == 1
    assert jobs.run("payments.settlement") == 0
    assert jobs.run("payments.expire_holds") == 0
