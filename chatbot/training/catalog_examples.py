"""NLU examples generated from the catalog: service titles/keywords and FAQ questions.

A new service YAML in ``content/services/`` becomes find/start examples (with the service
entity mapped to its id) the next time the model is trained; no code change needed.

Asking to do a service whose workflow is ``payment`` ("缴电费", "pay the water bill") is the
``pay_bill`` intent, as in the hand-written examples, so those services' "do it" examples are
written as ``pay_bill`` with payment phrasing instead of ``start_request``: the same sentence
never appears under two intents.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import yaml

# NLU language groups: both Chinese scripts train the same "zh" examples.
NLU_LANGS = {"zh": ("zh_CN", "zh_TW"), "en": ("en",)}

FIND_TEMPLATES = {
    "zh": ("有没有{t}", "查找{t}", "找一下{t}", "搜索{t}服务", "{t}这个服务有吗"),
    "en": ("is there a {t} service", "find {t}", "search for {t}", "I'm looking for {t}",
           "show me the {t} service"),
}
START_TEMPLATES = {
    "zh": ("我要办理{t}", "申请{t}", "帮我办{t}", "我想{t}", "现在办理{t}"),
    "en": ("start {t}", "I want to do {t}", "I need {t}", "begin {t} please",
           "open a request for {t}"),
}
# Payment services (workflow: payment): "do it" means paying, the pay_bill intent.
PAY_TEMPLATES = {
    "zh": ("我要{t}", "帮我{t}", "我想{t}", "现在{t}", "在线{t}"),
    "en": ("I want to {t}", "{t} now", "help me {t}", "{t} please", "I'd like to {t}"),
}
KEYWORD_FIND = {"zh": "有关{t}的服务", "en": "services about {t}"}
KEYWORD_START = {"zh": "{t}，帮我提交申请", "en": "{t}, please open a request for me"}
KEYWORD_PAY = {"zh": "{t}，我要缴费", "en": "{t}: I want to pay"}
PAYMENT_WORKFLOW = "payment"
MAX_KEYWORDS = 1
PER_TITLE = 1  # examples per template family and title: keeps training near two minutes
_UNSAFE = re.compile(r"[\[\]\(\)\{\}\"\n\r]")


@dataclass(frozen=True)
class CatalogEntry:
    """What the generator needs from one service file."""

    id: str
    titles: dict[str, str]
    keywords: dict[str, tuple[str, ...]]
    channels: tuple[str, ...]
    workflow: str = ""


@dataclass
class GeneratedNlu:
    """Examples per NLU language and intent, in Rasa's markdown-in-YAML entity syntax."""

    examples: dict[str, dict[str, list[str]]] = field(default_factory=dict)

    def add(self, nlu_lang: str, intent: str, example: str) -> None:
        bucket = self.examples.setdefault(nlu_lang, {}).setdefault(intent, [])
        if example not in bucket:
            bucket.append(example)


def _clean(text: str) -> str:
    return _UNSAFE.sub(" ", str(text)).strip()


def _read_yaml(path: Path) -> object:
    with path.open(encoding="utf-8") as fh:
        return yaml.safe_load(fh)


def load_services(content_dir: Path) -> list[CatalogEntry]:
    """Every service that the chatbot may offer, read from content/services/*.yaml."""
    entries = []
    for path in sorted((content_dir / "services").glob("*.yaml")):
        data = _read_yaml(path)
        if not isinstance(data, dict) or "id" not in data:
            continue
        channels = tuple(data.get("channels") or ("kiosk", "tv", "hotline", "chatbot"))
        if "chatbot" not in channels:
            continue
        keywords = data.get("keywords") or {}
        entries.append(CatalogEntry(
            id=str(data["id"]),
            titles={k: _clean(v) for k, v in (data.get("title") or {}).items() if v},
            keywords={k: tuple(_clean(x) for x in v or ()) for k, v in keywords.items()},
            channels=channels,
            workflow=str(data.get("workflow") or ""),
        ))
    return entries


def load_faq_questions(content_dir: Path) -> dict[str, list[str]]:
    """FAQ questions per content language, from content/faq/*.yaml (one entry or a list)."""
    questions: dict[str, list[str]] = {}
    for path in sorted((content_dir / "faq").glob("*.yaml")):
        data = _read_yaml(path)
        for item in data if isinstance(data, list) else [data]:
            if not isinstance(item, dict):
                continue
            for lang, text in (item.get("question") or {}).items():
                if text:
                    questions.setdefault(lang, []).append(_clean(text))
    return questions


def _annotate(text: str, service_id: str | None) -> str:
    if service_id is None:
        return text
    return f'[{text}]{{"entity": "service", "value": "{service_id}"}}'


def _unique_keywords(services: Iterable[CatalogEntry]) -> set[str]:
    """Keywords that name exactly one service (shared ones are not tagged as an entity)."""
    counts: Counter[str] = Counter()
    for svc in services:
        for kw in {k for words in svc.keywords.values() for k in words}:
            counts[kw.lower()] += 1
    return {k for k, n in counts.items() if n == 1}


def _pick(templates: tuple[str, ...], seed: int, count: int) -> list[str]:
    return [templates[(seed + i) % len(templates)] for i in range(count)]


def generate(content_dir: Path) -> GeneratedNlu:
    """Build the catalog-driven examples for find_service, start_request (pay_bill for
    payment services) and ask_question."""
    services = load_services(content_dir)
    unique = _unique_keywords(services)
    out = GeneratedNlu()
    for seed, svc in enumerate(services):
        paying = svc.workflow == PAYMENT_WORKFLOW
        do_intent = "pay_bill" if paying else "start_request"
        do_templates = PAY_TEMPLATES if paying else START_TEMPLATES
        do_keyword = KEYWORD_PAY if paying else KEYWORD_START
        for nlu_lang, content_langs in NLU_LANGS.items():
            titles = {svc.titles[c] for c in content_langs if svc.titles.get(c)}
            for title in sorted(titles):
                shown = title if nlu_lang != "en" else title[:1].lower() + title[1:]
                span = _annotate(shown, svc.id)
                for tpl in _pick(FIND_TEMPLATES[nlu_lang], seed, PER_TITLE):
                    out.add(nlu_lang, "find_service", tpl.format(t=span))
                for tpl in _pick(do_templates[nlu_lang], seed, PER_TITLE):
                    out.add(nlu_lang, do_intent, tpl.format(t=span))
            words = [w for c in content_langs for w in svc.keywords.get(c, ()) if w]
            for word in list(dict.fromkeys(words))[:MAX_KEYWORDS]:
                span = _annotate(word, svc.id if word.lower() in unique else None)
                out.add(nlu_lang, "find_service", KEYWORD_FIND[nlu_lang].format(t=span))
                out.add(nlu_lang, do_intent, do_keyword[nlu_lang].format(t=span))
    for content_lang, questions in load_faq_questions(content_dir).items():
        nlu_lang = "en" if content_lang == "en" else "zh"
        for question in questions:
            out.add(nlu_lang, "ask_question", question)
    return out


_CJK = re.compile(r"[\u3400-\u9fff]")
JIEBA_FREQ = 200000  # high enough that Jieba keeps a catalog term as one token


def jieba_words(content_dir: Path) -> list[str]:
    """Chinese titles and keywords, so Jieba's tokens line up with the service entity spans."""
    words: set[str] = set()
    for svc in load_services(content_dir):
        for lang in NLU_LANGS["zh"]:
            for word in (svc.titles.get(lang, ""), *svc.keywords.get(lang, ())):
                if word and _CJK.search(word) and " " not in word:
                    words.add(word)
    return sorted(words)


def to_jieba_dict(words: list[str]) -> str:
    """Jieba's user-dictionary format: one "word frequency" per line."""
    return "".join(f"{w} {JIEBA_FREQ}\n" for w in words)


def to_rasa_yaml(examples: dict[str, list[str]], source: str) -> str:
    """One Rasa 3.1 NLU file for one language."""
    lines = ['version: "3.1"', f"# Generated by chatbot/training/generate.py from {source}; do not edit.",
             "nlu:" if examples else "nlu: []"]
    for intent in sorted(examples):
        lines.append(f"- intent: {intent}")
        lines.append("  examples: |")
        lines.extend(f"    - {example}" for example in examples[intent])
    return "\n".join(lines) + "\n"
