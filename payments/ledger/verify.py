"""`portal ledger verify`: re-derive every balance from the legs and check every invariant."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import and_, case, func, select
from sqlalchemy.orm import Session, aliased

from payments.ledger.models import LedgerAccount, LedgerEntry, LedgerTransfer
from payments.ledger.sql import table_of
from payments.ledger.transfers import linked_total

T = table_of(LedgerTransfer)
E = table_of(LedgerEntry)
A = table_of(LedgerAccount)


@dataclass(frozen=True)
class Violation:
    check: str
    subject: str
    detail: str

    def __str__(self) -> str:
        return f"{self.check}: {self.subject}: {self.detail}"


@dataclass
class VerifyReport:
    """What was checked and every violation found (empty: the ledger is sound)."""

    accounts: int = 0
    transfers: int = 0
    entries: int = 0
    totals: dict[str, int] = field(default_factory=dict)  # currency → sum of balances
    violations: list[Violation] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.violations

    def as_json(self) -> dict:
        return {"ok": self.ok, "accounts": self.accounts, "transfers": self.transfers,
                "entries": self.entries, "totals": self.totals,
                "violations": [{"check": v.check, "subject": v.subject, "detail": v.detail}
                               for v in self.violations]}


def verify(session: Session) -> VerifyReport:
    """Check zero-sum legs, derived totals, no overdrafts, holds and refund caps."""
    rep = VerifyReport()
    bad = rep.violations.append
    rep.accounts = session.scalar(select(func.count()).select_from(A)) or 0
    rep.transfers = session.scalar(select(func.count()).select_from(T)) or 0
    rep.entries = session.scalar(select(func.count()).select_from(E)) or 0

    # 1. Every transfer's legs sum to zero in each currency.
    for tid, cur, total in session.execute(
            select(E.c.transfer_id, E.c.currency, func.sum(E.c.amount))
            .group_by(E.c.transfer_id, E.c.currency).having(func.sum(E.c.amount) != 0)):
        bad(Violation("zero_sum", f"transfer {tid}", f"{cur} legs sum to {total}"))

    # 2. Every leg belongs to a stored transfer and a stored account, in its currency.
    for eid, tid in session.execute(
            select(E.c.id, E.c.transfer_id).outerjoin(T, T.c.id == E.c.transfer_id)
            .where(T.c.id.is_(None))):
        bad(Violation("orphan", f"leg {eid}", f"its transfer {tid} does not exist"))
    for eid, aid in session.execute(
            select(E.c.id, E.c.account_id).outerjoin(A, A.c.id == E.c.account_id)
            .where(A.c.id.is_(None))):
        bad(Violation("orphan", f"leg {eid}", f"its account {aid} does not exist"))
    for eid, tid, ecur, acur in session.execute(
            select(E.c.id, E.c.transfer_id, E.c.currency, A.c.currency)
            .join(A, A.c.id == E.c.account_id).where(E.c.currency != A.c.currency)):
        bad(Violation("currency", f"transfer {tid}", f"leg {eid} in {ecur} on a {acur} account"))

    # 3. Shape: legs by phase; holds resolved at most once, by post/void only, within amount.
    legs = (select(E.c.transfer_id, func.count().label("n"),
                   func.sum(case((E.c.pending, 1), else_=0)).label("np"),
                   func.sum(case((E.c.amount < 0, -E.c.amount), else_=0)).label("debits"))
            .group_by(E.c.transfer_id).subquery())
    for row in session.execute(select(T.c.id, T.c.phase, T.c.amount, legs.c.n, legs.c.np,
                                      legs.c.debits)
                               .outerjoin(legs, legs.c.transfer_id == T.c.id)):
        n, np_, debits = row.n or 0, row.np or 0, row.debits or 0
        if row.phase == "void":
            if n:
                bad(Violation("shape", f"transfer {row.id}", "a void has legs"))
        elif n < 2:
            bad(Violation("shape", f"transfer {row.id}", f"{row.phase} with {n} legs"))
        elif (np_ == n) != (row.phase == "pending") or (0 < np_ < n):
            bad(Violation("shape", f"transfer {row.id}", "pending flags do not match phase"))
        if row.phase != "void" and n and debits < row.amount:
            bad(Violation("shape", f"transfer {row.id}", "amount exceeds its debits"))
    hold = aliased(T)
    for rid, rphase, ramount, _hid, hphase, hamount in session.execute(
            select(T.c.id, T.c.phase, T.c.amount, hold.c.id, hold.c.phase, hold.c.amount)
            .join(hold, hold.c.id == T.c.pending_id)):
        if rphase not in ("post", "void") or hphase != "pending":
            bad(Violation("hold", f"transfer {rid}", f"{rphase} resolves a {hphase}"))
        if ramount > hamount:
            bad(Violation("hold", f"transfer {rid}", f"posts {ramount} of a {hamount} hold"))
    for tid in session.scalars(select(T.c.id).where(
            T.c.phase.in_(("post", "void")), T.c.pending_id.is_(None))):
        bad(Violation("hold", f"transfer {tid}", "resolves no hold"))

    # 4. Account totals equal the sums of their legs (pending: holds not yet resolved).
    res = aliased(T)
    open_hold = and_(E.c.pending, res.c.id.is_(None))
    derived = (select(
        E.c.account_id,
        func.sum(case((and_(~E.c.pending, E.c.amount < 0), -E.c.amount), else_=0)).label("dp"),
        func.sum(case((and_(~E.c.pending, E.c.amount > 0), E.c.amount), else_=0)).label("cp"),
        func.sum(case((and_(open_hold, E.c.amount < 0), -E.c.amount), else_=0)).label("dq"),
        func.sum(case((and_(open_hold, E.c.amount > 0), E.c.amount), else_=0)).label("cq"))
        .outerjoin(res, res.c.pending_id == E.c.transfer_id)
        .group_by(E.c.account_id).subquery())
    for a in session.execute(
            select(A, derived.c.dp, derived.c.cp, derived.c.dq, derived.c.cq)
            .outerjoin(derived, derived.c.account_id == A.c.id).order_by(A.c.id)):
        want = (a.dp or 0, a.cp or 0, a.dq or 0, a.cq or 0)
        have = (a.debits_posted, a.credits_posted, a.debits_pending, a.credits_pending)
        if want != have:
            bad(Violation("totals", a.code, f"stored {have} but legs give {want}"))
        balance = a.credits_posted - a.debits_posted
        rep.totals[a.currency] = rep.totals.get(a.currency, 0) + balance
        # 5. No account below zero unless flagged.
        if not a.allow_negative and (balance < 0 or balance - a.debits_pending < 0):
            bad(Violation("negative", a.code, f"balance {balance}, pending out {a.debits_pending}"))
    for cur, total in rep.totals.items():
        if total != 0:
            bad(Violation("zero_sum", cur, f"balances sum to {total}"))

    # 6. Linked transfers (refunds) never exceed what they link to.
    for pid, amount in session.execute(
            select(T.c.id, T.c.amount).where(T.c.id.in_(
                select(T.c.related_id).where(T.c.related_id.is_not(None)).distinct()))):
        taken = linked_total(session, pid)
        if taken > amount:
            bad(Violation("refund_cap", f"transfer {pid}", f"refunds {taken} of {amount}"))
    return rep
