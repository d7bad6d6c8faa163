"""The `portal` command: content check, migrate + seed, and serve answering over HTTP."""

import os
import socket
import subprocess
import sys
import time

import requests

from channel_core.config import ROOT


def _env(tmp_path, **extra):
    env = dict(os.environ)
    env.update(PORTAL_DATABASE_URL=f"sqlite:///{tmp_path / 'cli.db'}", PORTAL_JOBS="off", **extra)
    return env


def _portal(*args, env):
    return subprocess.run([sys.executable, "-m", "portal.cli", *args], env=env, cwd=ROOT,
                          capture_output=True, text=True, timeout=300)


def test_content_check_reports_problems(tmp_path):
    env = _env(tmp_path)
    ok = _portal("content", "check", env=env)
    assert ok.returncode == 0 and "services" in ok.stdout
    bad = tmp_path / "content"
    (bad / "services").mkdir(parents=True)
    (bad / "services" / "gov.x.yaml").write_text("id: gov.x\nfamily: nope\n", encoding="utf-8")
    out = _portal("content", "check", str(bad), env=env)
    assert out.returncode == 1 and "services/gov.x.yaml: family" in out.stderr


def test_migrate_seed_serve(tmp_path):
    env = _env(tmp_path)
    assert _portal("migrate", env=env).returncode == 0
    seeded = _portal("seed", env=env)
    assert seeded.returncode == 0, seeded.stderr
    assert _portal("seed", env=env).returncode == 0  # idempotent
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    proc = subprocess.Popen([sys.executable, "-m", "portal.cli", "serve", "--port", str(port)],
                            env=env, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                r = requests.get(f"http://127.0.0.1:{port}/api/v1/services?family=gov",
                                 headers={"X-Channel-Token": "demo-kiosk-token"}, timeout=1)
                break
            except requests.ConnectionError:
                time.sleep(0.1)
        assert r.status_code == 200 and r.json()["count"] >= 5
        r = requests.get(f"http://127.0.0.1:{port}/api/v1/matters/100000012", timeout=5,
                         headers={"Accept-Language": "en"})
        assert r.status_code == 422 and r.headers["Content-Type"] == "application/problem+json"
    finally:
        proc.terminate()
        proc.wait(timeout=10)
