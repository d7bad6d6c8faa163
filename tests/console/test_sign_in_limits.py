"""Failed sign-ins and lockouts in the audit log (never a password or code); one limit on
failures per client address for all workers, kept in the core's database or in Redis; and
X-Forwarded-For believed only behind a trusted proxy."""

from __future__ import annotations

import json
import socket
import uuid

import pytest

from portal.server import create_server_app
from tests.conftest import _seeded_app, make_config, staff_client
from tests.console.conftest import csrf_of, demo_staff, totp_now

WRONG = "wrong-password-5f3a"


def _login(tc, username: str, password: str, totp: str, address: str = "192.0.2.10",
           forwarded: str | None = None):
    """Post the console's sign-in form from `address` (the socket), as a browser would."""
    environ = {"REMOTE_ADDR": address}
    headers = {"X-Forwarded-For": forwarded} if forwarded else {}
    page = tc.get("/console/login?lang=en", environ_base=environ, headers=headers)
    return tc.post("/console/login", environ_base=environ, headers=headers, data={
        "csrf_token": csrf_of(page.text), "username": username, "password": password,
        "totp": totp})


def _audit(app) -> list[dict]:
    """The whole audit log, oldest first, as an admin reads it from the core."""
    admin = staff_client(app, "admin")
    rows: list[dict] = []
    page = 1
    while True:
        items = admin.get("/api/v1/audit", params={"page": page})["items"]
        rows.extend(items)
        if len(items) < 50:
            return list(reversed(rows))
        page += 1


REFUSALS = ("staff.login_failed", "staff.locked", "staff.login_throttled")


def _refusals(app) -> list[dict]:
    return [r for r in _audit(app) if r["action"] in REFUSALS]


def test_failed_sign_ins_and_the_lockout_are_audited_without_secrets(app):
    tc = app.test_client()
    code = totp_now("liu.fang")
    for _ in range(5):
        assert _login(tc, "liu.fang", WRONG, code, address="198.51.100.7").status_code == 401
    right = demo_staff("liu.fang")["password"]
    assert _login(tc, "liu.fang", right, code, address="198.51.100.7").status_code == 423
    assert _login(tc, "zhang.wei", demo_staff("zhang.wei")["password"], "000000").status_code == 401
    assert _login(tc, "no.such.person", "my-secret-pass", "123456").status_code == 401

    rows = _refusals(app)
    got = [(r["action"], r["target"], (r["detail"] or {}).get("reason"), r["ip"]) for r in rows]
    assert got == [
        *[("staff.login_failed", "liu.fang", "password", "198.51.100.7")] * 5,
        ("staff.locked", "liu.fang", None, "198.51.100.7"),
        ("staff.login_failed", "liu.fang", "locked", "198.51.100.7"),
        ("staff.login_failed", "zhang.wei", "totp", "192.0.2.10"),
        # An unknown name is not kept: people type their password there by mistake.
        ("staff.login_failed", None, "unknown_user", "192.0.2.10"),
    ]
    assert all(r["actor_kind"] == "anonymous" and r["actor_id"] is None for r in rows)
    locked = rows[5]["detail"]
    assert locked["after_failures"] == 5 and locked["until"] and locked["staff_id"]
    # What is kept: the account, why, when the lock ends; nothing typed into the form.
    assert all(set(r["detail"]) <= {"staff_id", "reason", "until", "after_failures"}
               for r in rows)
    text = json.dumps(_audit(app), ensure_ascii=False)
    for secret in (WRONG, right, "my-secret-pass", "no.such.person"):
        assert secret not in text

    # The admin's audit page shows them in words.
    admin = app.test_client()
    r = _login(admin, "admin", demo_staff("admin")["password"], totp_now("admin", 1))
    assert r.status_code == 302
    page = admin.get("/console/audit").text
    assert "staff.login_failed" in page and "staff.locked" in page
    assert "Not signed in" in page and "198.51.100.7" in page


def test_the_limit_holds_across_workers_sharing_the_database(sqlite_url):
    """Two apps on one database are two gunicorn workers: failures on either count once."""
    one = _seeded_app(sqlite_url)
    two = create_server_app(make_config(sqlite_url))
    try:
        workers = [one.test_client(), two.test_client()]
        statuses = [_login(workers[i % 2], f"nobody{i}", "x", "123456").status_code
                    for i in range(10)]
        assert statuses == [401] * 10
        for tc in workers:  # whichever worker answers, the 11th try is refused
            r = _login(tc, "zhang.wei", demo_staff("zhang.wei")["password"],
                       totp_now("zhang.wei"))
            assert r.status_code == 429 and "Too many attempts" in r.text
        # Another address is not affected.
        r = _login(workers[1], "zhang.wei", demo_staff("zhang.wei")["password"],
                   totp_now("zhang.wei"), address="192.0.2.99")
        assert r.status_code == 302
        rows = [r for r in _audit(one) if r["action"] == "staff.login_throttled"]
        assert [r["ip"] for r in rows] == ["192.0.2.10", "192.0.2.10"]
    finally:
        one.extensions["portal"].db.dispose()
        two.extensions["portal"].db.dispose()


def _redis_url() -> str:
    try:
        socket.create_connection(("127.0.0.1", 6379), timeout=0.5).close()
    except OSError:
        pytest.skip("no Redis on 127.0.0.1:6379")
    return "redis://127.0.0.1:6379/15"


def test_with_redis_configured_workers_share_the_limit_there(tmp_path, monkeypatch):
    """Two workers on two databases share only Redis: the limit still holds, and the 11th try
    is turned away by the console before the core hears of it."""
    monkeypatch.setenv("CONSOLE_THROTTLE", _redis_url())
    address = f"203.0.113.{uuid.uuid4().int % 250 + 1}"
    apps = [_seeded_app(f"sqlite:///{tmp_path / 'a.db'}"),
            _seeded_app(f"sqlite:///{tmp_path / 'b.db'}")]
    throttle = apps[0].extensions["console"]["throttle"]
    throttle.succeeded(address)  # a clean slate for this address
    try:
        workers = [a.test_client() for a in apps]
        for i in range(10):
            assert _login(workers[i % 2], f"nobody{i}", "x", "123456",
                          address=address).status_code == 401
        r = _login(workers[0], "zhang.wei", demo_staff("zhang.wei")["password"],
                   totp_now("zhang.wei"), address=address)
        assert r.status_code == 429 and "Too many attempts" in r.text
        core_saw = [r["action"] for r in _audit(apps[0]) if r["ip"] == address]
        assert core_saw == ["staff.login_failed"] * 5  # the 11th never reached the core
    finally:
        throttle.succeeded(address)
        for a in apps:
            a.extensions["portal"].db.dispose()


def test_forwarded_for_is_ignored_unless_a_proxy_is_trusted(app):
    tc = app.test_client()
    for i in range(10):  # a client making up a new address each time
        assert _login(tc, f"nobody{i}", "x", "123456",
                      forwarded=f"198.51.100.{i}").status_code == 401
    r = _login(tc, "zhang.wei", demo_staff("zhang.wei")["password"], totp_now("zhang.wei"),
               forwarded="198.51.100.200")
    assert r.status_code == 429
    assert {r["ip"] for r in _audit(app) if r["action"] == "staff.login_failed"} == {"192.0.2.10"}


def test_behind_a_trusted_proxy_the_forwarded_address_counts(sqlite_url, monkeypatch):
    monkeypatch.setenv("CONSOLE_TRUSTED_PROXIES", "1")
    app = _seeded_app(sqlite_url)
    try:
        tc = app.test_client()
        proxy = "10.0.0.2"  # every request arrives from the proxy's socket
        for i in range(10):
            # The client's own made-up header comes first; the proxy appends the real one.
            assert _login(tc, f"nobody{i}", "x", "123456", address=proxy,
                          forwarded=f"6.6.6.{i}, 198.51.100.1").status_code == 401
        password = demo_staff("zhang.wei")["password"]
        r = _login(tc, "zhang.wei", password, totp_now("zhang.wei"), address=proxy,
                   forwarded="198.51.100.1")
        assert r.status_code == 429
        # Another person behind the same proxy signs in.
        r = _login(tc, "zhang.wei", password, totp_now("zhang.wei"), address=proxy,
                   forwarded="198.51.100.2")
        assert r.status_code == 302
        ips = {r["ip"] for r in _audit(app) if r["action"].startswith("staff.login")
               and r["target"] != "admin"}
        assert ips == {"198.51.100.1", "198.51.100.2"}
    finally:
        app.extensions["portal"].db.dispose()
