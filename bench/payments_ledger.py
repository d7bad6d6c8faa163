"""Ledger transfers per second on PostgreSQL beside `pgbench -b tpcb-like`, in the same run.

Both get the same number of clients on the same server, alternating rounds so background
load hits both alike (each round starts with a different one of the three runs). pgbench runs
its TPC-B-like transaction (three updates, a select, an insert); the ledger runs two-leg
wallet transfers between random accounts, each in its own transaction.

Every pgbench transaction updates one of `scale` branch rows, so its rate depends on how
often two clients want the same row; the comparison is made twice, with row contention
matched each time (each line prints the chance that a transaction meets another client on
one of its hot rows):

- hot: pgbench at scale = clients (one branch row per client) beside the ledger moving money
  between as many hot accounts as pgbench has branches (the ledger then collides more: each
  transfer locks two of those rows where pgbench locks one: a stress reading, printed but
  not judged);
- matched: the same pgbench, beside the ledger on the fewest hot accounts whose collision
  chance is no higher than pgbench's;
- spread: pgbench at a scale where branch collisions are rare (`--spread-scale`) beside the
  ledger spread over `--accounts` wallets.

The ledger goes through both entry points:

- standalone: `payments.ledger.transfer(db, req)` — the transfer is the transaction (one
  autocommitted statement that locks, checks and writes);
- in a session: `create_transfer(session, req)` inside `db.session()`, as API requests do
  when they write a receipt or a bill in the same transaction.

Each client process opens the engine as the server does (its pool's liveness check included).
Prints each rate with the load average of its round, and each median's ratio to pgbench
(target: at least 0.5x for both entry points in the matched and spread variants); at the
end `verify` re-derives every balance.

    .venv/bin/python bench/payments_ledger.py [--clients 8] [--seconds 10] [--rounds 3]
        [--accounts 10000] [--spread-scale 100] [--variants hot,matched,spread]
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import os
import random
import re
import shutil
import statistics
import subprocess
import sys
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import sqlalchemy as sa  # noqa: E402

from channel_core.db import Database  # noqa: E402
from payments.ledger import (  # noqa: E402
    CASH_COUNTER,
    create_transfer,
    ensure_account,
    move,
    transfer,
    verify,
)
from payments.money import Money  # noqa: E402

TARGET = 0.5  # of pgbench's rate, for both entry points
ADMIN = os.environ.get("PORTAL_TEST_PG_ADMIN", "postgresql+psycopg://postgres@127.0.0.1:5432/test")


def _url(name: str) -> str:
    return ADMIN.rsplit("/", 1)[0] + f"/{name}"


def _admin(sql: str) -> None:
    eng = sa.create_engine(ADMIN, isolation_level="AUTOCOMMIT")
    with eng.connect() as conn:
        conn.exec_driver_sql(sql)
    eng.dispose()


def _pgbench() -> str:
    found = shutil.which("pgbench")
    if found:
        return found
    for cand in sorted(Path("/usr/lib/postgresql").glob("*/bin/pgbench"), reverse=True):
        return str(cand)
    raise SystemExit("pgbench not found (apt-get install postgresql-client)")


def _libpq_args(url: str) -> tuple[list[str], str]:
    u = sa.engine.make_url(url)
    args = ["-h", u.host or "127.0.0.1", "-p", str(u.port or 5432), "-U", u.username or "postgres"]
    return args, u.database or ""


def pgbench_round(url: str, clients: int, seconds: int) -> float:
    """TPS of pgbench's built-in tpcb-like script (excluding connection time)."""
    args, db = _libpq_args(url)
    out = subprocess.run([_pgbench(), *args, "-b", "tpcb-like", "-c", str(clients),
                          "-j", str(min(clients, os.cpu_count() or 1)), "-T", str(seconds), db],
                         capture_output=True, text=True, check=True)
    m = re.search(r"tps = ([\d.]+)", out.stdout)
    if not m:
        raise SystemExit(f"cannot read pgbench output:\n{out.stdout}\n{out.stderr}")
    return float(m.group(1))


def setup_ledger(url: str, accounts: int, prefix: str = "B") -> None:
    db = Database(url)
    db.create_all()
    with db.session() as s:
        ensure_account(s, CASH_COUNTER, "cash")
        for i in range(accounts):
            ensure_account(s, f"wallet:{prefix}{i:06d}", "wallet")
    with db.session() as s:
        for i in range(accounts):
            create_transfer(s, move(f"fund:{prefix}{i}", "topup", CASH_COUNTER,
                                    f"wallet:{prefix}{i:06d}", Money(10**12, "CNY")))
    db.dispose()


def pgbench_collision(clients: int, scale: int) -> float:
    """Chance a tpcb-like transaction's branch row is also wanted by one of the others."""
    return 1 - (1 - 1 / scale) ** (clients - 1)


def ledger_collision(clients: int, accounts: int) -> float:
    """Chance one of a transfer's two account rows is also one of another client's two."""
    if accounts <= 2:
        return 1.0
    free = (accounts - 2) * (accounts - 3) / (accounts * (accounts - 1))
    return 1 - free ** (clients - 1)


def matched_accounts(clients: int, scale: int) -> int:
    """The fewest ledger accounts whose collision chance is at most pgbench's at `scale`."""
    target = pgbench_collision(clients, scale)
    accounts = 3
    while ledger_collision(clients, accounts) > target:
        accounts += 1
    return accounts


def _worker(url: str, wid: int, tag: str, accounts: int, start: float, seconds: float,
            mode: str, out: mp.Queue, prefix: str = "B") -> None:
    # The engine as the server configures it (its pool's liveness check included).
    db = Database(url, pool_size=1, max_overflow=0)
    rnd = random.Random(f"{tag}:{wid}")
    while time.time() < start:
        time.sleep(0.001)
    end = start + seconds
    n = 0
    while time.time() < end:
        a, b = rnd.sample(range(accounts), 2)
        req = move(f"{tag}:{wid}:{n}", "payment", f"wallet:{prefix}{a:06d}",
                   f"wallet:{prefix}{b:06d}",
                   Money(rnd.randint(1, 1000), "CNY"))
        if mode == "standalone":
            transfer(db, req)
        else:
            with db.session() as s:
                create_transfer(s, req)
        n += 1
    db.dispose()
    out.put(n)


def ledger_round(url: str, clients: int, seconds: int, accounts: int, tag: str,
                 mode: str = "standalone", prefix: str = "B") -> float:
    """Transfers per second with `clients` processes, each one transfer per transaction."""
    q: mp.Queue = mp.Queue()
    start = time.time() + 1.0  # let every process connect first
    procs = [mp.Process(target=_worker,
                        args=(url, i, tag, accounts, start, seconds, mode, q, prefix))
             for i in range(clients)]
    for p in procs:
        p.start()
    total = sum(q.get() for _ in procs)
    for p in procs:
        p.join()
    return total / seconds


def compare(variant: str, ledger_url: str, pgb_url: str, scale: int, accounts: int,
            prefix: str, args: argparse.Namespace) -> tuple[float, float, float]:
    """Alternating rounds of pgbench and both ledger entry points; the three medians."""
    pg_rates: list[float] = []
    rates: dict[str, list[float]] = {"standalone": [], "session": []}
    order = ["pgbench", "standalone", "session"]
    for r in range(args.rounds):
        # Each round starts with the next one: WAL and checkpoint effects of whatever ran
        # just before do not always fall on the same entry.
        for name in order[r % 3:] + order[:r % 3]:
            if name == "pgbench":
                pg_rates.append(pgbench_round(pgb_url, args.clients, args.seconds))
            else:
                rates[name].append(ledger_round(ledger_url, args.clients, args.seconds, accounts,
                                                f"{variant}{r}{name[:2]}", name, prefix))
        one, five, fifteen = os.getloadavg()
        print(f"[{variant}] round {r + 1}: pgbench tpcb-like (scale {scale}) {pg_rates[-1]:7.0f} "
              f"tps | ledger ({accounts} accounts) standalone {rates['standalone'][-1]:7.0f}/s "
              f"| in a session {rates['session'][-1]:7.0f}/s | load {one:.2f} {five:.2f} "
              f"{fifteen:.2f}", flush=True)
    return (statistics.median(pg_rates), statistics.median(rates["standalone"]),
            statistics.median(rates["session"]))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--clients", type=int, default=8)
    ap.add_argument("--seconds", type=int, default=10)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--accounts", type=int, default=10_000, help="wallets in the spread variant")
    ap.add_argument("--spread-scale", type=int, default=100,
                    help="pgbench scale (branch rows) in the spread variant")
    ap.add_argument("--variants", default="hot,matched,spread",
                    help="comma-separated: hot, matched, spread")
    args = ap.parse_args(argv)
    variants = [v for v in args.variants.split(",") if v]
    suffix = uuid.uuid4().hex[:8]
    ledger_db = f"bench_ledger_{suffix}"
    # variant -> (pgbench database, pgbench scale, ledger accounts, account prefix)
    plans = {"hot": (f"bench_pgbench_hot_{suffix}", args.clients, args.clients, "H"),
             "matched": (f"bench_pgbench_hot_{suffix}", args.clients,
                         matched_accounts(args.clients, args.clients), "M"),
             "spread": (f"bench_pgbench_spread_{suffix}", args.spread_scale, args.accounts, "B")}
    plans = {v: plans[v] for v in variants}
    pgbench_dbs = {p[0]: p[1] for p in plans.values()}  # hot and matched share one
    _admin(f'CREATE DATABASE "{ledger_db}"')
    for pgb_db in pgbench_dbs:
        _admin(f'CREATE DATABASE "{pgb_db}"')
    try:
        for pgb_db, scale in pgbench_dbs.items():
            pargs, _ = _libpq_args(_url(pgb_db))
            subprocess.run([_pgbench(), *pargs, "-i", "-q", "-s", str(scale), pgb_db],
                           check=True, capture_output=True)
        for _, _, accounts, prefix in plans.values():
            setup_ledger(_url(ledger_db), accounts, prefix)
        one, five, fifteen = os.getloadavg()
        print(f"load {one:.2f} {five:.2f} {fifteen:.2f} before the first run (each round's "
              f"figure counts the benchmark's own clients too)", flush=True)
        results = {v: compare(v, _url(ledger_db), _url(p[0]), p[1], p[2], p[3], args)
                   for v, p in plans.items()}
        db = Database(_url(ledger_db))
        with db.session() as s:
            rep = verify(s)
        db.dispose()
        print(f"clients={args.clients} seconds={args.seconds} rounds={args.rounds} "
              f"cpus={os.cpu_count()}")
        missed = False
        for v, (pg, led, sess) in results.items():
            _, scale, accounts, _ = plans[v]
            print(f"[{v}] pgbench tpcb-like, scale {scale} (baseline): {pg:.0f} tps "
                  f"(hot-row collision {pgbench_collision(args.clients, scale):.0%})")
            # The target applies where contention is matched; "hot" gives the ledger far
            # more collisions than pgbench (two hot rows per transfer), a stress reading.
            judged = v != "hot"
            for label, rate in (("standalone:  ", led), ("in a session:", sess)):
                ok = rate / pg >= TARGET
                missed |= judged and not ok
                verdict = "" if ok else ("  MISSED" if judged else "  below (contention not matched)")
                print(f"[{v}] ledger transfers over {accounts} accounts, {label} {rate:.0f}/s "
                      f"ratio {rate / pg:.2f}x (target >= {TARGET:.2f}x; hot-row collision "
                      f"{ledger_collision(args.clients, accounts):.0%}){verdict}")
        print(f"ledger verify: {'ok' if rep.ok else 'FAILED'} ({rep.transfers} transfers, "
              f"{rep.entries} legs, {len(rep.violations)} violations)")
        print(f"target {'met' if not missed else 'MISSED'} where contention is matched "
              f"(matched, spread)")
        return 0 if rep.ok else 1
    finally:
        for name in (ledger_db, *pgbench_dbs):
            _admin(f"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{name}'")
            _admin(f'DROP DATABASE IF EXISTS "{name}"')


if __name__ == "__main__":
    sys.exit(main())
