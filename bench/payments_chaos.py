"""8 clients, N ledger transfers on PostgreSQL, with random retries and random client kills.

Every transfer i has a fixed plan (payer, payee, amount; every tenth is a hold then a post)
and the idempotency key `chaos:i`. Each client works through its share, checkpointing its
position only now and then; it re-sends requests at random as if a response was lost, and
the supervisor SIGKILLs clients at random moments (mid-transaction included) and restarts
them from their stale checkpoint, so thousands of requests are sent more than once.

Every request also carries its intent (`memo = intent:i`), which is not unique: so the audit
does not lean on the key's unique index. Per intent it counts the transfers that moved money
(posted, or the post of a hold) and the money their legs actually moved, and compares both
with the plan: a duplicate (two postings, or twice the amount), a lost transfer (none), a
wrong amount, or money moved under no planned intent is each counted. Balances must equal
the plan's arithmetic and `verify` re-derives every balance. The baseline in the same run is
the planned set: duplicates and losses must both be zero. `--inject` plants one duplicate and
one loss first, to show the audit catches them (that run must report FAILED).

    .venv/bin/python bench/payments_chaos.py            # the issue's figure: N = 100,000
    .venv/bin/python bench/payments_chaos.py --quick    # N = 10,000
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import os
import random
import signal
import sys
import time
import uuid
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import func, select  # noqa: E402

from bench.payments_ledger import _admin, _url  # noqa: E402
from channel_core.db import Database  # noqa: E402
from payments import ledger  # noqa: E402
from payments.ledger.models import LedgerEntry, LedgerTransfer  # noqa: E402
from payments.money import Money  # noqa: E402

ACCOUNTS = 200
FUNDING = 10**10


def plan(i: int, seed: int) -> tuple[str, str, int, bool]:
    """Transfer i: payer, payee, amount, and whether it goes as a hold then a post."""
    rnd = random.Random(seed * 1_000_003 + i)
    a, b = rnd.sample(range(ACCOUNTS), 2)
    return f"wallet:C{a:04d}", f"wallet:C{b:04d}", rnd.randint(1, 10_000), i % 10 == 0


def _send(db: Database, i: int, seed: int) -> tuple[bool, bool]:
    """Apply transfer i (idempotently); returns (replayed, was_hold)."""
    payer, payee, amount, as_hold = plan(i, seed)
    money = Money(amount, "CNY")
    intent = f"intent:{i}"
    if not as_hold:
        req = ledger.move(f"chaos:{i}", "payment", payer, payee, money, memo=intent)
        if i % 2:  # half standalone (one autocommitted statement), half inside a session
            return ledger.transfer(db, req).replayed, False
        with db.session() as s:
            return ledger.create_transfer(s, req).replayed, False
    with db.session() as s:
        h = ledger.create_transfer(s, ledger.move(f"chaos:{i}", "order_hold", payer, payee, money,
                                                  hold_ttl_s=3600, memo=intent))
    with db.session() as s:
        p = ledger.post_hold(s, h.id, f"chaos:{i}:post", kind="order_post", memo=intent)
    return p.replayed and h.replayed, True


def worker(url: str, slot: int, clients: int, n: int, seed: int, workdir: str, retry_p: float) -> None:
    db = Database(url, pool_size=1, max_overflow=0, pool_pre_ping=False)
    ckpt = Path(workdir) / f"slot{slot}.ckpt"
    stats = Path(workdir) / f"slot{slot}.stats"
    rnd = random.Random(os.getpid())
    mine = list(range(slot, n, clients))
    pos = int(ckpt.read_text()) if ckpt.exists() else 0
    every = rnd.randint(20, 100)
    counts: Counter = Counter()
    while pos < len(mine):
        i = mine[pos]
        replayed, _ = _send(db, i, seed)
        counts["replayed" if replayed else "applied"] += 1
        while rnd.random() < retry_p:  # the response was "lost": send it again
            again, _ = _send(db, i, seed)
            counts["retried"] += 1
            assert again, f"retry of chaos:{i} was applied twice"
        pos += 1
        if pos % every == 0 or pos == len(mine):
            tmp = ckpt.with_suffix(".tmp")
            tmp.write_text(str(pos))
            tmp.replace(ckpt)
            with stats.open("a") as fh:
                fh.write(f"{counts['applied']} {counts['replayed']} {counts['retried']}\n")
            counts.clear()
    db.dispose()


def audit(s, n: int, seed: int) -> Counter:
    """Per intent: how many transfers moved money and how much, against the planned set."""
    T, E = LedgerTransfer, LedgerEntry
    moving = ("posted", "post")
    postings = dict(s.execute(select(T.memo, func.count()).where(
        T.memo.like("intent:%"), T.phase.in_(moving)).group_by(T.memo)).all())
    moved = dict(s.execute(
        select(T.memo, func.sum(E.amount)).join(E, E.transfer_id == T.id)
        .where(T.memo.like("intent:%"), T.phase.in_(moving), E.amount > 0, E.pending.is_(False))
        .group_by(T.memo)).all())
    out: Counter = Counter()
    for i in range(n):
        amount = plan(i, seed)[2]
        count, total = postings.pop(f"intent:{i}", 0), int(moved.get(f"intent:{i}") or 0)
        if count == 0 or total == 0:
            out["lost"] += 1
        elif count > 1 or total > amount:
            out["duplicated"] += 1
            out["duplicated_minor"] += total - amount
        elif total != amount:
            out["wrong_amount"] += 1
    # Money moved under an intent nobody planned, or with no intent at all (funding aside).
    out["unplanned"] = sum(postings.values()) + (s.scalar(select(func.count()).where(
        T.phase.in_(moving), T.memo.is_(None), ~T.key.like("fund:%"))) or 0)
    return out


def inject_faults(db: Database, seed: int) -> None:
    """Plant one duplicate (intent 0 again under a fresh key) and one loss (intent 1 never sent)."""
    payer, payee, amount, _ = plan(0, seed)
    with db.session() as s:
        ledger.create_transfer(s, ledger.move("chaos:0:again", "payment", payer, payee,
                                              Money(amount, "CNY"), memo="intent:0"))


def run(n: int, clients: int, kill_every: float, retry_p: float, seed: int,
        inject: bool = False) -> int:
    name = f"bench_chaos_{uuid.uuid4().hex[:8]}"
    _admin(f'CREATE DATABASE "{name}"')
    url = _url(name)
    workdir = Path(f"/tmp/{name}")
    workdir.mkdir()
    try:
        db = Database(url)
        db.create_all()
        with db.session() as s:
            ledger.ensure_account(s, ledger.CASH_COUNTER, "cash")
            for a in range(ACCOUNTS):
                ledger.ensure_account(s, f"wallet:C{a:04d}", "wallet")
        with db.session() as s:
            for a in range(ACCOUNTS):
                ledger.create_transfer(s, ledger.move(f"fund:{a}", "topup", ledger.CASH_COUNTER,
                                                      f"wallet:C{a:04d}", Money(FUNDING, "CNY")))
        if inject:
            inject_faults(db, seed)
            slot1 = workdir / f"slot{1 % clients}.ckpt"
            slot1.write_text("1")  # the client owning intent 1 starts past it
        ctx = mp.get_context("fork")
        args = (url, clients, n, seed, str(workdir), retry_p)

        def start(slot: int) -> mp.Process:
            p = ctx.Process(target=worker, args=(url, slot, *args[1:]), daemon=True)
            p.start()
            return p

        procs = {slot: start(slot) for slot in range(clients)}
        kills = restarts = 0
        rnd = random.Random(seed)
        t0 = time.time()
        next_kill = time.time() + rnd.uniform(0.2, 2 * kill_every)
        while True:
            for slot, p in list(procs.items()):
                if not p.is_alive():
                    if p.exitcode == 0:
                        del procs[slot]
                    elif p.exitcode == -signal.SIGKILL:
                        procs[slot] = start(slot)
                        restarts += 1
                    else:
                        raise SystemExit(f"client {slot} failed with exit code {p.exitcode}")
            if not procs:
                break
            if time.time() >= next_kill:
                slot = rnd.choice(list(procs))
                os.kill(procs[slot].pid, signal.SIGKILL)
                kills += 1
                next_kill = time.time() + rnd.uniform(0.2, 2 * kill_every)
            time.sleep(0.01)
        elapsed = time.time() - t0

        stats = Counter()
        for f in workdir.glob("*.stats"):
            for row in f.read_text().splitlines():
                a, r, t = map(int, row.split())
                stats.update(applied=a, replayed=r, retried=t)
        T = LedgerTransfer
        expected = Counter()
        with db.session() as s:
            stored = s.scalar(select(func.count()).where(T.key.like("chaos:%"),
                                                         ~T.key.like("%:post"))) or 0
            posts = s.scalar(select(func.count()).where(T.key.like("chaos:%:post")))
            found = audit(s, n, seed)
            lost, dupes, bad = found["lost"], found["duplicated"], found["wrong_amount"]
            unplanned = found["unplanned"]
            holds = 0
            for i in range(n):
                payer, payee, amount, as_hold = plan(i, seed)
                holds += as_hold
                expected[payer] -= amount
                expected[payee] += amount
            mismatched = sum(
                1 for a in range(ACCOUNTS)
                if ledger.account_view(s, f"wallet:C{a:04d}").balance
                != FUNDING + expected[f"wallet:C{a:04d}"])
            rep = ledger.verify(s)
        db.dispose()
        print(f"planned transfers (baseline): {n} ({holds} as hold+post), clients={clients}")
        print(f"stored: {stored} transfers + {posts} posts in {elapsed:.1f}s "
              f"({n / elapsed:.0f} planned transfers/s under chaos)")
        print(f"client kills: {kills} (restarts {restarts}); retries sent: {stats['retried']}; "
              f"re-sent after restarts and answered as replays: {stats['replayed']}")
        print(f"per intent (postings and money moved vs plan): lost: {lost}  duplicated: {dupes} "
              f"({found['duplicated_minor']} minor units extra)  wrong amount: {bad}  "
              f"unplanned postings: {unplanned}")
        print(f"holds not posted: {holds - posts}  balances off: {mismatched}")
        print(f"ledger verify: {'ok' if rep.ok else 'FAILED'} ({rep.transfers} transfers, "
              f"{rep.entries} legs, {len(rep.violations)} violations)")
        ok = (rep.ok and lost == dupes == bad == unplanned == mismatched == 0
              and posts == holds)
        print("RESULT:", "every invariant holds" if ok else "FAILED")
        return 0 if ok else 1
    finally:
        for f in workdir.glob("*"):
            f.unlink()
        workdir.rmdir()
        _admin(f"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{name}'")
        _admin(f'DROP DATABASE IF EXISTS "{name}"')


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("-n", type=int, default=100_000, help="transfers (the issue's figure)")
    ap.add_argument("--quick", action="store_true", help="a 10,000-transfer run")
    ap.add_argument("--inject", action="store_true",
                    help="plant a duplicate and a loss first (the audit must catch both)")
    ap.add_argument("--clients", type=int, default=8)
    ap.add_argument("--kill-every", type=float, default=1.0, help="mean seconds between kills")
    ap.add_argument("--retry", type=float, default=0.05, help="chance a response is 'lost'")
    ap.add_argument("--seed", type=int, default=7)
    args = ap.parse_args(argv)
    return run(10_000 if args.quick else args.n, args.clients, args.kill_every, args.retry,
               args.seed, args.inject)


if __name__ == "__main__":
    sys.exit(main())
