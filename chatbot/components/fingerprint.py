"""What Rasa's training cache must know about files a component reads by itself.

Rasa fingerprints a graph node by its class source, its config and its inputs; a component
that reads a folder named in its config (a Jieba dictionary, the catalog vocabulary) or
calls helper modules would be served a stale cached result when only those change. Each
such component returns ``files_fingerprint(...)`` from ``fingerprint_addon``.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from chatbot import language_detection, lexicon

# Helper modules whose code shapes the components' output.
HELPER_SOURCES = (Path(lexicon.__file__), Path(language_detection.__file__))


def files_fingerprint(folder: str | None) -> str:
    """A digest of every file in ``folder`` (names and bytes; "" when none is configured)
    and of the helper modules' source."""
    digest = hashlib.sha256()
    files = sorted(p for p in Path(folder).rglob("*") if p.is_file()) if folder else []
    for path in [*files, *HELPER_SOURCES]:
        digest.update(path.name.encode())
        digest.update(b"\0")
        digest.update(path.read_bytes())
        digest.update(b"\0")
    return digest.hexdigest()
