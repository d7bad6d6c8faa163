"""Run Alembic migrations programmatically (`portal migrate`)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS = Path(__file__).resolve().parent / "migrations"


def alembic_config(database_url: str) -> Config:
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.set_main_option("sqlalchemy.url", database_url.replace("%", "%%"))
    return cfg


def upgrade(database_url: str, revision: str = "head") -> None:
    """Bring the database schema up to `revision`."""
    if database_url.startswith("sqlite:///"):
        Path(database_url[len("sqlite:///"):]).parent.mkdir(parents=True, exist_ok=True)
    from alembic import command

    command.upgrade(alembic_config(database_url), revision)


def revision(database_url: str, message: str) -> None:
    """Autogenerate a new revision from the models (developers only)."""
    from alembic import command

    command.revision(alembic_config(database_url), message=message, autogenerate=True)


_REVISION = re.compile(r"^revision\s*(?::[^=]*)?=\s*['\"]([^'\"]+)['\"]", re.M)
_DOWN = re.compile(r"^down_revision\s*(?::[^=]*)?=\s*(.+)$", re.M)


def head_revisions() -> set[str]:
    """The head revision ids, read from the version files without importing Alembic."""
    revisions: set[str] = set()
    downs: set[str] = set()
    for path in (MIGRATIONS / "versions").glob("*.py"):
        text = path.read_text(encoding="utf-8")
        rev, down = _REVISION.search(text), _DOWN.search(text)
        if rev:
            revisions.add(rev.group(1))
        if down:
            downs.update(re.findall(r"['\"]([^'\"]+)['\"]", down.group(1)))
    return revisions - downs


def is_current(database_url: str) -> bool:
    """Whether the database's alembic_version already names every head (one cheap query)."""
    from sqlalchemy import inspect, text

    from channel_core.db import make_engine

    engine = make_engine(database_url)
    try:
        if not inspect(engine).has_table("alembic_version"):
            return False
        with engine.connect() as conn:
            current = {row[0] for row in conn.execute(text("SELECT version_num FROM alembic_version"))}
    finally:
        engine.dispose()
    return bool(current) and current == head_revisions()


def upgrade_if_needed(database_url: str) -> None:
    """`upgrade` only when the schema is behind: a server start at head skips Alembic (~1 s)."""
    if not is_current(database_url):
        upgrade(database_url)
