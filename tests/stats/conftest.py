"""Shared fixture for the statistics tests: a hand XmR calculation in plain Python."""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable, Sequence

import pytest


def _hand_limits(xs: Sequence[float | None], screen: bool = True) -> dict[str, float]:
    """Return mean, (screened) mean moving range and the XmR lines, in plain Python arithmetic.

    None marks a missing value: it is left out of the mean, and so is every moving range beside it.
    """
    known = [x for x in xs if x is not None]
    mean = sum(known) / len(known) if known else math.nan
    ranges = [abs(b - a) for a, b in itertools.pairwise(xs) if a is not None and b is not None]
    raw = sum(ranges) / len(ranges) if ranges else math.nan
    kept = [r for r in ranges if r <= 3.267 * raw] if screen else ranges
    mmr = sum(kept) / len(kept) if kept else math.nan
    return {
        "mean": mean,
        "mmr": mmr,
        "lower_limit": mean - 2.66 * mmr,
        "upper_limit": mean + 2.66 * mmr,
        "lower_2sigma": mean - 2 / 3 * 2.66 * mmr,
        "upper_2sigma": mean + 2 / 3 * 2.66 * mmr,
    }


@pytest.fixture
def hand_limits() -> Callable[..., dict[str, float]]:
    """Provide the hand XmR calculation."""
    return _hand_limits
