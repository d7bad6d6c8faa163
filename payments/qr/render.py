"""Render any QR payload to PNG or SVG with the `qrcode` library."""

from __future__ import annotations

import io

import qrcode
import qrcode.image.svg
from qrcode.constants import ERROR_CORRECT_M


def _qr(payload: str) -> qrcode.QRCode:
    qr = qrcode.QRCode(error_correction=ERROR_CORRECT_M, box_size=10, border=4)
    qr.add_data(payload.encode("utf-8"))
    qr.make(fit=True)
    return qr


def png(payload: str, box_size: int = 10) -> bytes:
    """The QR code as PNG bytes."""
    qr = _qr(payload)
    qr.box_size = box_size
    buf = io.BytesIO()
    qr.make_image(fill_color="black", back_color="white").save(buf, format="PNG")
    return buf.getvalue()


def svg(payload: str) -> bytes:
    """The QR code as a standalone SVG document (one path, scales to any size)."""
    img = _qr(payload).make_image(image_factory=qrcode.image.svg.SvgPathImage)
    buf = io.BytesIO()
    img.save(buf)
    return buf.getvalue()
