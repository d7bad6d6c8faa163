"""The 10-foot look: a dark high-contrast palette, pixel-sized text, one bright focus.

Sizes are in pixels at 1920×1080 (a TV has no meaningful DPI); every text/background pair
below passes WCAG 4.5:1 (tests measure the rendered screens as well).
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtWidgets import QApplication

from qt_common.fonts import family_for, font_for

SCREEN_W, SCREEN_H = 1920, 1080
SAFE_X, SAFE_Y = SCREEN_W * 5 // 100, SCREEN_H * 5 // 100  # 5% title-safe margins
MAX_TILES = 6


@dataclass(frozen=True)
class TvSizes:
    """Text sizes (px) of one mode; `body_px` is the smallest text on any screen."""

    body_px: int
    tile_px: int
    title_px: int
    hint_px: int
    gap_px: int


STANDARD = TvSizes(body_px=34, tile_px=42, title_px=54, hint_px=32, gap_px=28)
ELDER = TvSizes(body_px=40, tile_px=50, title_px=62, hint_px=36, gap_px=32)
MIN_TEXT_PX = 30


@dataclass(frozen=True)
class TvPalette:
    """Named colours of the TV screens."""

    window: str = "#0B1A2E"
    text: str = "#FFFFFF"
    muted: str = "#C9D6E8"
    tile: str = "#1C3557"
    tile_border: str = "#5B7FAF"
    focus: str = "#FFD23F"
    on_focus: str = "#0B1A2E"
    focus_ring: str = "#FFFFFF"
    danger: str = "#B3141B"
    on_danger: str = "#FFFFFF"
    ok_bg: str = "#1E6B34"
    on_ok: str = "#FFFFFF"
    warn_bg: str = "#FFE08A"
    on_warn: str = "#3A2A00"
    error: str = "#FFB4B4"
    alert_bg: str = "#14284A"


PALETTE = TvPalette()


def stylesheet(sizes: TvSizes, lang: str, p: TvPalette = PALETTE) -> str:
    """The application stylesheet; widgets choose looks with the `role`/`level` properties."""
    fam = family_for(lang)
    return f"""
* {{ font-family: "{fam}"; font-size: {sizes.body_px}px; color: {p.text}; }}
QWidget#tv_window, QStackedWidget, QWidget[screen="true"] {{ background-color: {p.window}; }}
QLabel {{ background: transparent; color: {p.text}; }}
QLabel[level="title"] {{ font-size: {sizes.title_px}px; font-weight: bold; }}
QLabel[level="muted"] {{ color: {p.muted}; }}
QLabel[level="hint"] {{ color: {p.muted}; font-size: {sizes.hint_px}px; }}
QLabel[level="notice"] {{ color: {p.focus}; font-size: {sizes.hint_px}px; font-weight: bold; }}
QLabel[level="error"] {{ color: {p.error}; font-weight: bold; }}
QLabel[level="big"] {{ font-size: {sizes.title_px}px; font-weight: bold; }}
QLabel[level="ok"] {{ background-color: {p.ok_bg}; color: {p.on_ok}; font-weight: bold;
    padding: 12px 24px; border-radius: 10px; }}
QLabel[level="warn"] {{ background-color: {p.warn_bg}; color: {p.on_warn}; font-weight: bold;
    padding: 12px 24px; border-radius: 10px; }}
QLabel[level="danger"] {{ background-color: {p.danger}; color: {p.on_danger};
    font-weight: bold; padding: 12px 24px; border-radius: 10px; }}
QPushButton {{ background-color: {p.tile}; color: {p.text}; border: 3px solid {p.tile_border};
    border-radius: 14px; padding: 14px 28px; text-align: left; }}
QPushButton[role="tile"] {{ font-size: {sizes.tile_px}px; font-weight: bold;
    text-align: center; padding: 20px; }}
QPushButton[role="danger"] {{ background-color: {p.danger}; color: {p.on_danger};
    border-color: {p.danger}; font-size: {sizes.tile_px}px; font-weight: bold;
    text-align: center; }}
QPushButton[role="action"] {{ font-weight: bold; text-align: center; }}
QPushButton[role="digits"] {{ font-size: {sizes.title_px}px; font-weight: bold;
    text-align: center; letter-spacing: 6px; }}
QPushButton[checked_mark="true"] {{ border-color: {p.text}; }}
QPushButton[focused="true"] {{ background-color: {p.focus}; color: {p.on_focus};
    border: 8px solid {p.focus_ring}; }}
QPushButton[role="danger"][focused="true"] {{ background-color: {p.focus};
    color: {p.danger}; border: 8px solid {p.danger}; }}
QFrame#alert_box {{ background-color: {p.alert_bg}; border: 6px solid {p.focus};
    border-radius: 20px; }}
QFrame#alert_box QLabel {{ background: transparent; }}
QScrollArea {{ border: none; background: transparent; }}
QScrollArea[panel="true"] {{ border: 3px solid {p.tile_border}; border-radius: 14px;
    background-color: {p.window}; }}
QScrollArea[panel="true"][focused="true"] {{ border: 8px solid {p.focus}; }}
QScrollArea[panel="true"] QLabel {{ background-color: {p.window}; }}
"""


def apply(app: QApplication, sizes: TvSizes, lang: str) -> None:
    """Set the TV font and stylesheet on the application."""
    font = font_for(lang, 12)
    font.setPixelSize(sizes.body_px)
    app.setFont(font)
    app.setStyleSheet(stylesheet(sizes, lang))
