"""`portal ledger verify / settle / reconcile / bills remind`, and the client over real HTTP."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import timedelta

from sqlalchemy import text

from channel_core.config import ROOT
from channel_core.db import Database
from payments.settlement.service import business_day, utcnow
from portal_client import PortalClient
from portal_client.payments import new_key
from tests.conftest import make_config
from tests.payments.conftest import CARDS, OPENING


def _portal(*args, url):
    env = dict(os.environ, PORTAL_DATABASE_URL=url, PORTAL_JOBS="off")
    return subprocess.run([sys.executable, "-m", "portal.cli", *args], env=env, cwd=ROOT,
                          capture_output=True, text=True, timeout=300)


def test_ledger_verify_settle_reconcile_commands(tmp_path):
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    db = Database(url)
    db.create_all()
    from portal.seed import seed

    seed(make_config(url))
    ok = _portal("ledger", "verify", url=url)
    assert ok.returncode == 0 and "ledger ok" in ok.stdout, ok.stderr
    bal = _portal("ledger", "balance", "wallet:A1B2C3D4", url=url)
    assert f'"balance_minor": {OPENING}' in bal.stdout
    yesterday = (business_day(utcnow()) - timedelta(days=1)).isoformat()
    settled = _portal("settle", "--date", yesterday, url=url)
    assert settled.returncode == 0 and f"{yesterday} settled" in settled.stdout, settled.stderr
    assert "already settled" in _portal("settle", "--date", yesterday, url=url).stdout
    rec = _portal("reconcile", "--date", yesterday, url=url)
    assert rec.returncode == 0 and "0 difference(s)" in rec.stdout, rec.stderr
    remind = _portal("bills", "remind", url=url)
    assert remind.returncode == 0 and "6 overdue bill reminder(s)" in remind.stdout
    with db.session() as s:  # someone edits a balance by hand
        s.execute(text("UPDATE ledger_accounts SET credits_posted = credits_posted + 100 "
                       "WHERE code = 'wallet:A1B2C3D4'"))
    bad = _portal("ledger", "verify", url=url)
    assert bad.returncode == 1 and "VIOLATION totals: wallet:A1B2C3D4" in bad.stderr
    db.dispose()


def test_client_over_http(live_server):
    c = PortalClient(live_server.url, channel_token="hotline-test-token", lang="zh_TW",
                     channel="hotline")
    bills = c.bills_for_account("8805010302")
    assert bills[0].kind_label == "管理費" and bills[0].overdue
    r = c.pay_bill(bills[0].number, new_key(), uid="C3D4E5F6", pin=CARDS["C3D4E5F6"],
                   amount="100.00")
    assert r.title == "繳費收據" and r.amount_text.endswith("100.00")
    assert c.receipt_qr(r.number, "svg").lstrip().startswith(b"<?xml")
    assert c.card_balance("C3D4E5F6", CARDS["C3D4E5F6"]).balance_minor == OPENING - 10000
    qr = c.merchant_qr("merchant:canteen", "15.00")
    decoded = c.decode_qr(qr.payload)
    assert decoded["amount"] == "15.00" and decoded["name_alt"] and qr.dynamic
