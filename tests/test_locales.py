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
