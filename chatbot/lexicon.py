"""The community's own vocabulary, for telling an in-domain question from a general one
(pure Python, no Rasa imports).

"How do I renew my parking permit" and "how do I care for a cactus" share every word the
n-gram features weigh; what differs is whether the content words belong to the portal's
catalog. ``chatbot/training/generate.py`` writes the terms found in ``content/services`` and
``content/faq`` (titles, summaries, keywords, field labels and options, FAQ questions and
answers); ``chatbot.components.lexicon.DomainLexiconFeaturizer`` marks each token of a
message as in the catalog's vocabulary, outside it, or neither (a function word).

English terms are words without the common function words, lower-cased, with a plural or
verb ending ("-s", "-es", "-ies") folded. Chinese terms are character bigrams (folded to simplified characters);
a Chinese token belongs to the vocabulary when one of its bigrams does.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

from chatbot.language_detection import TO_SIMPLIFIED

LANGS = ("en", "zh")
CONTENT_LANGS = {"en": ("en",), "zh": ("zh_CN", "zh_TW")}
_LATIN_WORD = re.compile(r"[a-z]+(?:'[a-z]+)?")
_CJK_RUN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]+")
# Words that carry no topic: what a question is built from, in any domain.
EN_FUNCTION_WORDS = frozenset("""
a about above after again against all am an and any are as at be because been before being
below between both but by can could did do does doing don done down during each either else
ever every few for from further get gets getting got had has have having he her here hers
herself him himself his how i if in into is it its itself just let like ll me might mine more
most much must my myself need no nor not now of off on once one only or other our ours
ourselves out over own please re really same shall she should so some such than that the
their theirs them themselves then there these they this those through to too under until up
us very via want was way we well were what when where which while who whom whose why will
with would yes you your yours yourself yourselves s t d m ve isn aren wasn weren doesn didn
won wouldn shouldn couldn haven hasn hadn mustn needn shan mightn can't i'm i've i'd i'll it's what's where's how's that's there's
don't doesn't didn't isn't aren't won't ok okay hi hello hey thanks thank
""".split())
_ES_PLURAL_AFTER = ("ss", "x", "zz", "ch", "sh")  # not "houses", "cases"
# Chinese bigrams made of question words, pronouns and particles only.
ZH_FUNCTION_CHARS = frozenset("的了是我你您他她它们在有吗呢吧啊么什怎这那个和与就都也要想能会可以请问给把被")


def normalize_en(word: str) -> str | None:
    """A content word's lexicon form ("Bills" -> "bill"), or None for a function word."""
    word = word.lower()
    if word in EN_FUNCTION_WORDS or not _LATIN_WORD.fullmatch(word):
        return None
    word = word.split("'", 1)[0]  # "you're" -> "you", "haven't" -> "haven"
    if word in EN_FUNCTION_WORDS or len(word) < 2:
        return None
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 4 and word.endswith("es") and word[:-2].endswith(_ES_PLURAL_AFTER):
        return word[:-2]  # boxes, classes, dishes, switches
    if len(word) > 3 and word.endswith("s") and not word.endswith("ss"):
        return word[:-1]
    return word


def en_words(text: str) -> list[str]:
    """The lexicon forms of a text's English content words."""
    return [w for w in map(normalize_en, _LATIN_WORD.findall(text.lower())) if w]


def zh_bigrams(text: str) -> Iterator[str]:
    """Character bigrams of each Chinese run, skipping those made only of function
    characters; a single-character run yields nothing."""
    for run in _CJK_RUN.findall(text.translate(TO_SIMPLIFIED)):
        for i in range(len(run) - 1):
            pair = run[i:i + 2]
            if not (pair[0] in ZH_FUNCTION_CHARS and pair[1] in ZH_FUNCTION_CHARS):
                yield pair


def terms(lang: str, texts: Iterable[str]) -> set[str]:
    """The lexicon of one language ("en" or "zh") from content texts."""
    found: set[str] = set()
    for text in texts:
        if lang == "zh":
            found.update(zh_bigrams(text))
        else:
            found.update(en_words(text))
    return found


def token_class(token: str, lexicon: dict[str, frozenset[str]]) -> str | None:
    """'domain' when the token is catalog vocabulary, 'foreign' when it is a content word the
    catalog never uses, None for function words, digits, punctuation and emoji."""
    if _CJK_RUN.search(token):
        pairs = list(zh_bigrams(token))
        if not pairs:
            return None
        return "domain" if any(p in lexicon["zh"] for p in pairs) else "foreign"
    words = en_words(token)
    if not words:
        return None
    return "domain" if any(w in lexicon["en"] for w in words) else "foreign"


def content_texts(data: object, langs: tuple[str, ...]) -> Iterator[str]:
    """Every string of a content YAML document held under one of ``langs`` (a language map
    such as ``title: {zh_CN: ..., en: ...}``), at any depth."""
    if isinstance(data, dict):
        for key, value in data.items():
            if key in langs:
                if isinstance(value, str):
                    yield value
                elif isinstance(value, list):
                    yield from (v for v in value if isinstance(v, str))
            else:
                yield from content_texts(value, langs)
    elif isinstance(data, list):
        for item in data:
            yield from content_texts(item, langs)
