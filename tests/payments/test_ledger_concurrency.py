"""Concurrent writers on PostgreSQL: row locks in a stable order keep every invariant."""

from __future__ import annotations

import random
import threading
from collections import Counter

import pytest

from channel_core.db import Database
from payments import ledger
from payments.errors import HoldResolved, IdempotencyReused
from payments.ledger import create_transfer, move
from payments.money import Money

pytestmark = pytest.mark.postgres
THREADS = 8


@pytest.fixture
def db(pg_url):
    d = Database(pg_url, pool_size=THREADS + 2)
    d.create_all()
    with d.session() as s:
        ledger.ensure_account(s, ledger.CASH_COUNTER, "cash")
        for i in range(6):
            ledger.ensure_account(s, f"wallet:{i}", "wallet")
        ledger.ensure_account(s, "merchant:shop", "merchant")
    yield d
    d.dispose()


def run_all(fn, n: int = THREADS) -> list:
    """Run fn(i) in n threads released together; returns each result or exception."""
    gate = threading.Barrier(n)
    out: list = [None] * n

    def body(i: int) -> None:
        gate.wait()
        try:
            out[i] = fn(i)
        except Exception as exc:  # collected and asserted on by the test
            out[i] = exc

    threads = [threading.Thread(target=body, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    return out


def cny(minor: int) -> Money:
    return Money(minor, "CNY")


def fund(db, code: str, minor: int) -> None:
    with db.session() as s:
        create_transfer(s, move(f"fund:{code}", "topup", ledger.CASH_COUNTER, code, cny(minor)))


def ok(db) -> None:
    with db.session() as s:
        rep = ledger.verify(s)
    assert rep.ok, rep.violations


def send(db, req, how: str):
    """A transfer through either entry point: inside a session, or standalone."""
    if how == "standalone":
        return ledger.transfer(db, req)
    with db.session() as s:
        return create_transfer(s, req)


@pytest.mark.parametrize("how", ["session", "standalone"])
def test_racing_spenders_cannot_overdraw(db, how):
    fund(db, "wallet:0", 500)

    def spend(i):
        return send(db, move(f"spend:{i}", "payment", "wallet:0", "merchant:shop", cny(100)), how)

    results = run_all(spend)
    assert Counter(type(r).__name__ for r in results) == {"Transfer": 5, "InsufficientFunds": 3}
    with db.session() as s:
        assert ledger.account_view(s, "wallet:0").balance == 0
    ok(db)


@pytest.mark.parametrize("how", ["session", "standalone"])
def test_one_key_sent_eight_times_at_once_moves_money_once(db, how):
    fund(db, "wallet:0", 1000)

    def again(i):
        return send(db, move("same-key", "payment", "wallet:0", "merchant:shop", cny(250)), how)

    results = run_all(again)
    assert all(isinstance(r, ledger.Transfer) for r in results), results
    assert len({r.id for r in results}) == 1
    assert sum(not r.replayed for r in results) == 1
    with db.session() as s:
        assert ledger.account_view(s, "wallet:0").balance == 750
    ok(db)


@pytest.mark.parametrize("how", ["session", "standalone"])
def test_one_key_with_different_bodies_at_once(db, how):
    for i in range(6):
        fund(db, f"wallet:{i}", 1000)

    def contest(i):  # different payers (disjoint locks), one key
        return send(db, move("contested", "payment", f"wallet:{i % 6}", "merchant:shop",
                             cny(100 + i)), how)

    results = run_all(contest, 6)
    won = [r for r in results if isinstance(r, ledger.Transfer) and not r.replayed]
    assert len(won) == 1
    assert all(isinstance(r, IdempotencyReused) for r in results if r is not won[0]), results
    with db.session() as s:
        assert ledger.account_view(s, "merchant:shop").balance == won[0].amount
    ok(db)


def test_post_and_void_race_on_one_hold(db):
    fund(db, "wallet:0", 1000)
    with db.session() as s:
        hold = create_transfer(s, move("hold", "order_hold", "wallet:0", "merchant:shop",
                                       cny(600), hold_ttl_s=600))

    def resolve(i):
        with db.session() as s:
            if i % 2:
                return ledger.post_hold(s, hold.id, f"post:{i}")
            return ledger.void_hold(s, hold.id, f"void:{i}")

    results = run_all(resolve)
    done = [r for r in results if isinstance(r, ledger.Transfer)]
    assert len(done) == 1 and all(isinstance(r, HoldResolved) for r in results if r is not done[0])
    with db.session() as s:
        a = ledger.account_view(s, "wallet:0")
    assert a.pending_out == 0 and a.balance == (400 if done[0].phase == "post" else 1000)
    ok(db)


def test_racing_refunds_never_exceed_the_payment(db):
    fund(db, "wallet:0", 1000)
    with db.session() as s:
        pay = create_transfer(s, move("pay", "card_payment", "wallet:0", "merchant:shop", cny(700)))

    def refund(i):
        with db.session() as s:
            return create_transfer(s, move(f"refund:{i}", "refund", "merchant:shop", "wallet:0",
                                           cny(200), related_id=pay.id))

    results = run_all(refund)
    assert Counter(type(r).__name__ for r in results) == {"Transfer": 3, "RefundExceeds": 5}
    with db.session() as s:
        assert ledger.linked_total(s, pay.id) == 600
    ok(db)


@pytest.mark.parametrize("how", ["session", "standalone"])
def test_crossing_transfers_do_not_deadlock(db, how):
    for i in range(6):
        fund(db, f"wallet:{i}", 100_000)

    def churn(i):
        rnd = random.Random(i)
        for n in range(40):
            a, b = rnd.sample(range(6), 2)
            send(db, move(f"churn:{i}:{n}", "payment", f"wallet:{a}", f"wallet:{b}",
                          cny(rnd.randint(1, 500))), how)
        return True

    results = run_all(churn)
    assert results == [True] * THREADS, results
    with db.session() as s:
        total = sum(ledger.account_view(s, f"wallet:{i}").balance for i in range(6))
    assert total == 600_000
    ok(db)
