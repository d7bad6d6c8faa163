"""Hotline webhooks: p50/p99 of every webhook of scripted calls, beside a bare Flask app
returning static TwiML, requested alternately in the same run; and, from the call
simulator, the prompts a caller hears before a status and the presses to an agent.

The portal (SQLite, payments, the hotline with its call state in Redis) and the baseline
(`bench/hotline_app.py:bare`, a Flask app with one route and nothing else) run as two
gunicorn servers with the same worker class, workers and threads; a call's webhooks land
on either worker. Each call is played by the tests' call simulator over HTTP with real
X-Twilio-Signature headers: status by number, menus and the agent queue, a repair report by
speech and keys, an inbound SMS. Both prompt modes are measured: <Say> (Twilio speaks the
text) and <Play> (audio pre-rendered with espeak-ng before the run and cached; prompts
with a caller's own details, such as a new matter number, are rendered on first use).
Targets: webhook p99 <= 2 x the bare route's p99; status within 3 prompts; agent in 1 press.

    .venv/bin/python bench/hotline_webhooks.py [--calls 40] [--workers 2] [--threads 2]
                                               [--modes say,play] [--pg]
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
SECRET = "bench-secret"  # the portal's secret key: it names the cached audio files
TARGET_RATIO = 2.0


class Http:
    """The simulator's transport over real HTTP, timing every webhook and a baseline."""

    def __init__(self, base: str, bare: str, mode: str) -> None:
        self.base = base
        self.bare = f"{bare}/bench/static-twiml?mode={mode}"
        self.session = requests.Session()
        self.bare_session = requests.Session()
        self.webhook_ms: dict[str, list[float]] = {}
        self.static_ms: list[float] = []

    def post(self, path: str, data: dict, headers: dict):
        kind = path.split("?")[0].rsplit("/", 1)[-1]
        started = time.perf_counter()
        resp = self.session.post(self.base + path, data=data, headers=headers, timeout=30)
        self.webhook_ms.setdefault(kind, []).append((time.perf_counter() - started) * 1000)
        started = time.perf_counter()  # the baseline, right after, under the same load
        base = self.bare_session.post(self.bare, data=data, headers=headers, timeout=30)
        self.static_ms.append((time.perf_counter() - started) * 1000)
        assert base.status_code == 200 and base.content.startswith(b"<?xml")
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


def heard(call, text: str) -> bool:
    """Whether the caller heard `text` (audio played cannot be read back: then True)."""
    return call.doc.find(".//Play") is not None or call.hears(text)


def status_call(twilio: Twilio, number: str, caller: str) -> int:
    """Status by number; returns the prompts heard until the status was spoken."""
    call = twilio.call(caller).start()
    call.press("1")  # the status of a request: the first option for a caller not known
    call.press(number)
    # Said outside any question (a <Redirect> comes back for what next), not asked again.
    assert "<Redirect" in call.history[-2][2] and heard(call, "当前状态"), call.last
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
    """A repair reported by speech and keys, read back and submitted.

    Its last answer says the new matter's number: in <Play> mode that prompt is rendered
    when first said (it exists once), the one webhook of the run that is not from cache."""
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
    assert call.doc.find("Gather") is not None and heard(call, "请核对"), call.last
    call.press("1")
    assert "<Redirect" in call.history[-2][2] and heard(call, "已提交"), call.last


def pct(values: list[float], q: int) -> float:
    return statistics.quantiles(values, n=100)[q - 1] if len(values) > 1 else values[0]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--calls", type=int, default=40, help="calls of each kind")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--modes", default="say,play", help="prompt modes: say, play or both")
    parser.add_argument("--pg", action="store_true", help="PostgreSQL instead of SQLite")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="hotline-bench-"))
    with ExitStack() as stack:
        url = (stack.enter_context(fresh_pg_database("hotline_bench")) if args.pg
               else f"sqlite:///{work / 'portal.db'}")
        numbers = prepare(url)
        for mode in args.modes.split(","):
            run(args, work, url, numbers, mode)


def prerender(work: Path) -> int:
    """Render every fixed prompt before the run, as `python -m hotline.audio` does."""
    from hotline.audio import AudioCache
    from hotline.config import VOICES

    started = time.perf_counter()
    made = AudioCache(work / "audio", SECRET.encode()).prerender_prompts(VOICES)
    print(f"pre-rendered {made} prompts in {time.perf_counter() - started:.1f} s")
    return made


def run(args: argparse.Namespace, work: Path, url: str, numbers: list[str], mode: str) -> None:
    if mode == "play":
        prerender(work)
    env = portal_env(url, PORTAL_CHANNEL_TOKENS=f"hotline={HOTLINE_TOKEN}",
                     PORTAL_HOTLINE_TOKEN=HOTLINE_TOKEN, TWILIO_AUTH_TOKEN=AUTH_TOKEN,
                     HOTLINE_STORE=REDIS, HOTLINE_BENCH_DIR=str(work), HOTLINE_PROMPTS=mode,
                     PORTAL_SECRET_KEY=SECRET)
    # gthread workers keep connections alive (sync workers close each one), like Twilio's
    # connection reuse; the portal and the bare app get the same workers and threads.
    with gunicorn("hotline_app:create()", env, args.workers, worker_class="gthread",
                  threads=args.threads) as server, \
            gunicorn("hotline_app:bare()", env, args.workers, worker_class="gthread",
                     threads=args.threads) as bare:
        http = Http(server.url, bare.url, mode)
        twilio = Twilio(http, AUTH_TOKEN, base=server.url)
        for i, number in enumerate(numbers):  # warm up every worker (and, to play, the cache)
            for j in range(args.workers):
                status_call(twilio, number, f"+86159{i:04d}{j:04d}")
            agent_call(twilio, f"+86154{i:08d}")
            report_call(twilio, f"+86153{i:08d}")
        probe = twilio.call("+8615200000000").start()
        assert (probe.doc.find(".//Play") is not None) == (mode == "play"), probe.last
        http.webhook_ms.clear()
        http.static_ms.clear()
        cached = _audio_files(work)
        prompts, presses = [], []
        for i in range(args.calls):
            prompts.append(status_call(twilio, numbers[i % len(numbers)], f"+86158{i:08d}"))
            presses.append(agent_call(twilio, f"+86157{i:08d}"))
            report_call(twilio, f"+86156{i:08d}")
            assert "当前状态" in twilio.text(f"+86155{i:08d}", numbers[i % len(numbers)])
    report(args, url, mode, http, prompts, presses)
    if mode == "play":
        print(f"audio rendered while measuring (not from cache): {_audio_files(work) - cached}")


def _audio_files(work: Path) -> int:
    return sum(1 for _ in (work / "audio").rglob("*.wav"))


def report(args: argparse.Namespace, url: str, mode: str, http: Http, prompts: list[int],
           presses: list[int]) -> None:
    every = [ms for v in http.webhook_ms.values() for ms in v]
    base99, hook99 = pct(http.static_ms, 99), pct(every, 99)
    db = "PostgreSQL" if url.startswith("postgresql") else "SQLite"
    print(f"\nhotline webhooks, <{mode.capitalize()}> prompts, {db}, {args.workers} gunicorn "
          f"gthread workers x {args.threads} threads each for the portal and the bare app, "
          f"call state in Redis, {len(every)} webhooks of {args.calls * 4} calls/texts")
    print(f"{'':24}{'n':>6}{'p50 ms':>10}{'p90 ms':>10}{'p99 ms':>10}")

    def row(name: str, values: list[float]) -> None:
        print(f"{name:24}{len(values):>6}{pct(values, 50):>10.2f}{pct(values, 90):>10.2f}"
              f"{pct(values, 99):>10.2f}")

    row("bare Flask app, static", http.static_ms)
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
