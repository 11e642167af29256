"""Figures read back from a rendered report as a reader sees them ('1,234', '17.5%', '£5.7m')."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

# what a printed figure may carry around its digits: thousands commas, %, £, spaces, and a unit
# after it (% pts, m for millions, s or mins for seconds and minutes)
_DECORATION = re.compile(r"[£,%\s]|pts$|mins$|m$|s$")


def printed_number(text: str) -> Decimal | None:
    """A printed figure as the exact number it shows; None for N/A, n/a, -, [c] and other words."""
    try:
        return Decimal(_DECORATION.sub("", text.strip()))
    except InvalidOperation:
        return None


def printed_places(text: str) -> int:
    """How many decimal places a printed figure shows."""
    digits = re.sub(r"[^0-9.]", "", text)
    return len(digits.split(".")[1]) if "." in digits else 0
