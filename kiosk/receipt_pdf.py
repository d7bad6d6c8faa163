"""The printable receipt: an 80 mm slip drawn with QPainter into a PDF (or a receipt printer)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QMarginsF, QRectF, QSizeF, Qt
from PySide6.QtGui import QFont, QPagedPaintDevice, QPageLayout, QPageSize, QPainter, QPdfWriter

from kiosk.backend import Receipt
from portal_client.i18n import Translator, pick
from qt_common import formatting
from qt_common.fonts import family_for
from qt_common.qr import qr_image

PAGE_MM = QSizeF(80, 170)
DPI = 300


def receipt_lines(receipt: Receipt, lang: str, location: str) -> list[tuple[str, str]]:
    """(style, text) lines of the slip, in order: style is 'title', 'big', 'text' or 'small'."""
    tr = Translator("kiosk", lang)
    lines = [("title", tr("receipt.pdf_title")), ("text", pick(receipt.service_title, lang))]
    if receipt.provisional:
        lines += [("small", tr("receipt.provisional_code")), ("big", receipt.provisional_code or ""),
                  ("text", tr("receipt.provisional_note"))]
    else:
        lines += [("small", tr("receipt.number")), ("big", receipt.number or "")]
        if receipt.state_label:
            lines.append(("text", tr("receipt.state", state=pick(receipt.state_label, lang))))
        if receipt.next_step:
            lines.append(("text", pick(receipt.next_step, lang)))
        if receipt.amount_minor:
            lines.append(("text", tr("receipt.amount", amount=formatting.money_minor(
                receipt.amount_minor, receipt.currency or "CNY", lang))))
    try:
        when = formatting.moment(receipt.created_at, lang)
    except ValueError:
        when = receipt.created_at
    lines.append(("small", tr("receipt.time", time=when)))
    if location:
        lines.append(("small", tr("receipt.location", location=location)))
    if receipt.tracking_url:
        lines.append(("small", tr("receipt.scan_to_track")))
    return lines


def draw_receipt(device: QPagedPaintDevice, receipt: Receipt, lang: str, location: str) -> None:
    """Paint the slip on a PDF writer or a printer."""
    painter = QPainter(device)
    try:
        page = device.pageLayout().paintRectPixels(device.logicalDpiX())
        width = page.width()
        y = 0.0
        family = family_for(lang)
        sizes = {"title": 13, "big": 20, "text": 9, "small": 8}
        for style, text in receipt_lines(receipt, lang, location):
            font = QFont(family)
            font.setPointSizeF(sizes[style])
            font.setBold(style in ("title", "big"))
            painter.setFont(font)
            rect = QRectF(0, y, width, 10_000)
            flags = int(Qt.AlignmentFlag.AlignHCenter | Qt.TextFlag.TextWordWrap)
            bound = painter.boundingRect(rect, flags, text)
            painter.drawText(QRectF(0, y, width, bound.height()), flags, text)
            y += bound.height() + device.logicalDpiY() * 0.06
        if receipt.tracking_url:
            side = min(width * 0.7, device.logicalDpiX() * 1.6)
            img = qr_image(receipt.tracking_url, int(side))
            painter.drawImage(QRectF((width - side) / 2, y, side, side), img)
    finally:
        painter.end()


def write_receipt(receipt: Receipt, lang: str, path: Path, location: str = "") -> Path:
    """Write the slip as a one-page PDF at `path`."""
    path.parent.mkdir(parents=True, exist_ok=True)
    writer = QPdfWriter(str(path))
    writer.setResolution(DPI)
    writer.setPageLayout(QPageLayout(QPageSize(PAGE_MM, QPageSize.Unit.Millimeter),
                                     QPageLayout.Orientation.Portrait,
                                     QMarginsF(4, 4, 4, 4), QPageLayout.Unit.Millimeter))
    writer.setTitle(Translator("kiosk", lang)("receipt.pdf_title"))
    writer.setCreator("community-portal kiosk")
    draw_receipt(writer, receipt, lang, location)
    return path


def print_receipt(receipt: Receipt, lang: str, location: str = "") -> bool:
    """Send the slip to the default printer; False when the kiosk has none."""
    from PySide6.QtPrintSupport import QPrinter, QPrinterInfo

    info = QPrinterInfo.defaultPrinter()
    if info.isNull():
        return False
    printer = QPrinter(info)
    printer.setPageSize(QPageSize(PAGE_MM, QPageSize.Unit.Millimeter))
    draw_receipt(printer, receipt, lang, location)
    return True
