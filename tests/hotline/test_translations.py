"""Every prompt the hotline speaks is a key of hotline.po, in all three languages."""

import re
from pathlib import Path

from hotline.fields import DIGIT_TYPES, SPEECH_TYPES
from portal_client import i18n

SOURCE = Path(i18n.LOCALES_DIR).parent / "hotline"
# How fields and services are asked lives with the other media's presentation (the console's
# preview speaks it too).
SHARED = Path(i18n.LOCALES_DIR).parent / "channel_render" / "phone.py"
PREFIXES = ("agent", "bills", "callback", "categories", "confirm", "error", "field", "goodbye",
            "greet", "input", "main", "menu", "message", "pay", "photo", "queue", "review",
            "service", "sms", "status", "submitted", "verify", "voicemail", "words")


def _used_keys() -> set[str]:
    used: set[str] = set()
    for path in [*SOURCE.rglob("*.py"), SHARED]:
        for key in re.findall(r'"([a-z_]+(?:\.[a-z_]+)*)"', path.read_text(encoding="utf-8")):
            if key.split(".")[0] in PREFIXES and ("." in key or key == "goodbye"):
                used.add(key)
    # Keys built at run time: one question per field type, one complaint per digit format.
    used |= {f"field.ask.{t}" for t in (*DIGIT_TYPES, *SPEECH_TYPES, "choice", "multichoice",
                                         "yesno")}
    used |= {f"input.bad_{t}" for t in ("date", "time", "datetime")}
    return used


def test_every_key_used_is_translated_everywhere():
    i18n.reload()
    used = _used_keys()
    assert len(used) > 90
    for lang in i18n.LANGS:
        missing = sorted(k for k in used if not i18n.has_key("hotline", k, lang))
        assert not missing, (lang, missing)


def test_no_user_facing_literals_in_the_code():
    cjk = re.compile(r"[\u4e00-\u9fff]")
    for path in [*SOURCE.rglob("*.py"), SHARED]:
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            code = line.split("#", 1)[0]
            assert not cjk.search(code), f"{path.name}:{n}: {line.strip()}"


def test_no_key_is_left_unused():
    """Every hotline.po key is asked for by the code (a removed prompt leaves no orphan)."""
    i18n.reload()
    unused = sorted(i18n.keys("hotline", "en") - _used_keys())
    assert not unused, unused
