"""Translation catalogs under locales/<lang>/LC_MESSAGES/<domain>.po, read with Babel.

Every user-facing string is a key (e.g. ``field.required``) looked up per language; the
.po files are edited by translators and read directly, so no compile step is needed.
"""

from __future__ import annotations

import threading
from functools import lru_cache
from pathlib import Path

from babel.messages.pofile import read_po

LOCALES_DIR = Path(__file__).resolve().parent.parent / "locales"
LANGS = ("zh_CN", "zh_TW", "en")
DEFAULT_LANG = "zh_CN"
_lock = threading.Lock()


def normalize_lang(value: str | None, default: str = DEFAULT_LANG) -> str:
    """Map an Accept-Language value or tag (zh-CN, zh-Hant, en-US...) to one of LANGS."""
    if not value:
        return default
    for part in value.split(","):
        tag = part.split(";")[0].strip().replace("-", "_").lower()
        if not tag:
            continue
        if tag in ("zh_tw", "zh_hk", "zh_mo", "zh_hant") or tag.startswith("zh_hant"):
            return "zh_TW"
        if tag.startswith("zh"):
            return "zh_CN"
        if tag.startswith("en"):
            return "en"
        if tag == "*":
            return default
    return default


@lru_cache(maxsize=64)
def _catalog(domain: str, lang: str) -> dict[str, str]:
    path = LOCALES_DIR / lang / "LC_MESSAGES" / f"{domain}.po"
    if not path.exists():
        return {}
    with _lock, path.open("rb") as fh:
        cat = read_po(fh, locale=lang)
    return {str(m.id): str(m.string) for m in cat if m.id and m.string}


def gettext(domain: str, key: str, lang: str, **params: object) -> str:
    """The translation of `key` in `lang` (falling back to en, then the key), formatted."""
    text = _catalog(domain, lang).get(key) or _catalog(domain, "en").get(key) or key
    if params:
        try:
            return text.format(**params)
        except (KeyError, IndexError, ValueError):
            return text
    return text


def has_key(domain: str, key: str, lang: str) -> bool:
    """Whether `key` is translated in `lang` (used by the completeness tests)."""
    return key in _catalog(domain, lang)


def keys(domain: str, lang: str) -> set[str]:
    """Every key translated in one catalog."""
    return set(_catalog(domain, lang))


def reload() -> None:
    """Forget cached catalogs (after translators edit a .po file)."""
    _catalog.cache_clear()


class Translator:
    """A domain bound to a language: ``_ = Translator("kiosk", "en"); _("home.title")``."""

    def __init__(self, domain: str, lang: str = DEFAULT_LANG) -> None:
        self.domain = domain
        self.lang = lang

    def __call__(self, key: str, **params: object) -> str:
        return gettext(self.domain, key, self.lang, **params)

    def pick(self, texts: dict[str, str] | None) -> str:
        """Choose this language's text from a per-locale content field."""
        return pick(texts, self.lang)


def pick(texts: dict[str, str] | None, lang: str) -> str:
    """This language's text from a {zh_CN:..., zh_TW:..., en:...} content field."""
    if not texts:
        return ""
    for candidate in (lang, "zh_CN" if lang == "zh_TW" else "en", "en", "zh_CN"):
        if texts.get(candidate):
            return texts[candidate]
    return next(iter(texts.values()), "")
