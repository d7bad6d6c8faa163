"""Alembic migrations build exactly the schema the models describe, on both databases."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from channel_core.db import Base, import_all_models, make_engine
from channel_core.migrate import upgrade


def test_migrations_match_models(db_url):
    upgrade(db_url)
    import_all_models()
    engine = make_engine(db_url)
    with engine.connect() as conn:
        ctx = MigrationContext.configure(conn, opts={"compare_type": False})
        diff = compare_metadata(ctx, Base.metadata)
    engine.dispose()
    assert diff == [], diff
