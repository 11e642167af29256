"""Special-cause rules of one XmR segment; each returns +1 (high/rising), -1 (low/falling) or 0 per point."""

from __future__ import annotations

import numpy as np

from ._spc_limits import SegmentLimits


def outside_limits(values: np.ndarray, lim: SegmentLimits) -> np.ndarray:
    """Flag points strictly above the upper or strictly below the lower process limit."""
    with np.errstate(invalid="ignore"):
        return (values > lim.upper_limit).astype(int) - (values < lim.lower_limit).astype(int)


def _runs(signs: np.ndarray) -> list[tuple[int, int, int]]:
    """Return maximal runs of equal non-zero signs as (start, stop, sign), stop exclusive."""
    runs: list[tuple[int, int, int]] = []
    start = 0
    for i in range(1, signs.size + 1):
        if i == signs.size or signs[i] != signs[start]:
            if signs[start] != 0:
                runs.append((start, i, int(signs[start])))
            start = i
    return runs


def trend(values: np.ndarray, run_length: int) -> np.ndarray:
    """Flag every point of a run of run_length or more points all strictly rising or all strictly falling."""
    out = np.zeros(values.size, dtype=int)
    steps = np.sign(np.diff(values)).astype(int)
    for start, stop, sign in _runs(steps):
        # `stop - start` steps join `stop - start + 1` points: indices start .. stop.
        if stop - start + 1 >= run_length:
            seg = out[start : stop + 1]
            # A turning point that ends one trend and starts the opposite keeps the trend it ends.
            seg[seg == 0] = sign
    return out


def two_of_three(values: np.ndarray, lim: SegmentLimits) -> np.ndarray:
    """Flag the points beyond a 2-sigma line when 2 of 3 consecutive points are beyond it on that side."""
    out = np.zeros(values.size, dtype=int)
    with np.errstate(invalid="ignore"):
        high = values > lim.upper_2sigma
        low = values < lim.lower_2sigma
    for j in range(max(values.size - 2, 1)):
        window = slice(j, j + 3)
        if high[window].sum() >= 2:
            out[window][high[window]] = 1
        if low[window].sum() >= 2:
            out[window][low[window]] = -1
    return out


def shift(values: np.ndarray, lim: SegmentLimits, run_length: int) -> np.ndarray:
    """Flag every point of a run of run_length or more points on one side of the mean (on it breaks it)."""
    out = np.zeros(values.size, dtype=int)
    side = np.sign(values - lim.mean).astype(int)
    for start, stop, sign in _runs(side):
        if stop - start >= run_length:
            out[start:stop] = sign
    return out
