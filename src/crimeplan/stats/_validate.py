"""Small argument checks shared by the statistics modules."""

from __future__ import annotations

import functools
import math
from collections.abc import Iterable

import numpy as np


def check_confidence(confidence: float) -> float:
    """Return confidence as a float, raising ValueError unless 0 < confidence < 1."""
    c = float(confidence)
    if not (0.0 < c < 1.0):
        raise ValueError(f"confidence must be a fraction strictly between 0 and 1, got {confidence!r}")
    return c


@functools.lru_cache(maxsize=64)
def z_for(confidence: float) -> float:
    """Return the two-sided standard normal critical value for a confidence level."""
    # kept per level: a compute asks for the same level thousands of times (0.1 ms a call)
    from scipy import stats  # heavy: imported when first used
    return float(stats.norm.isf((1.0 - check_confidence(confidence)) / 2.0))


def check_count(value: float, name: str) -> float:
    """Return value as a float, raising ValueError unless it is finite and >= 0."""
    v = float(value)
    if not math.isfinite(v) or v < 0:
        raise ValueError(f"{name} must be a finite number >= 0, got {value!r}")
    return v


def check_positive(value: float, name: str) -> float:
    """Return value as a float, raising ValueError unless it is finite and > 0."""
    v = float(value)
    if not math.isfinite(v) or v <= 0:
        raise ValueError(f"{name} must be a finite number > 0, got {value!r}")
    return v


def as_finite_array(values: Iterable[float], name: str) -> np.ndarray:
    """Return values as a 1-D float array, raising ValueError on NaN, inf or wrong shape."""
    arr = np.asarray(list(values) if not isinstance(values, np.ndarray) else values, dtype=float)
    if arr.ndim != 1:
        raise ValueError(f"{name} must be a one-dimensional sequence of numbers")
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"{name} must not contain NaN or infinite values")
    return arr


def _missing(value: object) -> bool:
    """Return True for None and for pandas' NA, which float() refuses."""
    return value is None or type(value).__name__ == "NAType"


def as_array_with_missing(values: Iterable[float | None], name: str) -> np.ndarray:
    """Return values as a 1-D float array with None and NaN as NaN, raising ValueError on inf."""
    items = values if isinstance(values, np.ndarray) else [math.nan if _missing(v) else v for v in values]
    arr = np.asarray(items, dtype=float)
    if arr.ndim != 1:
        raise ValueError(f"{name} must be a one-dimensional sequence of numbers")
    if np.any(np.isinf(arr)):
        raise ValueError(f"{name} must not contain infinite values (a missing value is None or NaN)")
    return arr
