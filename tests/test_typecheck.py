"""The core and the client stay mypy-clean (STYLE.md)."""

import subprocess
import sys

from channel_core.config import ROOT


def test_core_is_mypy_clean():
    out = subprocess.run([sys.executable, "-m", "mypy", "channel_core", "portal_client"],
                         cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert out.returncode == 0, out.stdout[-4000:]
