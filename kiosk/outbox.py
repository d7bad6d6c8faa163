"""The kiosk's durable submission queue (store-and-forward), one SQLite file in its data dir.

Every submission is written here before it is sent, with a client_ref the core uses for
idempotency: a send that times out is simply sent again and the core answers with the same
matter, so nothing is lost and nothing is doubled. Personal fields are erased once sent.

A submission the core refuses when it is forwarded (the resident has walked away) is handed
to staff as a call-back request, exactly once by its own client_ref, and then erased too:

    queued ──sent──▶ sent
       └──refused──▶ rejected ──call-back filed──▶ referred
                        └──no way to call back───▶ returned
"""

from __future__ import annotations

import json
import secrets
import sqlite3
import threading
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from portal_client import Matter, PortalProblem, PortalUnavailable

QUEUED, SENT = "queued", "sent"
REJECTED = "rejected"  # refused when forwarded; still to be handed to staff
REFERRED = "referred"  # handed to staff as a call-back request (referral_number)
RETURNED = "returned"  # refused, and nobody can call the resident back: fill it in again
_SCHEMA = """
CREATE TABLE IF NOT EXISTS submissions (
    client_ref TEXT PRIMARY KEY,
    local_code TEXT NOT NULL UNIQUE,
    service_id TEXT NOT NULL,
    payload TEXT NOT NULL,
    token TEXT,
    state TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    matter_number TEXT,
    error TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS submissions_state ON submissions (state, created_at);
"""
_ADDED_COLUMNS = (("reasons", "TEXT"), ("referral_number", "TEXT"))  # since call-backs


@dataclass(frozen=True)
class Submission:
    """One request as the resident filled it in."""

    service_id: str
    fields: dict
    lang: str
    contact: dict | None = None
    token: str | None = None  # resident bearer, for services that require identity
    resident_id: int | None = None  # who was signed in (staff can look them up to call back)


@dataclass(frozen=True)
class QueuedSubmission:
    """A row of the queue."""

    client_ref: str
    local_code: str  # 8 digits shown on the provisional receipt
    service_id: str
    state: str
    attempts: int
    matter_number: str | None
    error: str | None
    created_at: str
    submission: Submission | None  # None once sent, referred or returned (fields erased)
    reasons: Refusal | None = None  # why the core refused it when forwarded
    referral_number: str | None = None  # the call-back request staff work on


@dataclass(frozen=True)
class Refusal:
    """What the core said when it refused a forwarded submission (in the submission's
    language): its detail and the message for each field it refused."""

    status: int
    code: str
    detail: str
    fields: dict[str, str]
    lang: str

    def to_json(self) -> str:
        return json.dumps({"status": self.status, "code": self.code, "detail": self.detail,
                           "fields": self.fields, "lang": self.lang}, ensure_ascii=False)

    @classmethod
    def from_json(cls, text: str | None) -> Refusal | None:
        if not text:
            return None
        d = json.loads(text)
        return cls(d["status"], d["code"], d["detail"], d.get("fields") or {}, d["lang"])


@dataclass(frozen=True)
class ForwardReport:
    """What one pass over the queue did."""

    sent: tuple[str, ...]  # client_refs
    rejected: tuple[str, ...]
    remaining: int
    reachable: bool
    referred: tuple[str, ...] = ()  # handed to staff as call-back requests (this pass)
    returned: tuple[str, ...] = ()  # refused, nobody to call back


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


class SubmissionQueue:
    """Durable queue of submissions; safe for one kiosk process (a thread lock serializes)."""

    def __init__(self, path: Path, kiosk_id: str) -> None:
        self.path = path
        self.kiosk_id = kiosk_id
        self._lock = threading.Lock()
        path.parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=FULL")
        self._db.executescript(_SCHEMA)
        have = {r[1] for r in self._db.execute("PRAGMA table_info(submissions)")}
        for name, decl in _ADDED_COLUMNS:
            if name not in have:
                self._db.execute(f"ALTER TABLE submissions ADD COLUMN {name} {decl}")

    def close(self) -> None:
        self._db.close()

    def add(self, sub: Submission) -> QueuedSubmission:
        """Store a submission durably before anything is sent."""
        client_ref = f"{self.kiosk_id}-{uuid.uuid4().hex}"[:80]
        payload = json.dumps({"fields": sub.fields, "lang": sub.lang, "contact": sub.contact,
                              "resident_id": sub.resident_id}, ensure_ascii=False)
        with self._lock:
            for _ in range(20):
                code = f"{secrets.randbelow(10**8):08d}"
                try:
                    self._db.execute(
                        "INSERT INTO submissions (client_ref, local_code, service_id, payload, "
                        "token, state, created_at, updated_at) VALUES (?,?,?,?,?,?,?,?)",
                        (client_ref, code, sub.service_id, payload, sub.token, QUEUED, _now(),
                         _now()))
                    break
                except sqlite3.IntegrityError:
                    continue
        found = self.get(client_ref)
        assert found is not None
        return found

    def _row(self, r: tuple) -> QueuedSubmission:
        (client_ref, code, service_id, payload, token, state, attempts, number, error,
         created, reasons, referral) = r
        data = json.loads(payload) if payload else {}
        sub = Submission(service_id, data["fields"], data["lang"], data.get("contact"),
                         token, data.get("resident_id")) if data else None
        return QueuedSubmission(client_ref, code, service_id, state, attempts, number, error,
                                created, sub, Refusal.from_json(reasons), referral)

    _COLS = ("client_ref, local_code, service_id, payload, token, state, attempts, "
             "matter_number, error, created_at, reasons, referral_number")

    def get(self, client_ref: str) -> QueuedSubmission | None:
        with self._lock:
            r = self._db.execute(f"SELECT {self._COLS} FROM submissions WHERE client_ref=?",
                                 (client_ref,)).fetchone()
        return self._row(r) if r else None

    def by_code(self, local_code: str) -> QueuedSubmission | None:
        """Look a provisional receipt's code up (the track screen does)."""
        with self._lock:
            r = self._db.execute(f"SELECT {self._COLS} FROM submissions WHERE local_code=?",
                                 (local_code,)).fetchone()
        return self._row(r) if r else None

    def pending(self, state: str = QUEUED) -> list[QueuedSubmission]:
        """Submissions in `state` (queued: still to send), oldest first."""
        with self._lock:
            rows = self._db.execute(f"SELECT {self._COLS} FROM submissions WHERE state=? "
                                    "ORDER BY created_at, rowid", (state,)).fetchall()
        return [self._row(r) for r in rows]

    def count(self, state: str = QUEUED) -> int:
        with self._lock:
            return self._db.execute("SELECT COUNT(*) FROM submissions WHERE state=?",
                                    (state,)).fetchone()[0]

    def holds_token(self, token: str) -> bool:
        """Whether a queued submission (or one still to hand to staff) needs this token."""
        with self._lock:
            return self._db.execute("SELECT 1 FROM submissions WHERE state IN (?, ?) "
                                    "AND token=?", (QUEUED, REJECTED, token)).fetchone() is not None

    def mark_sent(self, client_ref: str, number: str) -> None:
        """Record the matter number and erase the personal fields and token."""
        with self._lock:
            self._db.execute("UPDATE submissions SET state=?, matter_number=?, payload='', "
                             "token=NULL, error=NULL, updated_at=? WHERE client_ref=?",
                             (SENT, number, _now(), client_ref))

    def mark_rejected(self, client_ref: str, refusal: Refusal) -> None:
        """The core refused it for good: kept (fields, token) until handed to staff."""
        error = f"{refusal.status} {refusal.code}: {refusal.detail}"
        with self._lock:
            self._db.execute("UPDATE submissions SET state=?, error=?, reasons=?, updated_at=? "
                             "WHERE client_ref=?",
                             (REJECTED, error[:500], refusal.to_json(), _now(), client_ref))

    def mark_referred(self, client_ref: str, number: str) -> None:
        """Staff have it as call-back request `number`: erase the fields and token."""
        with self._lock:
            self._db.execute("UPDATE submissions SET state=?, referral_number=?, payload='', "
                             "token=NULL, updated_at=? WHERE client_ref=? AND state=?",
                             (REFERRED, number, _now(), client_ref, REJECTED))

    def mark_returned(self, client_ref: str, why: str) -> None:
        """Nobody can call the resident back: erase the fields and token, keep the reasons."""
        with self._lock:
            self._db.execute("UPDATE submissions SET state=?, error=?, payload='', token=NULL, "
                             "updated_at=? WHERE client_ref=? AND state=?",
                             (RETURNED, why[:500], _now(), client_ref, REJECTED))

    def discard(self, client_ref: str) -> None:
        """Forget a submission the resident is still correcting (the core said 422 at once)."""
        with self._lock:
            self._db.execute("DELETE FROM submissions WHERE client_ref=? AND state=?",
                             (client_ref, QUEUED))

    def note_attempt(self, client_ref: str, error: str | None) -> None:
        """Count a failed send (the row stays queued)."""
        with self._lock:
            self._db.execute("UPDATE submissions SET attempts=attempts+1, error=?, updated_at=? "
                             "WHERE client_ref=?", (error, _now(), client_ref))

    def send(self, row: QueuedSubmission, submit: Callable[[QueuedSubmission], Matter]) -> Matter:
        """Send one row; marks it sent, or rejected on a final refusal; re-raises failures."""
        try:
            matter = submit(row)
        except PortalUnavailable as exc:
            self.note_attempt(row.client_ref, exc.detail[:200])
            raise
        except PortalProblem as exc:
            if exc.status >= 500:
                self.note_attempt(row.client_ref, f"{exc.status} {exc.code}")
                raise
            lang = row.submission.lang if row.submission else ""
            self.mark_rejected(row.client_ref, Refusal(exc.status, exc.code, exc.detail,
                                                       exc.field_errors, lang))
            raise
        self.mark_sent(row.client_ref, matter.number)
        return matter

    def forward(self, submit: Callable[[QueuedSubmission], Matter]) -> ForwardReport:
        """Send every queued row in order; stop at the first sign the server is unreachable."""
        sent: list[str] = []
        rejected: list[str] = []
        reachable = True
        for row in self.pending():
            try:
                self.send(row, submit)
                sent.append(row.client_ref)
            except PortalUnavailable:
                reachable = False
                break
            except PortalProblem as exc:
                if exc.status >= 500:
                    reachable = False
                    break
                rejected.append(row.client_ref)
        return ForwardReport(tuple(sent), tuple(rejected), self.count(QUEUED), reachable)
