"""Matter numbers: digits only, a Damm check digit that catches every single-digit error
and every adjacent transposition."""

from __future__ import annotations

# Damm's totally anti-symmetric quasigroup of order 10 (H. M. Damm, 2004).
_DAMM = (
    (0, 3, 1, 7, 5, 9, 8, 6, 4, 2),
    (7, 0, 9, 2, 1, 5, 4, 8, 6, 3),
    (4, 2, 0, 6, 8, 7, 1, 3, 5, 9),
    (1, 7, 5, 0, 9, 8, 3, 4, 2, 6),
    (6, 1, 2, 3, 0, 4, 5, 9, 7, 8),
    (3, 6, 7, 4, 2, 0, 9, 5, 8, 1),
    (5, 8, 6, 9, 7, 2, 0, 1, 3, 4),
    (8, 9, 4, 5, 3, 6, 2, 0, 1, 7),
    (9, 4, 3, 8, 6, 1, 7, 2, 0, 5),
    (2, 5, 8, 1, 4, 3, 6, 7, 9, 0),
)

BODY_DIGITS = 8
OFFSET = 10_000_000  # sequence 1 → body 10000001, so numbers never start with 0


def damm_digit(digits: str) -> int:
    """The Damm check digit of a string of digits."""
    interim = 0
    for ch in digits:
        interim = _DAMM[interim][ord(ch) - 48]
    return interim


def encode(sequence: int) -> str:
    """The matter number for the n-th matter (n ≥ 1)."""
    if sequence < 1 or sequence + OFFSET >= 10**BODY_DIGITS:
        raise ValueError("sequence out of range")
    body = str(OFFSET + sequence)
    return body + str(damm_digit(body))


def normalize(text: str) -> str:
    """Strip the spaces and dashes people type or say between digit groups."""
    return "".join(ch for ch in text if not ch.isspace() and ch not in "-–—·.")


def is_valid(text: str) -> bool:
    """True when `text` (after normalizing) is a well-formed number with a correct check digit."""
    n = normalize(text)
    return len(n) == BODY_DIGITS + 1 and n.isascii() and n.isdigit() and damm_digit(n) == 0


def decode(text: str) -> int:
    """The sequence a valid number encodes; ValueError when the check digit is wrong."""
    n = normalize(text)
    if not is_valid(n):
        raise ValueError("not a valid matter number")
    return int(n[:-1]) - OFFSET


def spoken_groups(number: str) -> list[str]:
    """A number in groups of three for reading aloud digit by digit ('123 456 789')."""
    n = normalize(number)
    return [n[i:i + 3] for i in range(0, len(n), 3)]
