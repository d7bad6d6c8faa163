"""Target and text sizes of the two presentation modes (standard and elder)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Sizes:
    """Minimum touch target (px) and text sizes (pt) of one presentation mode."""

    target_px: int
    body_pt: float
    heading_pt: float
    title_pt: float
    spacing_px: int


STANDARD = Sizes(target_px=44, body_pt=18, heading_pt=24, title_pt=30, spacing_px=12)
ELDER = Sizes(target_px=60, body_pt=30, heading_pt=36, title_pt=44, spacing_px=18)
