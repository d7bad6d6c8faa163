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

from chatbot import lexicon

# NLU language groups: both Chinese scripts train the same "zh" examples.
NLU_LANGS = {"zh": ("zh_CN", "zh_TW"), "en": ("en",)}

# find_service asks whether a service exists or what it is; start_request asks to do it now.
# The two families share no lead-in ("我想了解…" vs "我要…"), so the title alone never decides.
# English titles are either a noun phrase ("Legal aid") or a verb phrase ("Book a guided
# tour"), and each kind has its own templates; {v} is the workflow's verb ("apply for").
FIND_TEMPLATES = {
    "zh": ("有没有{t}", "我想了解一下{t}", "介绍一下{t}", "{t}这个服务有吗", "你们能办{t}吗",
           "查找{t}"),
    "en": ("is there a {t} service", "tell me about {t}", "do you offer {t}",
           "I'm looking for {t}", "show me the {t} service", "I'd like to know more about {t}"),
}
FIND_VERB_TEMPLATES = ("is there a service to {t}", "can I {t} through this chat",
                       "do you have a way to {t}", "I'm looking for a way to {t}",
                       "is it possible to {t} here")
START_TEMPLATES = {
    "zh": ("我要{v}{t}", "帮我{v}{t}", "我想现在{v}{t}", "麻烦给我{v}{t}", "马上{v}{t}"),
    "en": ("I want to {v} {t}", "please {v} {t} for me", "I'd like to {v} {t} now",
           "help me {v} {t}", "I need to {v} {t} today"),
}
START_VERB_TEMPLATES = ("I want to {t}", "please help me {t}", "I'd like to {t} now",
                        "I need to {t} today", "can you {t} for me now")
WORKFLOW_VERBS = {
    "zh": {"application": "申请", "booking": "预约", "order": "下单"},
    "en": {"application": "apply for", "booking": "book", "order": "order"},
}
DEFAULT_VERB = {"zh": "办理", "en": "start a request for"}
# Payment services (workflow: payment): "do it" means paying, the pay_bill intent.
PAY_TEMPLATES = {
    "zh": ("我要{t}", "帮我{t}", "现在就{t}", "在线{t}", "马上{t}"),
    "en": ("I want to {t}", "{t} now", "help me {t}", "{t} please", "I'd like to {t}"),
}
KEYWORD_FIND = {"zh": "有关{t}的服务", "en": "services about {t}"}
KEYWORD_START = {"zh": "{t}，帮我提交申请", "en": "{t}, please open a request for me"}
KEYWORD_PAY = {"zh": "{t}，我要缴费", "en": "{t}: I want to pay"}
# A title is a verb phrase when its second word is one of these ("Report a repair") or its
# first word is a common service verb ("Get mall e-coupons").
_VERB_PHRASE_SECOND = frozenset(
    "a an the my your our with in up about at on from to away out".split())
_SERVICE_VERBS = frozenset(
    "apply ask book buy find get join list order pay register rent report sell share top"
    .split())
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


def _english_title(title: str) -> str:
    """A title as a resident would type it mid-sentence: "Top up your one-card" -> "top up my
    one-card"."""
    shown = title[:1].lower() + title[1:]
    return re.sub(r"\byour\b", "my", shown)


def _is_verb_phrase(title: str) -> bool:
    """Whether an English title reads as an action ("Book a guided tour") or a name."""
    words = title.lower().split()
    return len(words) > 1 and (words[1] in _VERB_PHRASE_SECOND or words[0] in _SERVICE_VERBS)


def _templates(nlu_lang: str, title: str, paying: bool) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(find, do) templates for one title in one language."""
    verb_phrase = nlu_lang == "en" and _is_verb_phrase(title)
    finds = FIND_VERB_TEMPLATES if verb_phrase else FIND_TEMPLATES[nlu_lang]
    if paying:
        return finds, PAY_TEMPLATES[nlu_lang]
    return finds, START_VERB_TEMPLATES if verb_phrase else START_TEMPLATES[nlu_lang]


def generate(content_dir: Path) -> GeneratedNlu:
    """Build the catalog-driven examples for find_service, start_request (pay_bill for
    payment services) and ask_question."""
    services = load_services(content_dir)
    unique = _unique_keywords(services)
    out = GeneratedNlu()
    for seed, svc in enumerate(services):
        paying = svc.workflow == PAYMENT_WORKFLOW
        do_intent = "pay_bill" if paying else "start_request"
        do_keyword = KEYWORD_PAY if paying else KEYWORD_START
        for nlu_lang, content_langs in NLU_LANGS.items():
            titles = {svc.titles[c] for c in content_langs if svc.titles.get(c)}
            verb = WORKFLOW_VERBS[nlu_lang].get(svc.workflow, DEFAULT_VERB[nlu_lang])
            for n, title in enumerate(sorted(titles)):
                shown = title if nlu_lang != "en" else _english_title(title)
                span = _annotate(shown, svc.id)
                finds, does = _templates(nlu_lang, shown, paying)
                for tpl in _pick(finds, seed + n, PER_TITLE):
                    out.add(nlu_lang, "find_service", tpl.format(t=span))
                for tpl in _pick(does, seed + n, PER_TITLE):
                    out.add(nlu_lang, do_intent, tpl.format(t=span, v=verb))
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


def lexicon_terms(content_dir: Path) -> dict[str, list[str]]:
    """The catalog's vocabulary per NLU language (see chatbot/lexicon.py), from every
    language map in content/services and content/faq."""
    texts: dict[str, list[str]] = {lang: [] for lang in lexicon.LANGS}
    for folder in ("services", "faq"):
        for path in sorted((content_dir / folder).glob("*.yaml")):
            data = _read_yaml(path)
            for lang in lexicon.LANGS:
                texts[lang].extend(lexicon.content_texts(data, lexicon.CONTENT_LANGS[lang]))
    return {lang: sorted(lexicon.terms(lang, texts[lang])) for lang in lexicon.LANGS}


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
