"""The yardsticks: bare Flask apps doing the least the portal's route could do.

Served by gunicorn from the benchmark scripts as `core_lib.baselines:<factory>()`.
"""

from __future__ import annotations

import os
from pathlib import Path

from flask import Flask, Response, request


def bare_json_app() -> Flask:
    """One route returning the bytes in $BENCH_JSON_FILE as application/json (pre-serialized)."""
    body = Path(os.environ["BENCH_JSON_FILE"]).read_bytes()
    app = Flask("bare_json")

    @app.get("/healthz")
    def healthz():
        return {"ok": True}

    @app.get("/json")
    def listing():
        return Response(body, mimetype="application/json")

    return app


def bare_insert_app() -> Flask:
    """One route that parses the JSON body and INSERTs it as one row on $BENCH_DATABASE_URL."""
    import sqlalchemy as sa

    engine = sa.create_engine(os.environ["BENCH_DATABASE_URL"], pool_size=5, max_overflow=5)
    meta = sa.MetaData()
    table = sa.Table("bench_insert", meta,
                     sa.Column("id", sa.Integer, primary_key=True),
                     sa.Column("body", sa.JSON, nullable=False),
                     sa.Column("created_at", sa.DateTime(timezone=True),
                               server_default=sa.func.now()))
    app = Flask("bare_insert")

    @app.get("/healthz")
    def healthz():
        return {"ok": True}

    @app.post("/insert")
    def insert():
        body = request.get_json()
        with engine.begin() as conn:
            row_id = conn.execute(table.insert().values(body=body).returning(table.c.id)).scalar()
        return {"id": row_id}, 201

    return app


def create_insert_table(database_url: str) -> None:
    """Create the baseline's table (once, before its gunicorn workers start)."""
    import sqlalchemy as sa

    engine = sa.create_engine(database_url)
    with engine.begin() as conn:
        conn.exec_driver_sql(
            "CREATE TABLE IF NOT EXISTS bench_insert (id SERIAL PRIMARY KEY, body JSON NOT NULL, "
            "created_at TIMESTAMPTZ DEFAULT now())")
    engine.dispose()
