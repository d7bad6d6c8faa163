#!/usr/bin/env python3
"""Set one translation key in all three languages: po_set.py DOMAIN KEY ZH_CN ZH_TW EN."""

import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po, write_po

LOCALES = Path(__file__).resolve().parent.parent / "locales"


def set_key(domain: str, key: str, texts: dict[str, str]) -> None:
    for lang, text in texts.items():
        path = LOCALES / lang / "LC_MESSAGES" / f"{domain}.po"
        if path.exists():
            with path.open("rb") as fh:
                cat = read_po(fh, locale=lang)
        else:
            path.parent.mkdir(parents=True, exist_ok=True)
            cat = Catalog(locale=lang, domain=domain, project="community-portal")
        cat.delete(key)
        cat.add(key, text)
        with path.open("wb") as fh:
            write_po(fh, cat, width=0)


if __name__ == "__main__":
    domain, key, zh_cn, zh_tw, en = sys.argv[1:6]
    set_key(domain, key, {"zh_CN": zh_cn, "zh_TW": zh_tw, "en": en})
