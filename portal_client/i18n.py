"""Translation catalogs under locales/<lang>/LC_MESSAGES/<domain>.po, read with Babel.

Every user-facing string is a key (e.g. ``field.required``) looked up per language; the
.po files are edited by translators and read directly, so no compile step is needed.
Parsing a .po file with Babel costs tens of milliseconds (and importing Babel's parser as
much again), which a kiosk or TV pays at every start: each parsed catalog is therefore
kept as JSON under locales/__cache__/, named by the .po's modification time and size (as
Python's own .pyc files are), so an edited .po is simply parsed again. A cache that cannot be written (read-only install) only costs time.
"""

from __future__ import annotations

import json
import os
import threading
from functools import lru_cache
from pathlib import Path

LOCALES_DIR = Path(__file__).resolve().parent.parent / "locales"
CACHE_DIR = LOCALES_DIR / "__cache__"
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
    st = path.stat()
    cached = CACHE_DIR / f"{lang}-{domain}-{st.st_mtime_ns}-{st.st_size}.json"
    try:
        return json.loads(cached.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        pass
    from io import BytesIO

    from babel.messages.pofile import read_po

    with _lock:
        cat = read_po(BytesIO(path.read_bytes()), locale=lang)
    messages = {str(m.id): str(m.string) for m in cat if m.id and m.string}
    _store(cached, messages)
    return messages


def _store(cached: Path, messages: dict[str, str]) -> None:
    """Write one parsed catalog atomically; stale versions of it are removed."""
    try:
        cached.parent.mkdir(exist_ok=True)
        tmp = cached.with_name(f".{cached.name}.{os.getpid()}.{threading.get_ident()}")
        tmp.write_text(json.dumps(messages, ensure_ascii=False), encoding="utf-8")
        os.replace(tmp, cached)
        prefix = cached.name.rsplit("-", 2)[0] + "-"
        for old in cached.parent.glob(f"{prefix}*.json"):
            if old != cached:
                old.unlink(missing_ok=True)
    except OSError:
        pass


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
