"""QR codes drawn straight from the qrcode matrix into Qt images (no PIL round trip)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QImage, QPainter, QPixmap
from PySide6.QtWidgets import QLabel, QSizePolicy, QWidget


def qr_matrix(data: str) -> list[list[bool]]:
    """The module matrix of `data` (medium error correction, 4-module quiet zone)."""
    import qrcode  # imported on first use: start-up doesn't pay for it

    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=4)
    code.add_data(data)
    code.make(fit=True)
    return code.get_matrix()


def qr_image(data: str, size_px: int) -> QImage:
    """A square black-on-white QImage of `data`, whole pixels per module."""
    matrix = qr_matrix(data)
    n = len(matrix)
    scale = max(1, size_px // n)
    img = QImage(n * scale, n * scale, QImage.Format.Format_RGB32)
    img.fill(QColor("white"))
    painter = QPainter(img)
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(QColor("black"))
    for y, row in enumerate(matrix):
        for x, dark in enumerate(row):
            if dark:
                painter.drawRect(x * scale, y * scale, scale, scale)
    painter.end()
    return img


def qr_pixmap(data: str, size_px: int) -> QPixmap:
    """A QPixmap of `data` for a QLabel or a printed receipt."""
    return QPixmap.fromImage(qr_image(data, size_px))


class QrView(QLabel):
    """A label showing one QR code; `set_data('')` clears it."""

    def __init__(self, size_px: int = 320, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._data = ""
        self._size = size_px
        self.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.setMinimumSize(size_px, size_px)
        self.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
        self.setProperty("a11y_decorative", True)
        self.setStyleSheet("background-color: white;")

    @property
    def data(self) -> str:
        """What the code currently encodes ('' when cleared)."""
        return self._data

    def set_data(self, data: str) -> None:
        """Show a code for `data`, or nothing for ''."""
        self._data = data
        if data:
            self.setPixmap(qr_pixmap(data, self._size))
        else:
            self.clear()
