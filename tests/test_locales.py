"""Every translation key exists, non-empty, in zh_CN, zh_TW and en, with the same placeholders."""

import re
from pathlib import Path

import pytest

from portal_client import i18n

DOMAINS = sorted({p.stem for p in Path(i18n.LOCALES_DIR).glob("*/LC_MESSAGES/*.po")})
_PLACEHOLDER = re.compile(r"\{(\w+)\}")


@pytest.mark.parametrize("domain", DOMAINS)
def test_domain_complete_in_three_languages(domain):
    i18n.reload()
    keys = {lang: i18n.keys(domain, lang) for lang in i18n.LANGS}
    union = set().union(*keys.values())
    for lang in i18n.LANGS:
        missing = union - keys[lang]
        assert not missing, f"{domain} {lang} lacks {sorted(missing)[:10]}"
    for key in union:
        ph = {lang: set(_PLACEHOLDER.findall(i18n.gettext(domain, key, lang))) for lang in i18n.LANGS}
        assert ph["zh_CN"] == ph["zh_TW"] == ph["en"], (domain, key, ph)


def test_core_keys_used_in_code_are_translated():
    root = Path(i18n.LOCALES_DIR).parent / "channel_core"
    used = set()
    for path in root.rglob("*.py"):
        used |= set(re.findall(r'"((?:problem|field|notice)\.[a-z_.0-9]+)"', path.read_text()))
    known = i18n.keys("core", "en")
    missing = {k for k in used if k not in known and not k.endswith(".")}
    assert not missing, sorted(missing)


def test_language_negotiation():
    assert i18n.normalize_lang("zh-TW,zh;q=0.8") == "zh_TW"
    assert i18n.normalize_lang("zh-Hant-HK") == "zh_TW"
    assert i18n.normalize_lang("en-US,en;q=0.9") == "en"
    assert i18n.normalize_lang("fr-FR") == "zh_CN"
    assert i18n.normalize_lang(None) == "zh_CN"


def test_parsed_catalogs_are_cached_and_follow_edits(tmp_path, monkeypatch):
    """A parsed .po is kept as JSON; an edited .po is parsed again; no cache dir, no harm."""
    po = tmp_path / "en" / "LC_MESSAGES" / "demo.po"
    po.parent.mkdir(parents=True)
    po.write_text('msgid "greeting"\nmsgstr "Hello"\n', encoding="utf-8")
    monkeypatch.setattr(i18n, "LOCALES_DIR", tmp_path)
    monkeypatch.setattr(i18n, "CACHE_DIR", tmp_path / "__cache__")
    i18n.reload()
    assert i18n.gettext("demo", "greeting", "en") == "Hello"
    cached = list((tmp_path / "__cache__").glob("en-demo-*.json"))
    assert len(cached) == 1
    cached[0].write_text('{"greeting": "from the cache"}', encoding="utf-8")
    i18n.reload()
    assert i18n.gettext("demo", "greeting", "en") == "from the cache"  # read, not re-parsed

    po.write_text('msgid "greeting"\nmsgstr "Hello again"\n', encoding="utf-8")
    i18n.reload()
    assert i18n.gettext("demo", "greeting", "en") == "Hello again"
    assert len(list((tmp_path / "__cache__").glob("en-demo-*.json"))) == 1  # stale one gone

    blocker = tmp_path / "blocked"
    blocker.write_text("a file where the cache directory would go")
    monkeypatch.setattr(i18n, "CACHE_DIR", blocker / "__cache__")
    i18n.reload()
    assert i18n.gettext("demo", "greeting", "en") == "Hello again"
    i18n.reload()
