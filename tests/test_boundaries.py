"""Import boundaries (like Home Assistant's hassfest): channels use only the public client,
vendor SDKs stay in one adapter module each."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CHANNELS = ("kiosk", "tv_app", "hotline", "chatbot", "console")
CORE = ("channel_core", "payments")
FORBIDDEN_FOR_CHANNELS = ("channel_core", "payments", "sqlalchemy", "alembic", "portal")
VENDOR_ADAPTERS = {
    "twilio": {"channel_core/notify/twilio_sms.py"},
    "stripe": {"payments/providers/stripe_api.py"},
    "PySide6": set(),
    "rasa": set(),
    "rasa_sdk": set(),
}


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def _py_files(package: str):
    base = ROOT / package
    return sorted(p for p in base.rglob("*.py") if ".venv" not in p.parts) if base.exists() else []


@pytest.mark.parametrize("channel", CHANNELS)
def test_channels_import_only_the_public_client(channel):
    bad = []
    for path in _py_files(channel):
        for name in _imports(path):
            top = name.split(".")[0]
            if top in FORBIDDEN_FOR_CHANNELS or (top in CHANNELS and top != channel):
                if channel == "chatbot" and top == "rasa":
                    continue
                bad.append(f"{path.relative_to(ROOT)} imports {name}")
    assert not bad, "\n".join(bad)


@pytest.mark.parametrize("package", CORE)
def test_core_keeps_vendor_sdks_in_one_adapter(package):
    bad = []
    for path in _py_files(package):
        rel = str(path.relative_to(ROOT))
        for name in _imports(path):
            top = name.split(".")[0]
            if top in VENDOR_ADAPTERS and rel not in VENDOR_ADAPTERS[top]:
                bad.append(f"{rel} imports {name}")
            if top in CHANNELS:
                bad.append(f"{rel} imports channel {name}")
    assert not bad, "\n".join(bad)


def test_client_stays_small_and_py310_compatible():
    for path in _py_files("portal_client"):
        for name in _imports(path):
            top = name.split(".")[0]
            assert top not in (*CORE, *CHANNELS, "sqlalchemy", "flask"), (path, name)
        ast.parse(path.read_text(encoding="utf-8"), str(path), feature_version=(3, 10))


def test_channel_rendering_is_free_of_ui_and_channels():
    """channel_render is shared by the channels and the console's preview: no UI toolkit, web
    framework, vendor SDK or channel in it, and Python 3.10 (the Rasa action server's)."""
    ui = ("PySide6", "flask", "twilio", "rasa", "rasa_sdk", "qt_common", "requests")
    for path in _py_files("channel_render"):
        for name in _imports(path):
            top = name.split(".")[0]
            assert top not in (*CORE, *CHANNELS, *ui, "sqlalchemy"), (path, name)
        ast.parse(path.read_text(encoding="utf-8"), str(path), feature_version=(3, 10))
