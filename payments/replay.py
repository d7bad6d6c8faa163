"""Exactly-once for whole operations: a repeated idempotency key returns the first result.

Each operation stores a canonical description of itself (`op`) in its transfer's metadata;
a later request with the same key and the same `op` gets the stored transfer back before
any PIN is checked or code consumed; the same key with another `op` is a 409.
"""

from __future__ import annotations

import json

from sqlalchemy.orm import Session

from payments.errors import IdempotencyReused
from payments.ledger.transfers import Transfer, find_by_key


def op_of(**fields: object) -> str:
    """A canonical string for an operation's request (no secrets in it)."""
    return json.dumps(fields, sort_keys=True, ensure_ascii=False, default=str)


def earlier(session: Session, key: str, op: str) -> Transfer | None:
    """The transfer stored under `key` for this same operation, if any (409 if another)."""
    found = find_by_key(session, key)
    if found is None:
        return None
    if (found.meta or {}).get("op") != op:
        raise IdempotencyReused(request_key=key[:120])
    return Transfer(**{**found.__dict__, "replayed": True})
