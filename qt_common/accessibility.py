"""Accessibility figures: target and text sizes per mode, WCAG contrast, and a screen audit."""

from __future__ import annotations

from array import array
from collections import Counter
from dataclasses import dataclass

from PySide6.QtCore import QRect
from PySide6.QtGui import QColor, QImage
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractSpinBox,
    QComboBox,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QScrollBar,
    QTextEdit,
    QWidget,
)

from qt_common.sizes import ELDER, STANDARD, Sizes

MIN_CONTRAST = 4.5  # WCAG 2.x AA for body text
__all__ = ["ELDER", "MIN_CONTRAST", "STANDARD", "Sizes"]  # and the functions below


def _linear(channel: float) -> float:
    c = channel / 255.0
    return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4


def luminance(color: QColor | str) -> float:
    """WCAG relative luminance of an sRGB colour (0 black … 1 white)."""
    c = QColor(color)
    return 0.2126 * _linear(c.red()) + 0.7152 * _linear(c.green()) + 0.0722 * _linear(c.blue())


def contrast_ratio(fg: QColor | str, bg: QColor | str) -> float:
    """WCAG contrast ratio between two colours (1 … 21)."""
    a, b = sorted((luminance(fg), luminance(bg)), reverse=True)
    return (a + 0.05) / (b + 0.05)


@dataclass(frozen=True)
class Finding:
    """One accessibility problem on a visible widget."""

    widget: str
    problem: str  # "target" | "text_size" | "contrast"
    measured: float
    required: float

    def __str__(self) -> str:
        return f"{self.widget}: {self.problem} {self.measured:.1f} < {self.required:.1f}"


# A scroll bar is dragged with a finger too: its thickness is a target like any other.
_INTERACTIVE = (QAbstractButton, QLineEdit, QPlainTextEdit, QTextEdit, QComboBox, QAbstractSpinBox,
                QScrollBar)


def widget_text(w: QWidget) -> str:
    """The text a widget shows (labels, buttons, editors), or ''."""
    if isinstance(w, QLabel | QAbstractButton | QLineEdit):
        return w.text()
    if isinstance(w, QPlainTextEdit):
        return w.toPlainText()
    if isinstance(w, QTextEdit):
        return w.toPlainText()
    return ""


def point_size(w: QWidget) -> float:
    """The widget's font size in points (pixel-sized fonts converted at the screen's dpi)."""
    f = w.font()
    if f.pointSizeF() > 0:
        return f.pointSizeF()
    return f.pixelSize() * 72.0 / max(w.logicalDpiY(), 1)


def render_window(w: QWidget) -> QImage:
    """The whole window as drawn (so transparent widgets show what is behind them)."""
    return w.window().grab().toImage().convertToFormat(QImage.Format.Format_RGB32)


def _colours(w: QWidget, window_image: QImage, inset: bool) -> Counter[int]:
    """How many pixels of each colour are drawn within the widget's visible rectangle."""
    shown = w.visibleRegion().boundingRect()
    rect = QRect(w.mapTo(w.window(), shown.topLeft()), shown.size())
    if inset:  # leave borders out: only what is behind and in the text
        dx, dy = min(8, rect.width() // 6), min(8, rect.height() // 5)
        rect = rect.adjusted(dx, dy, -dx, -dy)
    rect = rect.intersected(window_image.rect())
    if rect.isEmpty():
        return Counter()
    crop = window_image.copy(rect).convertToFormat(QImage.Format.Format_RGB32)
    data = array("I", bytes(crop.constBits())[: crop.sizeInBytes()])
    row = crop.bytesPerLine() // 4
    pixels: Counter[int] = Counter()
    for y in range(crop.height()):
        pixels.update(data[y * row: y * row + crop.width()])
    return pixels


def background_of(w: QWidget, window_image: QImage | None = None) -> QColor:
    """The colour drawn most within a widget's rectangle: the background behind its text."""
    counts = _colours(w, window_image or render_window(w), inset=False)
    if not counts:
        return w.palette().color(w.backgroundRole())
    return QColor.fromRgb(counts.most_common(1)[0][0] & 0xFFFFFF)


def measured_contrast(w: QWidget, window_image: QImage | None = None) -> float:
    """Contrast of a widget's text as rendered: its background against its strongest ink.

    The ink is the colour, among those covering a real share of the inner area (text
    strokes, not anti-aliasing), that differs most from the background; so states set
    by stylesheets (checked, pressed, disabled) are measured as drawn.
    """
    img = window_image or render_window(w)
    counts = _colours(w, img, inset=True) or _colours(w, img, inset=False)
    if not counts:
        return contrast_ratio(w.palette().color(w.foregroundRole()),
                              w.palette().color(w.backgroundRole()))
    total = sum(counts.values())
    bg = QColor.fromRgb(counts.most_common(1)[0][0] & 0xFFFFFF)
    floor = max(3, total // 500)
    inks = [QColor.fromRgb(c & 0xFFFFFF) for c, n in counts.items() if n >= floor]
    if len(inks) <= 1:  # text too small to have solid strokes: trust the palette
        return contrast_ratio(w.palette().color(w.foregroundRole()), bg)
    return max(contrast_ratio(ink, bg) for ink in inks)


def _visible(root: QWidget) -> list[QWidget]:
    out = []
    for w in [root, *root.findChildren(QWidget)]:
        if w.isVisible() and w.isVisibleTo(root) and not w.visibleRegion().isEmpty():
            out.append(w)
    return out


def _name(w: QWidget) -> str:
    text = widget_text(w).replace("\n", " ")[:24]
    return f"{type(w).__name__}#{w.objectName() or '-'}[{text}]"


def audit(root: QWidget, sizes: Sizes, contrast: bool = True) -> list[Finding]:
    """Every visible widget under `root` that breaks the target, text-size or contrast rule.

    Widgets with the dynamic property ``a11y_decorative`` set (a QR image) are skipped.
    """
    findings: list[Finding] = []
    window_image = render_window(root) if contrast else None
    for w in _visible(root):
        if w.property("a11y_decorative"):
            continue
        if isinstance(w, _INTERACTIVE) and w.isEnabled():
            short = min(w.width(), w.height())
            if short < sizes.target_px:
                findings.append(Finding(_name(w), "target", short, sizes.target_px))
        text = widget_text(w)
        if not text.strip():
            continue
        pt = point_size(w)
        if pt + 0.01 < sizes.body_pt:
            findings.append(Finding(_name(w), "text_size", pt, sizes.body_pt))
        if contrast and w.isEnabled() and window_image is not None:
            ratio = measured_contrast(w, window_image)
            if ratio < MIN_CONTRAST:
                findings.append(Finding(_name(w), "contrast", ratio, MIN_CONTRAST))
    return findings
