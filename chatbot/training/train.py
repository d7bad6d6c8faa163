"""Train the model only when its inputs change: ``python -m chatbot.training.train``.

The model file is named by a hash of everything that shapes it (config, domain, training
data including the generated catalog examples, custom components, the Rasa pin), so
`make test` reuses chatbot/models/<hash>.tar.gz until one of them changes.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import subprocess
import sys
from pathlib import Path

from chatbot.training.generate import CHATBOT_DIR, REPO_DIR, write_all

MODELS_DIR = CHATBOT_DIR / "models"
RASA = REPO_DIR / ".venv-rasa" / "bin" / "rasa"
KEEP_MODELS = 3


def model_inputs(chatbot_dir: Path = CHATBOT_DIR) -> list[Path]:
    """Every file whose content changes the trained model."""
    files = [chatbot_dir / "config.yml", chatbot_dir / "requirements.txt",
             chatbot_dir / "language_detection.py", chatbot_dir / "lexicon.py"]
    files += sorted((chatbot_dir / "domain").glob("*.yml"))
    files += sorted((chatbot_dir / "data").rglob("*.yml"))
    files += sorted((chatbot_dir / "data").rglob("*.txt"))
    files += sorted((chatbot_dir / "components").glob("*.py"))
    return [f for f in files if f.is_file()]


def model_hash(chatbot_dir: Path = CHATBOT_DIR) -> str:
    """sha256 over the inputs' relative paths and contents (first 16 hex digits)."""
    digest = hashlib.sha256()
    for path in model_inputs(chatbot_dir):
        digest.update(str(path.relative_to(chatbot_dir)).encode())
        digest.update(b"\0")
        digest.update(path.read_bytes())
        digest.update(b"\0")
    return digest.hexdigest()[:16]


def rasa_env() -> dict[str, str]:
    """Environment for Rasa subprocesses: repo on the path, no telemetry, quiet TF."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(REPO_DIR), env.get("PYTHONPATH")) if p)
    env.setdefault("RASA_TELEMETRY_ENABLED", "false")
    env.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    env.setdefault("SQLALCHEMY_SILENCE_UBER_WARNING", "1")
    return env


def _prune(keep: Path) -> None:
    models = sorted(MODELS_DIR.glob("*.tar.gz"), key=lambda p: p.stat().st_mtime, reverse=True)
    for old in models[KEEP_MODELS:]:
        if old != keep:
            old.unlink()


def ensure_model(content_dir: Path = REPO_DIR / "content", force: bool = False) -> Path:
    """Regenerate the data, then train unless a model with the same hash exists."""
    write_all(content_dir)
    name = model_hash()
    model = MODELS_DIR / f"{name}.tar.gz"
    if model.exists() and not force:
        print(f"[chatbot] model {model.name} is up to date")
        return model
    MODELS_DIR.mkdir(exist_ok=True)
    print(f"[chatbot] training {model.name} (about two minutes)", flush=True)
    subprocess.run(
        [str(RASA), "train", "--config", "config.yml", "--domain", "domain", "--data", "data",
         "--out", str(MODELS_DIR), "--fixed-model-name", name],
        cwd=CHATBOT_DIR, env=rasa_env(), check=True)
    os.utime(model)
    _prune(model)
    return model


def main(argv: list[str] | None = None) -> None:
    """Command-line entry point; prints the model path last."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--content", type=Path, default=REPO_DIR / "content")
    parser.add_argument("--force", action="store_true")
    args = parser.parse_args(argv)
    print(ensure_model(args.content, args.force))


if __name__ == "__main__":
    sys.exit(main())
