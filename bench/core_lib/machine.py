"""What else the machine was doing during a run: load averages, printed beside each figure."""

from __future__ import annotations

import os


def loadavg() -> str:
    """The 1, 5 and 15 minute load averages, e.g. 'load 1.52 2.10 2.33 (2 cpus)'."""
    one, five, fifteen = os.getloadavg()
    return f"load {one:.2f} {five:.2f} {fifteen:.2f} ({os.cpu_count()} cpus)"
