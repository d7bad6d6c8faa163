"""Fonts: Noto Sans CJK set explicitly per language, so Han glyphs never fall back to boxes."""

from __future__ import annotations

from PySide6.QtGui import QFont, QFontDatabase
from PySide6.QtWidgets import QApplication

# Debian package fonts-noto-cjk provides both; the SC face also covers Latin text.
FAMILIES: dict[str, str] = {
    "zh_CN": "Noto Sans CJK SC",
    "zh_TW": "Noto Sans CJK TC",
    "en": "Noto Sans CJK SC",
}


def family_for(lang: str) -> str:
    """The font family for a language (traditional glyph forms for zh_TW)."""
    return FAMILIES.get(lang, FAMILIES["zh_CN"])


def font_for(lang: str, point_size: float) -> QFont:
    """A QFont of the language's family at `point_size`."""
    font = QFont(family_for(lang))
    font.setPointSizeF(point_size)
    font.setStyleStrategy(QFont.StyleStrategy.PreferAntialias)
    return font


def missing_families() -> list[str]:
    """Families of FAMILIES that this machine lacks (install Debian fonts-noto-cjk)."""
    have = set(QFontDatabase.families())
    return sorted({f for f in FAMILIES.values() if f not in have})


def apply_app_font(app: QApplication, lang: str, point_size: float) -> None:
    """Make the language's family and size the application default."""
    app.setFont(font_for(lang, point_size))
