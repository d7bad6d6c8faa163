"""The box's durable queue of urgent actions (SOS calls, daily check-ins), one SQLite file.

An SOS is written here *before* it is sent, with the client_ref the core uses for
idempotency, so a crash, a power cut or a dead server loses nothing, and a resend after a
lost answer returns the same matter instead of a second one. At most one SOS is active at a
time: pressing SOS again while one is waiting or being handled shows that one.
"""

from __future__ import annotations

import sqlite3
import threading
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

SOS, CHECKIN = "sos", "checkin"
# Local life of an SOS: queued (not yet accepted by the core) → raised (a matter exists)
# → acknowledged (staff answered) → closed (resolved, closed or a false alarm).
QUEUED, RAISED, ACKNOWLEDGED, CLOSED, FAILED, SENT = (
    "queued", "raised", "acknowledged", "closed", "failed", "sent")
ACTIVE_SOS = (QUEUED, RAISED, ACKNOWLEDGED)

_SCHEMA = """
CREATE TABLE IF NOT EXISTS actions (
    client_ref TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    day TEXT,
    lang TEXT NOT NULL,
    state TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    matter_number TEXT,
    status_label TEXT,
    acknowledged_at TEXT,
    error TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE UNIQUE INDEX IF NOT EXISTS one_checkin_a_day ON actions (day) WHERE kind = 'checkin';
"""


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


@dataclass(frozen=True)
class Action:
    """One queued or sent SOS / check-in."""

    client_ref: str
    kind: str
    day: str | None
    lang: str
    state: str
    attempts: int
    matter_number: str | None
    status_label: str | None  # the core's state label, in the household's language
    acknowledged_at: str | None
    error: str | None
    created_at: str

    @property
    def active(self) -> bool:
        """An SOS still waiting to be sent or handled."""
        return self.kind == SOS and self.state in ACTIVE_SOS


class PendingActions:
    """The queue file; safe to use from the UI thread and one worker thread."""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self._lock = threading.Lock()
        self._db = sqlite3.connect(str(path), check_same_thread=False, isolation_level=None)
        self._db.row_factory = sqlite3.Row
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=FULL")  # an SOS must survive a power cut
        self._db.executescript(_SCHEMA)

    def close(self) -> None:
        """Close the file."""
        with self._lock:
            self._db.close()

    def _one(self, sql: str, args: tuple = ()) -> Action | None:
        row = self._db.execute(sql, args).fetchone()
        return Action(**{k: row[k] for k in Action.__dataclass_fields__}) if row else None

    def get(self, client_ref: str) -> Action | None:
        """One action by its client_ref."""
        with self._lock:
            return self._one("SELECT * FROM actions WHERE client_ref = ?", (client_ref,))

    def active_sos(self) -> Action | None:
        """The SOS being sent or handled, if any."""
        marks = ",".join("?" * len(ACTIVE_SOS))
        with self._lock:
            return self._one(f"SELECT * FROM actions WHERE kind = 'sos' AND state IN ({marks}) "
                             "ORDER BY created_at DESC LIMIT 1", ACTIVE_SOS)

    def latest_sos(self) -> Action | None:
        """The most recent SOS in any state."""
        with self._lock:
            return self._one("SELECT * FROM actions WHERE kind = 'sos' "
                             "ORDER BY created_at DESC, rowid DESC LIMIT 1")

    def raise_sos(self, lang: str) -> tuple[Action, bool]:
        """The active SOS, or a new queued one; (action, created) — never two at once."""
        marks = ",".join("?" * len(ACTIVE_SOS))
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                found = self._one(f"SELECT * FROM actions WHERE kind = 'sos' AND state IN "
                                  f"({marks}) ORDER BY created_at DESC LIMIT 1", ACTIVE_SOS)
                if found is None:
                    ref, now = f"tv-sos-{uuid.uuid4().hex}", _now()
                    self._db.execute(
                        "INSERT INTO actions (client_ref, kind, lang, state, created_at, "
                        "updated_at) VALUES (?, 'sos', ?, 'queued', ?, ?)", (ref, lang, now, now))
                    found = self._one("SELECT * FROM actions WHERE client_ref = ?", (ref,))
                    created = True
                else:
                    created = False
                self._db.execute("COMMIT")
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
        assert found is not None
        return found, created

    def check_in(self, day: str, lang: str) -> tuple[Action, bool]:
        """Today's check-in (queued once per day); (action, created)."""
        ref, now = f"tv-checkin-{day}", _now()
        with self._lock:
            cur = self._db.execute(
                "INSERT OR IGNORE INTO actions (client_ref, kind, day, lang, state, created_at, "
                "updated_at) VALUES (?, 'checkin', ?, ?, 'queued', ?, ?)", (ref, day, lang, now, now))
            found = self._one("SELECT * FROM actions WHERE kind = 'checkin' AND day = ?", (day,))
        assert found is not None
        return found, cur.rowcount == 1

    def queued(self) -> list[Action]:
        """Everything not yet accepted by the core, SOS first, oldest first."""
        with self._lock:
            rows = self._db.execute(
                "SELECT * FROM actions WHERE state = 'queued' "
                "ORDER BY kind = 'sos' DESC, created_at, rowid").fetchall()
        return [Action(**{k: r[k] for k in Action.__dataclass_fields__}) for r in rows]

    def update(self, client_ref: str, **values: object) -> Action:
        """Record progress (state, matter_number, status_label, acknowledged_at, error)."""
        allowed = {"state", "matter_number", "status_label", "acknowledged_at", "error"}
        assert set(values) <= allowed, values
        sets = ", ".join(f"{k} = ?" for k in values)
        with self._lock:
            self._db.execute(f"UPDATE actions SET {sets}, updated_at = ? WHERE client_ref = ?",
                             (*values.values(), _now(), client_ref))
            found = self._one("SELECT * FROM actions WHERE client_ref = ?", (client_ref,))
        assert found is not None
        return found

    def attempted(self, client_ref: str, error: str | None) -> None:
        """Count one failed send."""
        with self._lock:
            self._db.execute("UPDATE actions SET attempts = attempts + 1, error = ?, "
                             "updated_at = ? WHERE client_ref = ?", (error, _now(), client_ref))
