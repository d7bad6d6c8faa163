"""Every console string is a translation key present in zh_CN, zh_TW and en, pages show no
raw keys, and the console reaches the core only through portal_client."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from portal_client.i18n import LANGS, keys
from tests.console.conftest import console_sign_in, kiosk_submission

CONSOLE = Path(__file__).resolve().parents[2] / "console"
STATIC_KEY = re.compile(r"""(?:\b_|\btr|\bt)\(\s*['"]([a-z][a-z0-9_]*(?:\.[a-z0-9_]+)+)['"]""")
DYNAMIC = {  # prefix used with a variable in templates -> the values it takes
    "channel.": ("kiosk", "tv", "hotline", "chatbot", "wechat", "web", "console", "open311", "sms"),
    "event.": ("created", "transition", "note", "reply", "overdue", "assign", "transfer", "page"),
    "actor.": ("resident", "staff", "system", "channel", "anonymous"),
    "medium.": ("sms", "inbox", "wechat", "chat", "none", "staff"),
    "lang.": LANGS,
    "family.": ("gov", "property", "payment", "ordering", "housekeeping", "themed"),
    "theme.": ("mall", "school", "hospital", "transport", "tourism"),
    "role.": ("resident", "staff", "supervisor", "provider", "system", "admin"),
    "card.": ("active", "frozen", "cancelled"),
    "notice.": ("news", "air_quality", "reminder", "outage"),
    "bill.": ("water", "electricity", "gas", "heating", "property", "cable_tv", "phone", "fine"),
    "ftype.": ("text", "longtext", "number", "money", "date", "time", "datetime", "choice",
               "multichoice", "yesno", "phone", "idcard", "address", "photo"),
    "content.edit_": ("service", "notice", "faq"),
    "content.fee_": ("amount", "bill", "priced_choices"),
    "preview.kiosk.kind.": ("keyboard", "address", "long_text", "phone_pad", "id_pad",
                            "number_pad", "tiles", "multi_tiles", "yes_no", "calendar", "time",
                            "date_time", "photo"),
    "preview.tv.kind.": ("choice", "multi", "digits", "day", "slot"),
    "finance.diff.": ("missing_in_ledger", "missing_at_provider", "amount_mismatch",
                      "status_mismatch", "currency_mismatch"),
    "finance.item.": ("open", "resolved"),
    "error.": tuple(f"{s}.title" for s in (404, 409, 422, 423, 429, 502, 503)),
}


def _used_keys() -> set[str]:
    found: set[str] = set()
    for path in [*CONSOLE.rglob("*.py"), *CONSOLE.rglob("*.html")]:
        found.update(k for k in STATIC_KEY.findall(path.read_text(encoding="utf-8"))
                     if not k.endswith(("_", ".")))
    for prefix, values in DYNAMIC.items():
        found.update(prefix + v for v in values)
    return found


@pytest.mark.parametrize("lang", LANGS)
def test_every_key_is_translated(lang):
    missing = sorted(_used_keys() - keys("console", lang))
    assert not missing, missing


def test_catalogs_have_the_same_keys():
    assert keys("console", "zh_CN") == keys("console", "zh_TW") == keys("console", "en")


@pytest.mark.parametrize("lang", LANGS)
def test_pages_show_no_raw_keys(app, lang):
    matter, _ = kiosk_submission(app, "property.repair")
    tc = app.test_client()
    console_sign_in(tc, "admin", lang=lang)
    prefixes = "|".join(re.escape(p) for p in (
        "queue.", "matter.", "sla.", "nav.", "dash.", "desk.", "content.", "workflow.",
        "preview.", "error.", "login.", "channel.", "finance."))
    raw = re.compile(rf">\s*(?:{prefixes})[a-z_.]+\s*<")
    for path in ("/console/queue", f"/console/matters/{matter.number}", "/console/dashboard",
                 "/console/desk", "/console/content", "/console/workflows/report",
                 "/console/content/services/property.repair", "/console/audit"):
        r = tc.get(path)
        assert r.status_code == 200, path
        assert not raw.search(r.text), (path, raw.search(r.text).group(0))


def test_console_imports_only_the_client():
    forbidden = ("channel_core", "payments", "sqlalchemy", "kiosk", "tv_app", "hotline",
                 "chatbot", "qt_common")
    for path in CONSOLE.rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names = ([a.name for a in node.names] if isinstance(node, ast.Import)
                     else [node.module or ""] if isinstance(node, ast.ImportFrom) else [])
            for name in names:
                assert name.split(".")[0] not in forbidden, f"{path}: imports {name}"
