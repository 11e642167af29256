"""Special-cause rules of one XmR segment; each returns +1 (high/rising), -1 (low/falling) or 0 per point.

A missing value (NaN) fires no rule, and no run, trend or window of three reaches across it.
"""

from __future__ import annotations

import numpy as np

from ._spc_limits import SegmentLimits


def _sign(values: np.ndarray) -> np.ndarray:
    """Return the sign of each value as an int, with 0 for NaN."""
    return np.asarray(np.nan_to_num(np.sign(values), nan=0.0), dtype=int)


def outside_limits(values: np.ndarray, lim: SegmentLimits) -> np.ndarray:
    """Flag points strictly above the upper or strictly below the lower process limit."""
    with np.errstate(invalid="ignore"):
        above = np.asarray(values > lim.upper_limit, dtype=np.int_)
        below = np.asarray(values < lim.lower_limit, dtype=np.int_)
        return above - below


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
    for start, stop, sign in _runs(_sign(np.diff(values))):
        # `stop - start` steps join `stop - start + 1` points: indices start .. stop.
        if stop - start + 1 >= run_length:
            # Runs come in order, so a turning point shared by two trends takes the new trend's direction.
            out[start : stop + 1] = sign
    return out


def two_of_three(values: np.ndarray, lim: SegmentLimits) -> np.ndarray:
    """Flag points beyond a 2-sigma line when 2 of 3 consecutive points, all on that side of the mean, are."""
    out = np.zeros(values.size, dtype=int)
    side = _sign(values - lim.mean)
    with np.errstate(invalid="ignore"):
        beyond = (values > lim.upper_2sigma).astype(int) - (values < lim.lower_2sigma).astype(int)
    for j in range(values.size - 2):
        window = slice(j, j + 3)
        s = side[j]
        if s != 0 and np.all(side[window] == s) and np.count_nonzero(beyond[window] == s) >= 2:
            out[window][beyond[window] == s] = s
    return out


def shift(values: np.ndarray, lim: SegmentLimits, run_length: int) -> np.ndarray:
    """Flag every point of a run of run_length or more points on one side of the mean (on it breaks it)."""
    out = np.zeros(values.size, dtype=int)
    for start, stop, sign in _runs(_sign(values - lim.mean)):
        if stop - start >= run_length:
            out[start:stop] = sign
    return out
