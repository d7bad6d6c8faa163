"""One high-contrast look for the Qt channels: colours and a stylesheet scaled by Sizes."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from qt_common.fonts import apply_app_font, family_for
from qt_common.sizes import Sizes


@dataclass(frozen=True)
class Palette:
    """Named colours; every text/background pair used below passes 4.5:1."""

    window: str = "#FFFFFF"
    text: str = "#14213D"
    muted: str = "#3D4A5C"
    primary: str = "#0B4F9C"
    on_primary: str = "#FFFFFF"
    tile: str = "#E6EEF8"
    on_tile: str = "#0A2540"
    danger: str = "#A4161A"
    on_danger: str = "#FFFFFF"
    ok: str = "#1B5E20"
    warning_bg: str = "#FFF3CD"
    on_warning: str = "#5C3B00"
    field: str = "#FFFFFF"
    border: str = "#14213D"
    selected: str = "#0B4F9C"
    on_selected: str = "#FFFFFF"


DEFAULT = Palette()

# Object names / dynamic properties the stylesheet understands.
ROLE = "role"  # setProperty("role", "primary" | "danger" | "tile" | "key" | "link")
LEVEL = "level"  # setProperty("level", "title" | "heading" | "muted" | "error" | "ok" | "banner")


def stylesheet(sizes: Sizes, lang: str, p: Palette = DEFAULT) -> str:
    """The application stylesheet for one mode and language."""
    t, fam = sizes.target_px, family_for(lang)
    pad = max(6, t // 5)
    return f"""
* {{ font-family: "{fam}"; font-size: {sizes.body_pt}pt; color: {p.text}; }}
QWidget {{ background-color: {p.window}; }}
QLabel {{ background: transparent; }}
QLabel[level="title"] {{ font-size: {sizes.title_pt}pt; font-weight: bold; }}
QLabel[level="heading"] {{ font-size: {sizes.heading_pt}pt; font-weight: bold; }}
QLabel[level="muted"] {{ color: {p.muted}; }}
QLabel[level="error"] {{ color: {p.danger}; font-weight: bold; }}
QLabel[level="ok"] {{ color: {p.ok}; font-weight: bold; }}
QLabel[level="banner"], QFrame[level="banner"] {{ background-color: {p.warning_bg};
    color: {p.on_warning}; font-weight: bold; }}
QFrame[level="banner"] QLabel {{ color: {p.on_warning}; }}
QPushButton, QToolButton {{ min-height: {t}px; min-width: {t}px; padding: {pad}px {pad * 2}px;
    border: 2px solid {p.border}; border-radius: 8px; background-color: {p.window};
    color: {p.text}; }}
QPushButton:checked {{ background-color: {p.selected}; color: {p.on_selected};
    border-color: {p.selected}; }}
QPushButton:disabled {{ color: {p.muted}; border-color: {p.muted}; }}
QPushButton[role="primary"] {{ background-color: {p.primary}; color: {p.on_primary};
    border-color: {p.primary}; font-weight: bold; }}
QPushButton[role="danger"] {{ background-color: {p.danger}; color: {p.on_danger};
    border-color: {p.danger}; font-weight: bold; }}
QPushButton[role="tile"] {{ background-color: {p.tile}; color: {p.on_tile};
    border: 2px solid {p.primary}; font-size: {sizes.heading_pt}pt; font-weight: bold;
    min-height: {int(t * 2.2)}px; }}
QPushButton[role="tile"]:checked {{ background-color: {p.selected}; color: {p.on_selected}; }}
QPushButton[role="key"] {{ min-height: {t}px; min-width: {t}px; padding: 0px;
    font-weight: bold; }}
QPushButton[role="link"] {{ border: none; color: {p.primary}; text-decoration: underline; }}
QLineEdit, QPlainTextEdit {{ min-height: {t}px; border: 2px solid {p.border}; border-radius: 6px;
    background-color: {p.field}; color: {p.text}; padding: 4px {pad}px; }}
QLineEdit[invalid="true"], QPlainTextEdit[invalid="true"] {{ border: 3px solid {p.danger}; }}
QLineEdit:focus, QPlainTextEdit:focus {{ border: 3px solid {p.primary}; }}
QScrollArea {{ border: none; }}
QScrollBar:vertical {{ width: {t}px; background: {p.tile}; border: none; margin: 0px; }}
QScrollBar:horizontal {{ height: {t}px; background: {p.tile}; border: none; margin: 0px; }}
QScrollBar::handle {{ background: {p.primary}; border-radius: {t // 4}px; margin: 4px; }}
QScrollBar::handle:vertical {{ min-height: {t}px; }}
QScrollBar::handle:horizontal {{ min-width: {t}px; }}
QScrollBar::add-line, QScrollBar::sub-line {{ width: 0px; height: 0px; border: none;
    background: none; }}
QScrollBar::add-page, QScrollBar::sub-page {{ background: none; }}
QProgressBar {{ min-height: {t // 2}px; border: 2px solid {p.border}; border-radius: 6px;
    text-align: center; }}
QProgressBar::chunk {{ background-color: {p.primary}; }}
"""


def apply(app: QApplication, sizes: Sizes, lang: str, p: Palette = DEFAULT) -> None:
    """Set the application font and stylesheet for a mode and language."""
    apply_app_font(app, lang, sizes.body_pt)
    app.setStyleSheet(stylesheet(sizes, lang, p))


def restyle(widget) -> None:
    """Re-polish a widget after one of its dynamic style properties changed.

    A widget not polished yet (not shown so far) is left alone: its first polish reads the
    property anyway, and asking for its style from Python before the first frame makes
    PySide6 build the QStyle wrapper with all its enums (some 15 ms of start-up).
    """
    if not widget.testAttribute(Qt.WidgetAttribute.WA_WState_Polished):
        return
    style = widget.style()
    style.unpolish(widget)
    style.polish(widget)
    widget.update()
