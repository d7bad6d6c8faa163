"""Account statements: legs on one account over a period, newest first, with balances."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from payments.ledger.accounts import get_account
from payments.ledger.models import LedgerEntry, LedgerTransfer
from payments.ledger.sql import table_of

T = table_of(LedgerTransfer)
E = table_of(LedgerEntry)


@dataclass(frozen=True)
class StatementLine:
    transfer_id: int
    kind: str
    amount: int        # signed: + in, − out
    currency: str
    pending: bool
    at: datetime
    memo: str | None
    balance_after: int | None  # posted balance after this line (None for holds)

    def as_json(self) -> dict:
        return {"transfer_id": self.transfer_id, "kind": self.kind, "amount_minor": self.amount,
                "currency": self.currency, "pending": self.pending, "at": self.at.isoformat(),
                "memo": self.memo, "balance_after_minor": self.balance_after}


def statement(session: Session, code: str, start: datetime | None = None,
              end: datetime | None = None, limit: int = 50) -> list[StatementLine]:
    """The newest `limit` legs of an account in [start, end), with running posted balances."""
    acc = get_account(session, code)
    stmt = (select(E.c.id, E.c.transfer_id, E.c.amount, E.c.currency, E.c.pending,
                   E.c.created_at, T.c.kind, T.c.memo)
            .join(T, T.c.id == E.c.transfer_id).where(E.c.account_id == acc.id))
    if start is not None:
        stmt = stmt.where(E.c.created_at >= start)
    if end is not None:
        stmt = stmt.where(E.c.created_at < end)
    rows = session.execute(stmt.order_by(E.c.id.desc()).limit(limit)).all()
    if not rows:
        return []
    # Posted balance after the newest listed leg, then walk backwards.
    newest = rows[0].id
    after = session.scalar(select(func.coalesce(func.sum(E.c.amount), 0)).where(
        E.c.account_id == acc.id, ~E.c.pending, E.c.id <= newest)) or 0
    from payments.ledger.transfers import _aware

    lines = []
    for r in rows:
        lines.append(StatementLine(r.transfer_id, r.kind, r.amount, r.currency, r.pending,
                                   _aware(r.created_at), r.memo,  # type: ignore[arg-type]
                                   None if r.pending else int(after)))
        if not r.pending:
            after -= r.amount
    return lines
