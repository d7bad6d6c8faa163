"""`portal ledger verify|balance`, `portal settle`, `portal reconcile`, `portal bills remind`."""

from __future__ import annotations

import argparse
import json
import sys
from datetime import date

from channel_core.config import PortalConfig


def _context():
    from channel_core.catalog.catalog import Catalog
    from channel_core.db import Database, import_all_models
    from payments.context import build

    import_all_models()  # foreign keys to identity tables resolve
    cfg = PortalConfig.from_env()
    return build(cfg, Database(cfg.database_url), Catalog.from_dir(cfg.content_dir))


def cmd_verify(args: argparse.Namespace) -> int:
    from payments.ledger import verify

    p = _context()
    with p.db.session() as s:
        rep = verify(s)
    if args.json:
        print(json.dumps(rep.as_json(), ensure_ascii=False, indent=2))
    else:
        print(f"accounts {rep.accounts}, transfers {rep.transfers}, legs {rep.entries}; "
              f"totals {rep.totals}")
        for v in rep.violations:
            print(f"VIOLATION {v}", file=sys.stderr)
        print("ledger ok" if rep.ok else f"{len(rep.violations)} violation(s)")
    p.db.dispose()
    return 0 if rep.ok else 1


def cmd_balance(args: argparse.Namespace) -> int:
    from payments.ledger import account_view

    p = _context()
    with p.db.session() as s:
        for code in args.codes:
            print(json.dumps(account_view(s, code).as_json(), ensure_ascii=False))
    p.db.dispose()
    return 0


def cmd_settle(args: argparse.Namespace) -> int:
    from payments.settlement.service import last_closed_day, settle_through

    p = _context()
    day = date.fromisoformat(args.date) if args.date else last_closed_day()
    for r in settle_through(p, day):
        state = "settled" if r.newly_settled else "already settled"
        print(f"{r.day} {state}: {len(r.statements)} statement(s)")
        for st in r.statements:
            print(f"  {st.payee_code:28} gross {st.gross:>10} refunds {st.refunds:>8} "
                  f"fees {st.fees:>7} payout {st.payout:>10} closing {st.closing:>9} {st.currency}")
    p.db.dispose()
    return 0


def cmd_reconcile(args: argparse.Namespace) -> int:
    from payments.settlement.reconcile import reconcile, run_json
    from payments.settlement.service import last_closed_day

    p = _context()
    day = date.fromisoformat(args.date) if args.date else last_closed_day()
    run = reconcile(p, day)
    with p.db.session() as s:
        out = run_json(s, s.merge(run))
    print(f"{day} {p.provider.name}: ledger {out['ledger_total_minor']} vs provider "
          f"{out['provider_total_minor']}, {out['matched']} matched, "
          f"{out['differences']} difference(s)")
    for item in out["items"]:
        print(f"  #{item['id']} {item['kind']} {item['record']} {item['provider_ref']} "
              f"ledger={item['ledger_amount_minor']} provider={item['provider_amount_minor']}")
    p.db.dispose()
    return 0 if out["differences"] == 0 else 2


def cmd_remind(args: argparse.Namespace) -> int:
    from payments.jobs import remind_bills

    p = _context()
    print(f"{remind_bills(p)} overdue bill reminder(s) queued")
    p.db.dispose()
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    """Add payments' subcommands to the `portal` command."""
    p = sub.add_parser("ledger", help="ledger tasks")
    lsub = p.add_subparsers(dest="ledger_cmd", required=True)
    c = lsub.add_parser("verify", help="re-derive every balance and check every invariant")
    c.add_argument("--json", action="store_true")
    c.set_defaults(func=cmd_verify)
    c = lsub.add_parser("balance", help="balances of accounts by code")
    c.add_argument("codes", nargs="+")
    c.set_defaults(func=cmd_balance)

    p = sub.add_parser("settle", help="settle a closed business day (Asia/Shanghai)")
    p.add_argument("--date", help="YYYY-MM-DD (default: yesterday)")
    p.set_defaults(func=cmd_settle)

    p = sub.add_parser("reconcile", help="reconcile a day of the ledger against the gateway")
    p.add_argument("--date", help="YYYY-MM-DD (default: yesterday)")
    p.set_defaults(func=cmd_reconcile)

    p = sub.add_parser("bills", help="bill tasks")
    bsub = p.add_subparsers(dest="bills_cmd", required=True)
    c = bsub.add_parser("remind", help="queue this week's overdue-bill reminders")
    c.set_defaults(func=cmd_remind)
