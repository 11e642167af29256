"""Confidence intervals for a proportion, a count and a mean."""

from __future__ import annotations

import math

from ._validate import check_confidence, check_count, z_for

#: Counts below this use exact Poisson limits, at or above it Byar's approximation.
BYAR_THRESHOLD = 10


def proportion_ci(x: float, n: float, confidence: float = 0.95) -> tuple[float, float]:
    """Return the Wilson score interval (no continuity correction) for x successes in n, as fractions."""
    z = z_for(confidence)
    x = check_count(x, "x")
    n = check_count(n, "n")
    if x > n:
        raise ValueError(f"x ({x}) must not exceed n ({n})")
    if n == 0:
        return (math.nan, math.nan)
    p = x / n
    z2 = z * z
    centre = (p + z2 / (2 * n)) / (1 + z2 / n)
    half = z * math.sqrt(p * (1 - p) / n + z2 / (4 * n * n)) / (1 + z2 / n)
    return (max(0.0, centre - half), min(1.0, centre + half))


def _exact_poisson(x: float, confidence: float) -> tuple[float, float]:
    """Return exact (Garwood) Poisson limits from gamma quantiles."""
    from scipy import stats  # heavy: imported when first used
    alpha = 1.0 - confidence
    low = 0.0 if x == 0 else float(stats.gamma.ppf(alpha / 2, x))
    high = float(stats.gamma.isf(alpha / 2, x + 1))
    return (low, high)


def _byar(x: float, confidence: float) -> tuple[float, float]:
    """Return Byar's approximation to the exact Poisson limits."""
    z = z_for(confidence)
    low = x * (1 - 1 / (9 * x) - z / (3 * math.sqrt(x))) ** 3
    x1 = x + 1
    high = x1 * (1 - 1 / (9 * x1) + z / (3 * math.sqrt(x1))) ** 3
    return (max(0.0, low), high)


def count_ci(x: float, confidence: float = 0.95) -> tuple[float, float]:
    """Return Poisson limits for a count: exact below 10, Byar's method from 10 (PHEindicatormethods rule)."""
    confidence = check_confidence(confidence)
    x = check_count(x, "x")
    if x < BYAR_THRESHOLD:
        return _exact_poisson(x, confidence)
    return _byar(x, confidence)


def mean_ci(mean: float, sd: float, n: float, confidence: float = 0.95) -> tuple[float, float]:
    """Return the Student t interval mean ± t(n-1) · sd / sqrt(n); (nan, nan) when n < 2."""
    from scipy import stats  # heavy: imported when first used
    confidence = check_confidence(confidence)
    mean = float(mean)
    sd = check_count(sd, "sd")
    n = check_count(n, "n")
    if not math.isfinite(mean):
        raise ValueError(f"mean must be finite, got {mean!r}")
    if n < 2:
        return (math.nan, math.nan)
    half = float(stats.t.isf((1 - confidence) / 2, n - 1)) * sd / math.sqrt(n)
    return (mean - half, mean + half)
