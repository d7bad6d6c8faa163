"""Reply latency p50 of the chatbot vs Rasa's own moodbot starter, measured in the same run.

    .venv/bin/python bench/chatbot_latency.py [--requests 60]

Starts (on 127.0.0.1): Rasa's `rasa init` moodbot (trained in a temp dir), and the portal
chatbot: core server, action server and Rasa server with the cached model. Each request is
one REST-channel message; requests alternate between the two bots so both see the same
machine load. Prints p50/p90 per bot and the ratio (target: chatbot p50 <= 1.5 x moodbot).
"""

from __future__ import annotations

import argparse
import secrets
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import requests

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from chatbot.training.train import rasa_env  # noqa: E402
from tests.chatbot import servers  # noqa: E402

MOODBOT_MESSAGES = ["hi", "I am feeling great", "bye", "hello there", "I am sad", "good morning"]
SMALL_TALK = ["你好", "hello", "谢谢", "thanks a lot", "再见", "good morning"]
WITH_ACTIONS = ["你好", "一卡通丢了怎么办？", "有没有家政保洁服务", "hello",
                "How do I report a lost card?", "thanks a lot"]


def moodbot(work: Path) -> Path:
    (work / "moodbot").mkdir()
    out = subprocess.run([str(servers.RASA_BIN), "init", "--no-prompt", "--init-dir",
                          str(work / "moodbot")], env=rasa_env(), capture_output=True, text=True)
    if out.returncode != 0:
        raise SystemExit(f"rasa init failed:\n{out.stdout[-2000:]}{out.stderr[-2000:]}")
    return work / "moodbot"


def timed(url: str, text: str) -> float:
    started = time.perf_counter()
    resp = requests.post(f"{url}/webhooks/rest/webhook",
                         json={"sender": f"bench-{uuid.uuid4().hex[:8]}", "message": text},
                         timeout=60)
    resp.raise_for_status()
    assert resp.json(), f"no reply to {text!r}"
    return (time.perf_counter() - started) * 1000


def percentile(values: list[float], q: float) -> float:
    return statistics.quantiles(values, n=100)[int(q) - 1] if len(values) > 1 else values[0]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--requests", type=int, default=60)
    args = parser.parse_args()
    model = servers.train_model()
    procs: list[servers.Proc] = []
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        try:
            mood_dir = moodbot(work)
            port = servers.free_port()
            mood_url = f"http://127.0.0.1:{port}"
            procs.append(servers.start("moodbot", [str(servers.RASA_BIN), "run", "--enable-api",
                                                   "--port", str(port)], work, rasa_env(),
                                       mood_dir, f"{mood_url}/status", timeout=240))
            token = secrets.token_hex(12)
            core, core_url = servers.start_core(work, token)
            procs.append(core)
            actions, action_url = servers.start_actions(work, core_url, token)
            procs.append(actions)
            rasa, our_url = servers.start_rasa(work, model, action_url, core_url, token,
                                               {"token": "bench"})
            procs.append(rasa)
            for url, texts in ((mood_url, MOODBOT_MESSAGES), (our_url, WITH_ACTIONS)):
                for text in texts:  # warm up caches and TensorFlow graphs
                    timed(url, text)
            results: dict[str, list[float]] = {"moodbot": [], "small talk": [], "with actions": []}
            for i in range(args.requests):
                results["moodbot"].append(timed(mood_url, MOODBOT_MESSAGES[i % 6]))
                results["small talk"].append(timed(our_url, SMALL_TALK[i % 6]))
                results["with actions"].append(timed(our_url, WITH_ACTIONS[i % 6]))
        finally:
            for proc in reversed(procs):
                proc.stop()
    base = statistics.median(results["moodbot"])
    print(f"reply latency over {args.requests} requests each (ms)")
    for name, values in results.items():
        p50 = statistics.median(values)
        print(f"  {name:13s} p50 {p50:7.1f}  p90 {percentile(values, 90):7.1f}  "
              f"ratio to moodbot p50 {p50 / base:4.2f}")


if __name__ == "__main__":
    main()
