"""Write the generated training data and responses: ``python -m chatbot.training.generate``.

Reads content/services, content/faq and locales/*/chatbot.po; writes
chatbot/data/generated/<zh|en>/catalog.yml (NLU examples), chatbot/data/generated/jieba/
(catalog terms for the tokenizer), chatbot/data/generated/lexicon/ (the catalog's vocabulary
for the lexicon featurizer) and chatbot/domain/generated_responses.yml.
"""

from __future__ import annotations

import argparse
import shutil
from pathlib import Path

from chatbot.training import catalog_examples, responses

CHATBOT_DIR = Path(__file__).resolve().parent.parent
REPO_DIR = CHATBOT_DIR.parent
GENERATED_DIR = CHATBOT_DIR / "data" / "generated"
RESPONSES_FILE = CHATBOT_DIR / "domain" / "generated_responses.yml"


def _write_if_changed(path: Path, text: str) -> bool:
    if path.exists() and path.read_text(encoding="utf-8") == text:
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return True


def write_all(content_dir: Path, generated_dir: Path = GENERATED_DIR,
              responses_file: Path = RESPONSES_FILE) -> list[Path]:
    """Regenerate every file; returns the ones whose content changed."""
    nlu = catalog_examples.generate(content_dir)
    changed = []
    wanted = set()
    for nlu_lang in catalog_examples.NLU_LANGS:
        path = generated_dir / nlu_lang / "catalog.yml"
        wanted.add(path)
        text = catalog_examples.to_rasa_yaml(nlu.examples.get(nlu_lang, {}), "content/")
        if _write_if_changed(path, text):
            changed.append(path)
    jieba_dict = generated_dir / "jieba" / "catalog.txt"
    wanted.add(jieba_dict)
    text = catalog_examples.to_jieba_dict(catalog_examples.jieba_words(content_dir))
    if _write_if_changed(jieba_dict, text):
        changed.append(jieba_dict)
    for lang, words in catalog_examples.lexicon_terms(content_dir).items():
        path = generated_dir / "lexicon" / f"{lang}.txt"
        wanted.add(path)
        if _write_if_changed(path, "".join(f"{w}\n" for w in words)):
            changed.append(path)
    # Stale files from an older layout would silently train the model: remove them.
    if generated_dir.exists():
        for stale in (p for p in generated_dir.rglob("*") if p.is_file()):
            if stale not in wanted:
                stale.unlink()
    if _write_if_changed(responses_file, responses.domain_yaml()):
        changed.append(responses_file)
    return changed


def main(argv: list[str] | None = None) -> None:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--content", type=Path, default=REPO_DIR / "content")
    parser.add_argument("--out", type=Path, default=GENERATED_DIR)
    args = parser.parse_args(argv)
    if args.out != GENERATED_DIR and args.out.exists():
        shutil.rmtree(args.out)
    for path in write_all(args.content, args.out):
        print(f"[chatbot] wrote {path.relative_to(REPO_DIR) if path.is_relative_to(REPO_DIR) else path}")


if __name__ == "__main__":
    main()
