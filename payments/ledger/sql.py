"""Small dialect helpers: INSERT ... ON CONFLICT DO NOTHING on SQLite and PostgreSQL."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Table
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session


def _insert(session: Session, table: Table):
    if session.get_bind().dialect.name == "postgresql":
        return postgresql.insert(table)
    return sqlite.insert(table)


def insert_ignore(session: Session, table: Table, conflict_cols: list[str],
                  values: dict[str, Any], returning: Any = None) -> Any:
    """Insert a row unless one with the same unique columns exists; returns the RETURNING
    value of the new row, or None when it already existed."""
    stmt = _insert(session, table).values(**values).on_conflict_do_nothing(
        index_elements=conflict_cols)
    if returning is not None:
        return session.execute(stmt.returning(returning)).scalar()
    session.execute(stmt)
    return None


def table_of(model: Any) -> Table:
    """The Table of a mapped class (typed, for Core statements)."""
    table = model.__table__
    assert isinstance(table, Table)
    return table
