"""Hotline webhooks: p50/p99 of every webhook of scripted calls, beside a bare Flask route
of the same app returning static TwiML, requested alternately in the same run; and, from
the call simulator, the prompts a caller hears before a status and the presses to an agent.

The portal (SQLite, payments, the hotline with its call state in Redis) runs under gunicorn
with two workers, so a call's webhooks land on either worker. Each call is played by the
tests' call simulator over HTTP with real X-Twilio-Signature headers: status by number,
menus and the agent queue, a repair report by speech and keys, an inbound SMS.
Targets: webhook p99 <= 2 x the bare route's p99; status within 3 prompts; agent in 1 press.

    .venv/bin/python bench/hotline_webhooks.py [--calls 40] [--workers 2] [--pg]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from contextlib import ExitStack
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import requests  # noqa: E402
from core_lib.servers import fresh_pg_database, gunicorn, portal_env  # noqa: E402

from tests.hotline.simulator import Twilio  # noqa: E402

AUTH_TOKEN = "bench-twilio-auth-token"
HOTLINE_TOKEN = "bench-hotline-token"
REDIS = "redis://127.0.0.1:6379/14"
TARGET_RATIO = 2.0


class Http:
    """The simulator's transport over real HTTP, timing every webhook and a baseline."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.session = requests.Session()
        self.webhook_ms: dict[str, list[float]] = {}
        self.static_ms: list[float] = []

    def post(self, path: str, data: dict, headers: dict):
        kind = path.split("?")[0].rsplit("/", 1)[-1]
        started = time.perf_counter()
        resp = self.session.post(self.base + path, data=data, headers=headers, timeout=30)
        self.webhook_ms.setdefault(kind, []).append((time.perf_counter() - started) * 1000)
        started = time.perf_counter()  # the baseline, right after, under the same load
        base = self.session.post(self.base + "/bench/static-twiml", data=data, timeout=30)
        self.static_ms.append((time.perf_counter() - started) * 1000)
        assert base.status_code == 200
        return _Answer(resp)


class _Answer:
    def __init__(self, resp: requests.Response) -> None:
        self.status_code = resp.status_code
        self.mimetype = resp.headers.get("Content-Type", "").split(";")[0]
        self.data = resp.content

    def get_data(self, as_text: bool = False):
        return self.data.decode() if as_text else self.data


def prepare(url: str) -> list[str]:
    """Seed the portal's database and file a few matters to ask about; returns their numbers."""
    from channel_core.config import ROOT, PortalConfig
    from portal.seed import seed_people
    from portal.server import create_server_app
    from portal_client import PortalClient
    from tests.channel_core.samples import sample_fields

    cfg = PortalConfig(database_url=url, content_dir=ROOT / "content", create_schema=True,
                       channel_tokens={"bench-kiosk": "kiosk"}, jobs="off")
    app = create_server_app(cfg)
    state = app.extensions["portal"]
    seed_people(state.db, state.config)
    try:
        from payments.seed import seed as seed_payments

        seed_payments(state.db, state.config)
    except ModuleNotFoundError:
        pass
    kiosk = PortalClient.in_process(app, channel_token="bench-kiosk", channel="kiosk")
    svc = kiosk.service("property.repair")
    numbers = [kiosk.submit_matter(svc.id, sample_fields(svc), "kiosk").number for _ in range(5)]
    state.db.dispose()
    return numbers


def status_call(twilio: Twilio, number: str, caller: str) -> int:
    """Status by number; returns the prompts heard until the status was spoken."""
    call = twilio.call(caller).start()
    call.choose("查询办理进度")
    call.press(number)
    assert call.hears("当前状态"), call.last
    return call.prompts


def agent_call(twilio: Twilio, caller: str) -> int:
    """Deep in the menus, then 0; returns the presses it took from there to the queue."""
    call = twilio.call(caller).start()
    call.press("2")
    call.press("1")
    call.press("4")
    call.press("*")
    before = call.presses
    call.press("0")
    assert call.doc.find("Enqueue") is not None
    call.post(call.doc.find("Enqueue").get("waitUrl"), follow=False, QueuePosition="1",
              QueueTime="0")
    return call.presses - before


def report_call(twilio: Twilio, caller: str) -> None:
    call = twilio.call(caller).start()
    call.say("我家卫生间漏水了")
    call.press("1")
    call.press("1")
    call.press("1")
    call.say("3号楼2单元501卫生间")
    call.press("1")
    call.say("水管一直滴水")
    call.press("1")
    call.press("1")
    assert call.hears("请核对"), call.last
    call.press("1")
    assert call.hears("已提交"), call.last


def pct(values: list[float], q: int) -> float:
    return statistics.quantiles(values, n=100)[q - 1] if len(values) > 1 else values[0]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--calls", type=int, default=40, help="calls of each kind")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--pg", action="store_true", help="PostgreSQL instead of SQLite")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="hotline-bench-"))
    with ExitStack() as stack:
        url = (stack.enter_context(fresh_pg_database("hotline_bench")) if args.pg
               else f"sqlite:///{work / 'portal.db'}")
        run(args, work, url)


def run(args: argparse.Namespace, work: Path, url: str) -> None:
    numbers = prepare(url)
    env = portal_env(url, PORTAL_CHANNEL_TOKENS=f"hotline={HOTLINE_TOKEN}",
                     PORTAL_HOTLINE_TOKEN=HOTLINE_TOKEN, TWILIO_AUTH_TOKEN=AUTH_TOKEN,
                     HOTLINE_STORE=REDIS, HOTLINE_BENCH_DIR=str(work))
    # gthread workers keep connections alive (sync workers close each one), like Twilio's
    # connection reuse; both routes are served by the same workers.
    with gunicorn("hotline_app:create()", env, args.workers, worker_class="gthread",
                  threads=2) as server:
        http = Http(server.url)
        twilio = Twilio(http, AUTH_TOKEN, base=server.url)
        for i in range(3):  # warm up every worker
            status_call(twilio, numbers[0], f"+86159{i:08d}")
        http.webhook_ms.clear()
        http.static_ms.clear()
        prompts, presses = [], []
        for i in range(args.calls):
            prompts.append(status_call(twilio, numbers[i % len(numbers)], f"+86158{i:08d}"))
            presses.append(agent_call(twilio, f"+86157{i:08d}"))
            report_call(twilio, f"+86156{i:08d}")
            assert "当前状态" in twilio.text(f"+86155{i:08d}", numbers[i % len(numbers)])
    every = [ms for v in http.webhook_ms.values() for ms in v]
    base99, hook99 = pct(http.static_ms, 99), pct(every, 99)
    db = "PostgreSQL" if url.startswith("postgresql") else "SQLite"
    print(f"hotline webhooks, {db}, {args.workers} gunicorn workers, call state in Redis, "
          f"{len(every)} webhooks of {args.calls * 4} calls/texts")
    print(f"{'':24}{'n':>6}{'p50 ms':>10}{'p90 ms':>10}{'p99 ms':>10}")

    def row(name: str, values: list[float]) -> None:
        print(f"{name:24}{len(values):>6}{pct(values, 50):>10.2f}{pct(values, 90):>10.2f}"
              f"{pct(values, 99):>10.2f}")

    row("bare static TwiML", http.static_ms)
    row("all webhooks", every)
    for kind, values in sorted(http.webhook_ms.items()):
        row(f"  {kind}", values)
    print(f"webhook p50 / bare p50 = {pct(every, 50) / pct(http.static_ms, 50):.2f}")
    ratio = hook99 / base99
    print(f"webhook p99 / bare p99 = {ratio:.2f} (target <= {TARGET_RATIO})"
          f" {'OK' if ratio <= TARGET_RATIO else 'MISSED'}")
    print(f"prompts until a status is heard: max {max(prompts)} (target <= 3); "
          f"presses to an agent: max {max(presses)} (target 1)")


if __name__ == "__main__":
    main()
