"""Shared fixture for the statistics tests: a hand XmR calculation in plain Python."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import pytest


def _hand_limits(xs: Sequence[float]) -> dict[str, float]:
    """Return mean, screened mean moving range and the XmR lines, in plain Python arithmetic."""
    mean = sum(xs) / len(xs)
    ranges = [abs(b - a) for a, b in zip(xs, xs[1:])]
    raw = sum(ranges) / len(ranges)
    kept = [r for r in ranges if r <= 3.267 * raw]
    mmr = sum(kept) / len(kept)
    return {
        "mean": mean,
        "mmr": mmr,
        "lower_limit": mean - 2.66 * mmr,
        "upper_limit": mean + 2.66 * mmr,
        "lower_2sigma": mean - 2 / 3 * 2.66 * mmr,
        "upper_2sigma": mean + 2 / 3 * 2.66 * mmr,
    }


@pytest.fixture
def hand_limits() -> Callable[[Sequence[float]], dict[str, float]]:
    """Provide the hand XmR calculation."""
    return _hand_limits
