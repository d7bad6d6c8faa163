"""Hypothesis drives the ledger through random transfers, retries, holds, expiry and refunds
and checks it against a plain model after every step: balances, availability, replays,
and `verify` (zero-sum legs, derived totals, no overdrafts, refund caps)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    Bundle,
    RuleBasedStateMachine,
    initialize,
    invariant,
    multiple,
    rule,
)
from sqlalchemy import text

from channel_core.db import Database, utcnow
from payments import ledger
from payments.errors import (
    HoldExpired,
    HoldResolved,
    IdempotencyReused,
    InsufficientFunds,
    RefundExceeds,
)
from payments.ledger import create_transfer, move
from payments.money import Money

WALLETS = ("wallet:1", "wallet:2", "wallet:3")
MERCHANT = "merchant:m"
CASH = ledger.CASH_COUNTER
ACCOUNTS = (*WALLETS, MERCHANT, CASH)
amounts = st.integers(min_value=1, max_value=5_000)


@dataclass
class Hold:
    id: int
    debit: str
    credit: str
    amount: int
    expires: object
    resolved: bool = False


@dataclass
class Payment:
    id: int
    payer: str
    amount: int
    refunded: int = 0


class LedgerMachine(RuleBasedStateMachine):
    """One database per run; `url` is set by the test that runs the machine."""

    url = ""
    keys = Bundle("keys")
    holds = Bundle("holds")
    payments = Bundle("payments")

    def __init__(self) -> None:
        super().__init__()
        self.db = Database(self.url)
        self.db.create_all()
        with self.db.session() as s:
            for table in ("payment_receipts", "ledger_entries", "ledger_transfers",
                          "ledger_accounts"):
                s.execute(text(f"DELETE FROM {table}"))
        self.now = utcnow()
        self.posted = dict.fromkeys(ACCOUNTS, 0)
        self.held = dict.fromkeys(ACCOUNTS, 0)  # pending out
        self.sent: dict[str, tuple] = {}  # key → (debit, credit, amount, transfer id)
        self.n = 0
        self.all_holds: list[Hold] = []

    def teardown(self) -> None:
        self.db.dispose()

    def _key(self) -> str:
        self.n += 1
        return f"k{self.n}"

    def _available(self, code: str) -> int:
        return self.posted[code] - self.held[code]

    def _strict(self, code: str) -> bool:
        return code.startswith("wallet:")

    @initialize()
    def open_accounts(self) -> None:
        with self.db.session() as s:
            for code in WALLETS:
                ledger.ensure_account(s, code, "wallet")
            ledger.ensure_account(s, MERCHANT, "merchant")
            ledger.ensure_account(s, CASH, "cash")

    @rule(target=keys, to=st.sampled_from(WALLETS), amount=amounts)
    def top_up(self, to, amount):
        key = self._key()
        with self.db.session() as s:
            t = create_transfer(s, move(key, "topup", CASH, to, Money(amount, "CNY")), now=self.now)
        self.posted[CASH] -= amount
        self.posted[to] += amount
        self.sent[key] = (CASH, to, amount, t.id)
        return key

    @rule(target=payments, payer=st.sampled_from(WALLETS), amount=amounts)
    def pay(self, payer, amount):
        key = self._key()
        try:
            with self.db.session() as s:
                t = create_transfer(s, move(key, "card_payment", payer, MERCHANT,
                                            Money(amount, "CNY")), now=self.now)
        except InsufficientFunds:
            assert self._available(payer) < amount
            return multiple()
        assert self._available(payer) >= amount
        self.posted[payer] -= amount
        self.posted[MERCHANT] += amount
        self.sent[key] = (payer, MERCHANT, amount, t.id)
        return Payment(t.id, payer, amount)

    @rule(key=keys)
    def retry_same_request(self, key):
        debit, credit, amount, tid = self.sent[key]
        with self.db.session() as s:
            t = create_transfer(s, move(key, "topup", debit, credit, Money(amount, "CNY")),
                                now=self.now)
        assert t.replayed and t.id == tid

    @rule(key=keys, delta=st.integers(min_value=1, max_value=50))
    def reuse_key_for_another_request(self, key, delta):
        debit, credit, amount, _ = self.sent[key]
        with self.db.session() as s, pytest.raises(IdempotencyReused):
            create_transfer(s, move(key, "topup", debit, credit, Money(amount + delta, "CNY")),
                            now=self.now)

    @rule(target=holds, payer=st.sampled_from(WALLETS), amount=amounts,
          ttl=st.integers(min_value=1, max_value=120))
    def hold(self, payer, amount, ttl):
        try:
            with self.db.session() as s:
                t = create_transfer(s, move(self._key(), "order_hold", payer, MERCHANT,
                                            Money(amount, "CNY"), hold_ttl_s=ttl), now=self.now)
        except InsufficientFunds:
            assert self._available(payer) < amount
            return multiple()
        assert self._available(payer) >= amount
        self.held[payer] += amount
        h = Hold(t.id, payer, MERCHANT, amount, self.now + timedelta(seconds=ttl))
        self.all_holds.append(h)
        return h

    @rule(h=holds, data=st.data())
    def post(self, h, data):
        part = data.draw(st.integers(min_value=1, max_value=h.amount))
        try:
            with self.db.session() as s:
                ledger.post_hold(s, h.id, self._key(), part, now=self.now)
        except HoldResolved:
            assert h.resolved
            return
        except HoldExpired:
            assert not h.resolved and h.expires <= self.now
            return
        assert not h.resolved and h.expires > self.now
        h.resolved = True
        self.held[h.debit] -= h.amount
        self.posted[h.debit] -= part
        self.posted[h.credit] += part

    @rule(h=holds)
    def void(self, h):
        try:
            with self.db.session() as s:
                ledger.void_hold(s, h.id, self._key(), now=self.now)
        except HoldResolved:
            assert h.resolved
            return
        assert not h.resolved
        h.resolved = True
        self.held[h.debit] -= h.amount

    @rule(seconds=st.integers(min_value=1, max_value=90))
    def time_passes_and_holds_expire(self, seconds):
        self.now += timedelta(seconds=seconds)
        released = ledger.expire_holds(self.db.sessions, now=self.now)
        expected = 0
        for h in self.all_holds:
            if not h.resolved and h.expires <= self.now:
                h.resolved = True
                self.held[h.debit] -= h.amount
                expected += 1
        assert released == expected

    @rule(p=payments, amount=amounts)
    def refund(self, p, amount):
        try:
            with self.db.session() as s:
                create_transfer(s, move(self._key(), "refund", MERCHANT, p.payer,
                                        Money(amount, "CNY"), related_id=p.id), now=self.now)
        except RefundExceeds:
            assert p.refunded + amount > p.amount
            return
        assert p.refunded + amount <= p.amount
        p.refunded += amount
        self.posted[MERCHANT] -= amount
        self.posted[p.payer] += amount

    @invariant()
    def balances_match_the_model(self):
        with self.db.session() as s:
            for code in ACCOUNTS:
                v = ledger.account_view(s, code)
                assert v.balance == self.posted[code], code
                assert v.pending_out == self.held[code], code
                if self._strict(code):
                    assert v.available >= 0

    @invariant()
    def ledger_verifies(self):
        with self.db.session() as s:
            rep = ledger.verify(s)
        assert rep.ok, rep.violations
        assert sum(self.posted.values()) == 0


SETTINGS = settings(max_examples=25, stateful_step_count=30, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow])


def test_ledger_invariants_sqlite(tmp_path):
    LedgerMachine.url = f"sqlite:///{tmp_path / 'stateful.db'}"
    LedgerMachine.TestCase.settings = SETTINGS
    LedgerMachine.TestCase().runTest()


@pytest.mark.postgres
def test_ledger_invariants_postgres(pg_url):
    LedgerMachine.url = pg_url
    LedgerMachine.TestCase.settings = settings(SETTINGS, max_examples=8)
    LedgerMachine.TestCase().runTest()

