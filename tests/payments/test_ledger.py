"""The ledger on SQLite and PostgreSQL: exactly-once keys, holds, overdraft rules, zero-sum,
refund caps, and `verify` catching a tampered balance."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import text

from channel_core.db import Database, utcnow
from payments import ledger
from payments.errors import (
    CurrencyMismatch,
    HoldExpired,
    HoldResolved,
    IdempotencyReused,
    InsufficientFunds,
    InvalidAmount,
    NotAHold,
    RefundExceeds,
    Unbalanced,
    UnknownAccount,
)
from payments.ledger import Leg, TransferRequest, create_transfer, move
from payments.money import Money


@pytest.fixture
def db(db_url):
    d = Database(db_url)
    d.create_all()
    with d.session() as s:
        ledger.ensure_account(s, ledger.CASH_COUNTER, "cash")
        for code in ("wallet:A", "wallet:B"):
            ledger.ensure_account(s, code, "wallet")
        ledger.ensure_account(s, "merchant:shop", "merchant")
        ledger.ensure_account(s, ledger.FEES, "fees", allow_negative=False)
        ledger.ensure_account(s, "wallet:USD", "wallet", currency="USD")
    yield d
    d.dispose()


def cny(minor: int) -> Money:
    return Money(minor, "CNY")


def fund(db, code: str, minor: int, key: str = "fund") -> None:
    with db.session() as s:
        create_transfer(s, move(f"{key}:{code}", "topup", ledger.CASH_COUNTER, code, cny(minor)))


def bal(db, code: str) -> ledger.AccountView:
    with db.session() as s:
        return ledger.account_view(s, code)


def verified(db) -> ledger.VerifyReport:
    with db.session() as s:
        rep = ledger.verify(s)
    assert rep.ok, rep.violations
    return rep


def test_same_key_same_body_returns_the_original(db):
    fund(db, "wallet:A", 1000)
    with db.session() as s:
        first = create_transfer(s, move("k1", "payment", "wallet:A", "merchant:shop", cny(300)))
    with db.session() as s:
        again = create_transfer(s, move("k1", "payment", "wallet:A", "merchant:shop", cny(300)))
    assert again.replayed and not first.replayed and again.id == first.id
    assert bal(db, "wallet:A").balance == 700
    with db.session() as s, pytest.raises(IdempotencyReused):
        create_transfer(s, move("k1", "payment", "wallet:A", "merchant:shop", cny(301)))
    assert bal(db, "wallet:A").balance == 700
    verified(db)


def test_a_replay_is_answered_even_when_the_balance_no_longer_allows_it(db):
    fund(db, "wallet:A", 500)
    with db.session() as s:
        create_transfer(s, move("spend", "payment", "wallet:A", "merchant:shop", cny(500)))
    with db.session() as s:
        again = create_transfer(s, move("spend", "payment", "wallet:A", "merchant:shop", cny(500)))
    assert again.replayed and bal(db, "wallet:A").balance == 0


def test_no_account_below_zero_unless_flagged(db):
    fund(db, "wallet:A", 100)
    with db.session() as s, pytest.raises(InsufficientFunds):
        create_transfer(s, move("over", "payment", "wallet:A", "merchant:shop", cny(101)))
    assert bal(db, "wallet:A").balance == 100
    # cash and payables are flagged: they mirror money outside the ledger.
    assert bal(db, ledger.CASH_COUNTER).balance == -100
    with db.session() as s:
        create_transfer(s, move("back", "refund", "merchant:shop", "wallet:B", cny(50)))
    assert bal(db, "merchant:shop").balance == -50
    with db.session() as s, pytest.raises(InsufficientFunds):
        create_transfer(s, move("fee", "settlement_fee", ledger.FEES, "wallet:B", cny(1)))
    # A refused transfer leaves its key free.
    fund(db, "wallet:A", 1, key="more")
    with db.session() as s:
        create_transfer(s, move("over", "payment", "wallet:A", "merchant:shop", cny(101)))
    verified(db)


@pytest.mark.parametrize("legs,error", [
    ((Leg("wallet:A", -100, "CNY"), Leg("merchant:shop", 99, "CNY")), Unbalanced),
    ((Leg("wallet:A", -100, "CNY"),), Unbalanced),
    ((Leg("wallet:A", 0, "CNY"), Leg("merchant:shop", 0, "CNY")), InvalidAmount),
    ((Leg("wallet:A", -100, "CNY"), Leg("wallet:USD", 100, "USD")), Unbalanced),
    ((Leg("wallet:A", -100, "CNY"), Leg("wallet:USD", 100, "CNY")), CurrencyMismatch),
    ((Leg("wallet:A", -100, "CNY"), Leg("nowhere:1", 100, "CNY")), UnknownAccount),
])
def test_malformed_transfers_move_nothing(db, legs, error):
    fund(db, "wallet:A", 1000)
    with db.session() as s, pytest.raises(error):
        create_transfer(s, TransferRequest("bad", "payment", legs))
    assert bal(db, "wallet:A").balance == 1000
    with db.session() as s:
        assert ledger.find_by_key(s, "bad") is None
    verified(db)


def test_multi_leg_transfer_sums_to_zero(db):
    fund(db, "wallet:A", 1000)
    with db.session() as s:
        t = create_transfer(s, TransferRequest("split", "payment", (
            Leg("wallet:A", -1000, "CNY"), Leg("merchant:shop", 994, "CNY"),
            Leg(ledger.FEES, 6, "CNY"))))
    assert t.amount == 1000
    assert bal(db, ledger.FEES).balance == 6
    rep = verified(db)
    assert rep.totals == {"CNY": 0, "USD": 0}


def test_hold_then_partial_post(db):
    fund(db, "wallet:A", 1000)
    with db.session() as s:
        hold = create_transfer(s, move("h", "order_hold", "wallet:A", "merchant:shop", cny(600),
                                       hold_ttl_s=3600))
    a = bal(db, "wallet:A")
    assert (a.balance, a.available, a.pending_out) == (1000, 400, 600)
    with db.session() as s, pytest.raises(InsufficientFunds):
        create_transfer(s, move("x", "payment", "wallet:A", "merchant:shop", cny(401)))
    with db.session() as s:
        post = ledger.post_hold(s, hold.id, "p", 450)
        assert ledger.hold_state(s, hold.id) == "posted"
    a = bal(db, "wallet:A")
    assert (a.balance, a.available, a.pending_out) == (550, 550, 0)
    assert bal(db, "merchant:shop").balance == 450 and post.amount == 450
    with db.session() as s:
        assert ledger.post_hold(s, hold.id, "p", 450).replayed
    with db.session() as s, pytest.raises(HoldResolved):
        ledger.void_hold(s, hold.id, "v")
    with db.session() as s, pytest.raises(InvalidAmount):
        h2 = create_transfer(s, move("h2", "order_hold", "wallet:A", "merchant:shop", cny(100),
                                     hold_ttl_s=60))
        ledger.post_hold(s, h2.id, "p2", 101)
    verified(db)


def test_void_and_expiry_release_the_money(db):
    fund(db, "wallet:A", 1000)
    now = utcnow()
    with db.session() as s:
        h1 = create_transfer(s, move("h1", "order_hold", "wallet:A", "merchant:shop", cny(300),
                                     hold_ttl_s=60), now=now)
        h2 = create_transfer(s, move("h2", "order_hold", "wallet:A", "merchant:shop", cny(200),
                                     hold_ttl_s=60), now=now)
    with db.session() as s:
        ledger.void_hold(s, h1.id, "v1")
    assert bal(db, "wallet:A").available == 800
    later = now + timedelta(seconds=61)
    with db.session() as s, pytest.raises(HoldExpired):
        ledger.post_hold(s, h2.id, "late", now=later)
    assert ledger.expire_holds(db.sessions, now=later) == 1
    assert ledger.expire_holds(db.sessions, now=later) == 0
    a = bal(db, "wallet:A")
    assert (a.balance, a.available) == (1000, 1000)
    with db.session() as s:
        assert ledger.hold_state(s, h2.id) == "voided"
        with pytest.raises(NotAHold):
            ledger.post_hold(s, ledger.find_by_key(s, "fund:wallet:A").id, "nope")
    verified(db)


def test_refunds_are_linked_and_capped(db):
    fund(db, "wallet:A", 1000)
    with db.session() as s:
        pay = create_transfer(s, move("pay", "card_payment", "wallet:A", "merchant:shop", cny(800)))
    with db.session() as s:
        create_transfer(s, move("r1", "refund", "merchant:shop", "wallet:A", cny(500),
                                related_id=pay.id))
    with db.session() as s, pytest.raises(RefundExceeds) as err:
        create_transfer(s, move("r2", "refund", "merchant:shop", "wallet:A", cny(301),
                                related_id=pay.id))
    assert err.value.params["left_minor"] == 300
    with db.session() as s:
        hold = create_transfer(s, move("r3", "refund_hold", "merchant:shop", "wallet:A", cny(300),
                                       related_id=pay.id, hold_ttl_s=600))
        assert ledger.linked_total(s, pay.id) == 800
    with db.session() as s:
        ledger.void_hold(s, hold.id, "r3v")
        assert ledger.linked_total(s, pay.id) == 500
    verified(db)


def test_verify_finds_a_tampered_balance_and_an_unbalanced_transfer(db):
    fund(db, "wallet:A", 1000)
    with db.session() as s:
        s.execute(text("UPDATE ledger_accounts SET credits_posted = credits_posted + 5 "
                       "WHERE code = 'wallet:A'"))
    with db.session() as s:
        rep = ledger.verify(s)
    assert not rep.ok
    assert {v.check for v in rep.violations} >= {"totals", "zero_sum"}
    with db.session() as s:
        s.execute(text("UPDATE ledger_accounts SET credits_posted = credits_posted - 5 "
                       "WHERE code = 'wallet:A'"))
        s.execute(text("UPDATE ledger_entries SET amount = amount + 1 WHERE amount > 0"))
    with db.session() as s:
        checks = {v.check for v in ledger.verify(s).violations}
    assert "zero_sum" in checks and "totals" in checks
    with db.session() as s:  # a leg nobody wrote through the ledger
        s.execute(text("INSERT INTO ledger_entries (transfer_id, account_id, amount, currency, "
                       "pending, created_at) VALUES (999999, 999999, 7, 'CNY', false, "
                       "CURRENT_TIMESTAMP)"))
    with db.session() as s:
        orphans = [v for v in ledger.verify(s).violations if v.check == "orphan"]
    assert len(orphans) == 2


def test_statement_lists_legs_with_running_balance(db):
    fund(db, "wallet:A", 1000)
    with db.session() as s:
        create_transfer(s, move("s1", "card_payment", "wallet:A", "merchant:shop", cny(250)))
        create_transfer(s, move("s2", "order_hold", "wallet:A", "merchant:shop", cny(100),
                                hold_ttl_s=60))
        lines = ledger.statement(s, "wallet:A")
    assert [(line.kind, line.amount, line.balance_after) for line in lines] == [
        ("order_hold", -100, None), ("card_payment", -250, 750), ("topup", 1000, 1000)]


def test_standalone_entry_point(db):
    """`ledger.transfer(db, req)`: its own transaction (one statement on PostgreSQL)."""
    fund(db, "wallet:A", 1000)
    req = move("solo", "payment", "wallet:A", "merchant:shop", cny(400))
    first = ledger.transfer(db, req)
    again = ledger.transfer(db, req)
    assert not first.replayed and again.replayed and again.id == first.id
    with pytest.raises(IdempotencyReused):
        ledger.transfer(db, move("solo", "payment", "wallet:A", "merchant:shop", cny(1)))
    with pytest.raises(InsufficientFunds):
        ledger.transfer(db, move("solo2", "payment", "wallet:A", "merchant:shop", cny(601)))
    hold = ledger.transfer(db, move("solo-hold", "order_hold", "wallet:A", "merchant:shop",
                                    cny(600), hold_ttl_s=60))
    assert hold.phase == "pending" and bal(db, "wallet:A").available == 0
    assert bal(db, "wallet:A").balance == 600
    verified(db)
