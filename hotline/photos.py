"""Photos callers add through the SMS link: one file per upload link, kept on disk."""

from __future__ import annotations

import os
import re
import tempfile
from pathlib import Path

_TOKEN = re.compile(r"^[A-Za-z0-9_-]{16,64}$")
KINDS = {b"\xff\xd8\xff": "jpg", b"\x89PNG\r\n\x1a\n": "png"}
MAX_BYTES = 8 * 1024 * 1024


class PhotoError(Exception):
    """An upload that is not accepted (unknown link, already used, not an image)."""


class PhotoStore:
    """Upload links expected by the hotline and the photos received through them."""

    def __init__(self, directory: Path) -> None:
        self.directory = Path(directory)

    def _pending(self, token: str) -> Path:
        return self.directory / f"{token}.pending"

    def expect(self, token: str) -> None:
        """Open an upload link."""
        self.directory.mkdir(parents=True, exist_ok=True)
        self._pending(token).touch()

    def is_open(self, token: str) -> bool:
        return bool(_TOKEN.match(token)) and self._pending(token).exists()

    def photo(self, token: str) -> Path | None:
        """The photo received through a link, if any."""
        if not _TOKEN.match(token):
            return None
        for ext in KINDS.values():
            p = self.directory / f"{token}.{ext}"
            if p.exists():
                return p
        return None

    def save(self, token: str, data: bytes) -> Path:
        """Keep the photo of an open link (JPEG or PNG) and close the link."""
        if not self.is_open(token):
            raise PhotoError("photo_page.closed")
        if len(data) > MAX_BYTES:
            raise PhotoError("photo_page.too_big")
        ext = next((e for magic, e in KINDS.items() if data.startswith(magic)), None)
        if ext is None:
            raise PhotoError("photo_page.not_image")
        target = self.directory / f"{token}.{ext}"
        fd, tmp = tempfile.mkstemp(dir=self.directory)
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.replace(tmp, target)
        self._pending(token).unlink(missing_ok=True)
        return target
