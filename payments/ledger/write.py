"""The SQL under the ledger: locking account rows and writing a transfer with its legs.

The rules (currencies, overdrafts, refund caps) live in `transfers.py`; this module only
says how rows are locked and written on each backend.

PostgreSQL: a plain transfer is ONE statement. Its first CTE locks the account rows in
ascending id order (FOR UPDATE returns the newest committed version after any wait); a guard
CTE re-applies the two row rules (same currency, no overdraft unless flagged) to those locked
rows; only if it holds are the transfer, its legs and the new totals written, by
data-modifying CTEs. When the guard fails nothing is written and `transfers.py` re-reads the
locked rows to raise the precise error. Resolving holds and refunds, which need more rules,
lock first and write second (two statements). SQLite serialises writers with BEGIN
IMMEDIATE and uses plain statements.
"""

from __future__ import annotations

import json
import re
from typing import Any, NamedTuple

from sqlalchemy import bindparam, select, update
from sqlalchemy.orm import Session

from payments.ledger.models import LedgerAccount, LedgerEntry, LedgerTransfer
from payments.ledger.sql import insert_ignore, table_of

T = table_of(LedgerTransfer)
E = table_of(LedgerEntry)
A = table_of(LedgerAccount)

_TOTALS = """
  UPDATE ledger_accounts SET
    debits_posted = debits_posted + d.dp, credits_posted = credits_posted + d.cp,
    debits_pending = debits_pending + d.dq, credits_pending = credits_pending + d.cq
  FROM d WHERE ledger_accounts.id = d.account_id
"""
_SUMS = """
  SELECT legs.account_id,
    sum(CASE WHEN NOT legs.pending AND legs.amount < 0 THEN -legs.amount * legs.sign ELSE 0 END) AS dp,
    sum(CASE WHEN NOT legs.pending AND legs.amount > 0 THEN legs.amount * legs.sign ELSE 0 END) AS cp,
    sum(CASE WHEN legs.pending AND legs.amount < 0 THEN -legs.amount * legs.sign ELSE 0 END) AS dq,
    sum(CASE WHEN legs.pending AND legs.amount > 0 THEN legs.amount * legs.sign ELSE 0 END) AS cq
  FROM legs, t GROUP BY legs.account_id
"""
_INSERT_T = """
  INSERT INTO ledger_transfers (key, request_hash, kind, phase, amount, currency, pending_id,
                                related_id, expires_at, memo, meta, created_at)
  SELECT :key, :request_hash, :kind, :phase, :amount, :currency, :pending_id, :related_id,
         :expires_at, :memo, :meta, :created_at
"""

# One round trip: lock, guard, write (see the module docstring). The whole request is one
# JSON parameter: adapting a dozen scalars and three arrays cost the client more CPU than
# the server spends parsing one document.
_PG_TRANSFER = f"""
WITH doc AS (
  SELECT CAST(:doc AS jsonb) AS d
), req AS (
  SELECT l->>'account' AS code, CAST(l->>'amount' AS bigint) AS amount,
         l->>'currency' AS currency, x.ord
  FROM doc, jsonb_array_elements(doc.d->'legs') WITH ORDINALITY AS x(l, ord)
), locked AS (
  SELECT id, code, currency, allow_negative,
         credits_posted - debits_posted - debits_pending AS available
  FROM ledger_accounts WHERE code = ANY(ARRAY(SELECT code FROM req)) ORDER BY id FOR UPDATE
), guard AS (
  SELECT count(*) = (SELECT count(*) FROM req) AND coalesce(bool_and(
           k.currency = r.currency
           AND (k.allow_negative OR r.amount > 0 OR k.available + r.amount >= 0)), false) AS ok
  FROM req r JOIN locked k ON k.code = r.code
), t AS (
  INSERT INTO ledger_transfers (key, request_hash, kind, phase, amount, currency, pending_id,
                                related_id, expires_at, memo, meta, created_at)
  SELECT d->>'key', d->>'request_hash', d->>'kind', d->>'phase', CAST(d->>'amount' AS bigint),
         d->>'currency', NULL, NULL, CAST(d->>'expires_at' AS timestamptz), d->>'memo',
         CAST(NULLIF(d->'meta', 'null') AS json), CAST(d->>'created_at' AS timestamptz)
  FROM doc WHERE (SELECT ok FROM guard)
  ON CONFLICT (key) DO NOTHING
  RETURNING id
), legs AS (
  SELECT k.id AS account_id, r.amount, r.currency,
         CAST((SELECT d->>'pending' FROM doc) AS boolean) AS pending, 1 AS sign, r.ord
  FROM req r JOIN locked k ON k.code = r.code
), e AS (
  INSERT INTO ledger_entries (transfer_id, account_id, amount, currency, pending, created_at)
  SELECT t.id, legs.account_id, legs.amount, legs.currency, legs.pending,
         CAST((SELECT d->>'created_at' FROM doc) AS timestamptz)
  FROM t, legs ORDER BY legs.ord
), d AS ({_SUMS}), a AS ({_TOTALS})
SELECT (SELECT id FROM t), (SELECT ok FROM guard)
"""

# After the caller locked and checked: write only (holds resolved, refunds).
_PG_WRITE = f"""
WITH t AS ({_INSERT_T}
  ON CONFLICT (key) DO NOTHING
  RETURNING id
), legs AS (
  SELECT u.account_id, u.amount, u.currency, u.pending, u.sign, u.write, u.ord
  FROM unnest(CAST(:acc_ids AS bigint[]), CAST(:amounts AS bigint[]), CAST(:currencies AS text[]),
              CAST(:pendings AS boolean[]), CAST(:signs AS integer[]), CAST(:writes AS boolean[]))
       WITH ORDINALITY AS u(account_id, amount, currency, pending, sign, write, ord)
), e AS (
  INSERT INTO ledger_entries (transfer_id, account_id, amount, currency, pending, created_at)
  SELECT t.id, legs.account_id, legs.amount, legs.currency, legs.pending, :created_at
  FROM t, legs WHERE legs.write ORDER BY legs.ord
), d AS ({_SUMS}), a AS ({_TOTALS})
SELECT id FROM t
"""


def _psycopg(sql: str) -> str:
    """':name' placeholders → psycopg's '%(name)s' (the driver prepares repeated statements)."""
    return re.sub(r"(?<!:):([a-z_]+)", r"%(\1)s", sql)


_PG_TRANSFER_SQL = _psycopg(_PG_TRANSFER)
_PG_WRITE_SQL = _psycopg(_PG_WRITE)
_PG_LOCK = """
SELECT id, code, currency, allow_negative, debits_posted, credits_posted, debits_pending,
       credits_pending
FROM ledger_accounts WHERE code = ANY(%(codes)s) ORDER BY id FOR UPDATE
"""


class LockedAccount(NamedTuple):
    id: int
    code: str
    currency: str
    allow_negative: bool
    debits_posted: int
    credits_posted: int
    debits_pending: int
    credits_pending: int


def _driver(session: Session) -> Any:
    """The psycopg connection under the session's current transaction (PostgreSQL only)."""
    return session.connection().connection.driver_connection


def is_postgres(session: Session) -> bool:
    return session.get_bind().dialect.name == "postgresql"


def lock_accounts(session: Session, codes: list[str]) -> list[LockedAccount]:
    """Lock accounts by code in ascending id order; returns their current totals."""
    if is_postgres(session):
        cur = _driver(session).execute(_PG_LOCK, {"codes": codes})
        return [LockedAccount(*r) for r in cur.fetchall()]
    rows = session.execute(
        select(A.c.id, A.c.code, A.c.currency, A.c.allow_negative, A.c.debits_posted,
               A.c.credits_posted, A.c.debits_pending, A.c.credits_pending)
        .where(A.c.code.in_(codes)).order_by(A.c.id).with_for_update()).all()
    return [LockedAccount(*r) for r in rows]


def _pg_row(row: dict[str, Any]) -> dict[str, Any]:
    from psycopg.types.json import Jsonb  # PostgreSQL only: the driver is not imported on SQLite

    params = dict(row)
    params.setdefault("pending_id", None)
    params["meta"] = Jsonb(row["meta"]) if row.get("meta") is not None else None
    return params


def _transfer_doc(row: dict[str, Any], legs: list[tuple[str, int, str]], pending: bool) -> str:
    expires = row.get("expires_at")
    return json.dumps({
        "key": row["key"], "request_hash": row["request_hash"], "kind": row["kind"],
        "phase": row["phase"], "amount": row["amount"], "currency": row["currency"],
        "expires_at": expires.isoformat() if expires is not None else None,
        "memo": row.get("memo"), "meta": row.get("meta"),
        "created_at": row["created_at"].isoformat(), "pending": pending,
        "legs": [{"account": c, "amount": a, "currency": cur} for c, a, cur in legs]},
        ensure_ascii=False, separators=(",", ":"))


def transfer_one_trip(session: Session, row: dict[str, Any],
                      legs: list[tuple[str, int, str]], pending: bool) -> tuple[int | None, bool]:
    """PostgreSQL: lock, guard and write a plain transfer in one statement of the session's
    transaction.

    Returns (transfer id, guard held): (id, True) written; (None, True) the key exists;
    (None, False) a rule failed and nothing was written.
    """
    # Not in pipeline mode: sending the driver's BEGIN with the statement saved a round trip
    # but cost the client more CPU than the round trip costs both sides.
    cur = _driver(session).execute(_PG_TRANSFER_SQL, {"doc": _transfer_doc(row, legs, pending)})
    tid, ok = cur.fetchone()
    return tid, bool(ok)


def transfer_autocommit(engine: Any, row: dict[str, Any], legs: list[tuple[str, int, str]],
                        pending: bool) -> tuple[int | None, bool]:
    """PostgreSQL: the same statement as `transfer_one_trip`, run as a transaction of its own
    (a single statement is atomic): one round trip, no BEGIN or COMMIT to send."""
    raw = engine.raw_connection()
    try:
        drv = raw.driver_connection
        drv.autocommit = True
        try:
            tid, ok = drv.execute(_PG_TRANSFER_SQL,
                                  {"doc": _transfer_doc(row, legs, pending)}).fetchone()
        finally:
            drv.autocommit = False
    finally:
        raw.close()
    return tid, bool(ok)


def write_transfer(session: Session, row: dict[str, Any],
                   legs: list[tuple[int, int, str]], pending: bool,
                   released: list[tuple[int, int]] | None = None) -> int | None:
    """Insert a checked transfer (unless its key exists: then None), its legs, new totals.

    `legs` are (account id, signed amount, currency) written as entries with `pending`;
    `released` are (account id, signed amount) of a hold's legs whose pending totals go back.
    The caller holds the account locks.
    """
    released = released or []
    if is_postgres(session):
        parts = [(a, amt, cur, pending, 1, True) for a, amt, cur in legs]
        parts += [(a, amt, "", True, -1, False) for a, amt in released]
        params = _pg_row(row)
        params.update(acc_ids=[p[0] for p in parts], amounts=[p[1] for p in parts],
                      currencies=[p[2] for p in parts], pendings=[p[3] for p in parts],
                      signs=[p[4] for p in parts], writes=[p[5] for p in parts])
        found = _driver(session).execute(_PG_WRITE_SQL, params).fetchone()
        return found[0] if found else None
    tid = insert_ignore(session, T, ["key"], {"pending_id": None, **row}, returning=T.c.id)
    if tid is None:
        return None
    if legs:
        session.execute(E.insert(), [
            {"transfer_id": tid, "account_id": a, "amount": amt, "currency": cur,
             "pending": pending, "created_at": row["created_at"]} for a, amt, cur in legs])
    changes = [(a, amt, pending, 1) for a, amt, _ in legs]
    changes += [(a, amt, True, -1) for a, amt in released]
    _apply_totals(session, changes)
    return tid


def _apply_totals(session: Session, changes: list[tuple[int, int, bool, int]]) -> None:
    """Add legs to account totals: (account id, signed amount, pending?, +1 add / −1 release)."""
    params = []
    for acc_id, amt, pending, sign in changes:
        debit, credit = (-amt, 0) if amt < 0 else (0, amt)
        params.append({
            "b_id": acc_id,
            "b_dp": 0 if pending else sign * debit, "b_cp": 0 if pending else sign * credit,
            "b_dq": sign * debit if pending else 0, "b_cq": sign * credit if pending else 0})
    session.execute(
        update(A).where(A.c.id == bindparam("b_id")).values(
            debits_posted=A.c.debits_posted + bindparam("b_dp"),
            credits_posted=A.c.credits_posted + bindparam("b_cp"),
            debits_pending=A.c.debits_pending + bindparam("b_dq"),
            credits_pending=A.c.credits_pending + bindparam("b_cq")),
        params)
