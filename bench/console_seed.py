"""Fill a PostgreSQL database with N matters spread over a year, for the console benchmarks.

A few thousand template matters go through the core's own submit and workflow engine
(validation, numbering, clocks, events, outbox), with creation times spread over the past
365 days; those older than a week are worked through their workflow to a final state. The
rest are copies of those templates (matter row, events and clocks, times shifted, a new
number with its check digit, a new contact phone, the search text to match), bulk-inserted,
so N = 100,000 takes minutes rather than an hour. Finally the SLA job runs, as the server
would, so overdue clocks are marked and escalated.

    .venv/bin/python bench/console_seed.py postgresql+psycopg://postgres@127.0.0.1/db 100000
"""

from __future__ import annotations

import random
import sys
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import sqlalchemy as sa  # noqa: E402

from channel_core.actors import Actor  # noqa: E402
from channel_core.catalog.catalog import Catalog  # noqa: E402
from channel_core.config import ROOT, PortalConfig  # noqa: E402
from channel_core.db import Database, utcnow  # noqa: E402
from channel_core.matters import service as matters  # noqa: E402
from channel_core.workflows import engine  # noqa: E402

CHANNELS = ("kiosk", "kiosk", "tv", "hotline", "hotline", "chatbot", "wechat")
SKIP = ("cancel", "reject", "refuse", "escalate", "reopen")
WORKER = Actor(kind="staff", id=None, name="bench", department=None,
               roles=frozenset({"admin", "staff", "supervisor", "provider", "resident"}))


def _fields(svc) -> dict:
    sys.path.insert(0, str(ROOT))
    from tests.console.conftest import sample_fields

    return sample_fields(svc)


def _work(session, matter, rng: random.Random, at) -> None:
    """Walk a matter along its happy path to a final state, a few hours per step."""
    wf = engine.workflow_of(session, matter)
    for _ in range(8):
        if wf.states[matter.state].final:
            return
        options = [t for t in wf.available(matter.state) if t.name not in SKIP]
        if not options:
            return
        t = options[0]
        at = at + timedelta(minutes=rng.randint(20, 600))
        engine.fire(session, matter, t.name, WORKER, note="bench" if t.needs_note else None,
                    rating=rng.choice((3, 4, 4, 5, 5)) if t.name == "rate" else None, now=at)


def seed_templates(url: str, n: int, seed: int = 7) -> int:
    """Add matters through the core until the database holds at least n."""
    from portal_client import Service

    config = PortalConfig(database_url=url, content_dir=ROOT / "content", jobs="off")
    catalog = Catalog.from_dir(config.content_dir)
    db = Database(url)
    with db.session() as s:
        have = matters.count_by_state(s)
    todo = n - sum(have.values())
    if todo <= 0:
        return 0
    rng = random.Random(seed + sum(have.values()))
    from channel_core.api.catalog_views import service_json
    from channel_core.matters.validate import validate_fields

    services = []
    for svc in catalog.services.values():
        if svc.requires_identity:
            continue
        try:
            fields = _fields(Service.from_json(service_json(svc)))
        except AssertionError:
            continue  # a field pattern the sample maker cannot satisfy
        if not validate_fields(svc, fields, "zh_CN")[1]:
            # Filed only through the channels that offer it (WeChat is the chatbot's).
            offered = [ch for ch in CHANNELS
                       if ("chatbot" if ch == "wechat" else ch) in svc.channels]
            if offered:
                services.append((svc.id, fields, offered))
    now = utcnow()
    added = 0
    started = time.monotonic()
    while added < todo:
        with db.session() as s:
            for _ in range(min(500, todo - added)):
                sid, fields, offered = rng.choice(services)
                at = now - timedelta(seconds=rng.randint(0, 365 * 86400))
                sub = matters.Submission(service_id=sid, fields=fields, lang="zh_CN",
                                         channel=rng.choice(offered),
                                         contact_name="居民" + str(rng.randint(1, 5000)),
                                         contact_phone=f"139{rng.randint(0, 99_999_999):08d}")
                m, _ = matters.submit(s, catalog, sub, Actor(kind="channel", channel="kiosk",
                                                             name="kiosk"), now=at)
                if at < now - timedelta(days=7):
                    _work(s, m, rng, at)
                added += 1
        rate = added / (time.monotonic() - started)
        print(f"  seeded {added}/{todo} matters ({rate:.0f}/s)", flush=True)
    db.dispose()
    return added


def _rows(conn, table, where=None) -> list[dict]:
    stmt = sa.select(table) if where is None else sa.select(table).where(where)
    return [dict(r._mapping) for r in conn.execute(stmt)]


def replicate(url: str, n: int, seed: int = 11) -> int:
    """Copy template matters (with their events and clocks) until there are n matters."""
    from channel_core.matters import numbers
    from channel_core.matters.models import Matter, MatterClock, MatterEvent
    from channel_core.matters.search import search_text

    services = Catalog.from_dir(ROOT / "content").services

    engine_ = sa.create_engine(url)
    m_t, e_t, c_t = Matter.__table__, MatterEvent.__table__, MatterClock.__table__
    rng = random.Random(seed)
    now = utcnow()
    with engine_.begin() as conn:
        have = conn.execute(sa.select(sa.func.count()).select_from(m_t)).scalar_one()
        if have >= n:
            return 0
        templates = _rows(conn, m_t)
        events: dict[int, list[dict]] = {}
        for e in _rows(conn, e_t):
            events.setdefault(e["matter_id"], []).append(e)
        clocks: dict[int, list[dict]] = {}
        for c in _rows(conn, c_t):
            clocks.setdefault(c["matter_id"], []).append(c)
        recent = [t for t in templates if t["created_at"] > now - timedelta(days=7)]
        older = [t for t in templates if t["created_at"] <= now - timedelta(days=7)]
        next_m = conn.execute(sa.select(sa.func.max(m_t.c.id))).scalar_one() + 1
        next_e = conn.execute(sa.select(sa.func.max(e_t.c.id))).scalar_one() + 1
        next_c = conn.execute(sa.select(sa.func.max(c_t.c.id))).scalar_one() + 1
        todo = n - have
        done = 0
        while done < todo:
            batch_m, batch_e, batch_c = [], [], []
            for _ in range(min(5000, todo - done)):
                at = now - timedelta(seconds=rng.randint(0, 365 * 86400))
                pool = recent if at > now - timedelta(days=7) else older
                t = rng.choice(pool or templates)
                shift = at - t["created_at"]
                row = dict(t, id=next_m, number=numbers.encode(next_m), client_ref=None,
                           contact_phone=f"139{rng.randint(0, 99_999_999):08d}")
                row["search_text"] = search_text(services.get(row["service_id"]), row["number"],
                                                 row["contact_name"], row["contact_phone"],
                                                 row["fields"])
                for key in ("created_at", "updated_at", "closed_at", "due_at"):
                    if row[key] is not None:
                        row[key] = row[key] + shift
                batch_m.append(row)
                for e in events.get(t["id"], ()):
                    batch_e.append(dict(e, id=next_e, matter_id=next_m, at=e["at"] + shift))
                    next_e += 1
                for c in clocks.get(t["id"], ()):
                    batch_c.append(dict(c, id=next_c, matter_id=next_m,
                                        **{k: (c[k] + shift if c[k] is not None else None)
                                           for k in ("deadline", "stopped_at", "breached_at",
                                                     "last_paged_at")}))
                    next_c += 1
                next_m += 1
            conn.execute(m_t.insert(), batch_m)
            conn.execute(e_t.insert(), batch_e)
            if batch_c:
                conn.execute(c_t.insert(), batch_c)
            done += len(batch_m)
            print(f"  copied {done}/{todo} matters", flush=True)
        for table in ("matters", "matter_events", "matter_clocks"):
            conn.exec_driver_sql(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                                 f"(SELECT max(id) FROM {table}))")
        conn.exec_driver_sql("ANALYZE")
    engine_.dispose()
    return todo


def run_sla_job(url: str) -> int:
    """Mark and escalate overdue clocks as the server's background job would."""
    from channel_core.jobs import core_jobs

    catalog = Catalog.from_dir(ROOT / "content")
    db = Database(url)
    total = 0
    while True:
        fired = core_jobs.check_clocks(db, catalog)
        total += fired
        if fired == 0:
            break
    db.dispose()
    return total


def seed(url: str, n: int, templates: int = 2000) -> None:
    """At least n matters in the database at `url` (already migrated and seeded)."""
    t0 = time.monotonic()
    added = seed_templates(url, min(n, templates))
    copied = replicate(url, n)
    fired = run_sla_job(url) if added or copied else 0
    print(f"  {added} through the core, {copied} copied, {fired} overdue clocks fired "
          f"({time.monotonic() - t0:.0f} s)", flush=True)


if __name__ == "__main__":
    seed(sys.argv[1], int(sys.argv[2]))
