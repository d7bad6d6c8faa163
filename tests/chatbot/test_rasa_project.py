"""The Rasa project itself: data validation, per-language intent F1 in 5-fold
cross-validation (cached by a hash of the inputs), and test stories."""

from __future__ import annotations

import hashlib
import json
import subprocess
from pathlib import Path

import pytest

from chatbot.training.crossval import cache_inputs
from chatbot.training.train import rasa_env
from tests.chatbot.servers import CHATBOT_DIR, RASA_BIN, RASA_PY

pytestmark = pytest.mark.rasa
MIN_F1 = 0.95
STORIES = Path(__file__).parent / "stories"


def rasa(*args: str, cwd: Path = CHATBOT_DIR, timeout: float = 3000) -> subprocess.CompletedProcess:
    return subprocess.run([str(RASA_BIN), *args], cwd=cwd, env=rasa_env(), capture_output=True,
                          text=True, timeout=timeout)


def test_data_validates(chatbot_model: Path) -> None:
    out = rasa("data", "validate", "--domain", "domain", "--data", "data", "--config",
               "config.yml")
    assert out.returncode == 0, out.stdout[-3000:] + out.stderr[-3000:]


FOLD_SEED = 0  # the fold deal; any seed is as fair as another, but one is fixed for all runs


def cross_validate(lang: str, work: Path) -> dict:
    """intent_report.json of a 5-fold cross-validation on one language's data, folds dealt
    by a fixed seed (cached by a hash of every input)."""
    digest = hashlib.sha256(b"".join(p.read_bytes() for p in cache_inputs(lang))).hexdigest()[:16]
    cache = CHATBOT_DIR / "models" / f"cv-{lang}-{FOLD_SEED}-{digest}.json"
    if cache.exists():
        return json.loads(cache.read_text())
    out = subprocess.run([str(RASA_PY), "-m", "chatbot.training.crossval", lang, "--seed",
                          str(FOLD_SEED), "--out", str(work)], cwd=CHATBOT_DIR, env=rasa_env(),
                         capture_output=True, text=True, timeout=3000)
    assert out.returncode == 0, out.stdout[-3000:] + out.stderr[-3000:]
    report = json.loads((work / "results" / "intent_report.json").read_text())
    cache.parent.mkdir(exist_ok=True)
    cache.write_text(json.dumps(report))
    return report


@pytest.mark.slow
@pytest.mark.timeout(3000)  # five trainings per language; cached by input hash afterwards
# Measured 2026-12-07 with fold seed 0: see chatbot/README.md ("Measured").
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_intent_micro_f1_per_language(lang: str, tmp_path: Path, chatbot_model: Path) -> None:
    report = cross_validate(lang, tmp_path)
    micro = report.get("micro avg", {}).get("f1-score", report.get("accuracy"))
    print(f"[chatbot] {lang}: intent micro-F1 {micro:.3f} (5-fold cross-validation)")
    assert micro >= MIN_F1, {k: v for k, v in report.items() if isinstance(v, dict)
                             and v.get("f1-score", 1) < MIN_F1}


def test_stories_predict_without_errors(chatbot_model: Path, tmp_path: Path) -> None:
    out = rasa("test", "core", "--model", str(chatbot_model), "--stories", str(STORIES),
               "--fail-on-prediction-errors", "--out", str(tmp_path))
    assert out.returncode == 0, out.stdout[-4000:] + out.stderr[-4000:]
