"""Centre line and limits of one XmR segment (NHS 'Making Data Count' constants)."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

#: Process limits sit this many mean moving ranges from the mean (3 / d2, d2 = 1.128, rounded).
LIMIT_FACTOR = 2.66
#: Moving ranges above this multiple of their mean are screened out (Nelson 1982: D4 for n = 2).
SCREEN_FACTOR = 3.267


@dataclass(frozen=True)
class SegmentLimits:
    """Mean, screened mean moving range and the derived lines of one segment."""

    mean: float
    mean_moving_range: float
    lower_limit: float
    upper_limit: float
    lower_2sigma: float
    upper_2sigma: float


def mean_moving_range(values: np.ndarray, screen: bool = True) -> float:
    """Return the mean moving range, skipping ranges next to a missing value, optionally screened."""
    mr = np.abs(np.diff(values))
    mr = mr[~np.isnan(mr)]  # a range beside a missing value is itself missing
    if mr.size == 0:
        return math.nan
    if screen:
        mr = mr[mr <= SCREEN_FACTOR * mr.mean()]
    return float(mr.mean())


def segment_limits(baseline: np.ndarray, screen: bool = True) -> SegmentLimits:
    """Return the centre line, process limits and 2-sigma lines from a segment's baseline values."""
    known = baseline[~np.isnan(baseline)]
    centre = float(known.mean()) if known.size else math.nan
    mmr = mean_moving_range(baseline, screen)
    width = LIMIT_FACTOR * mmr
    near = 2.0 / 3.0 * width
    return SegmentLimits(centre, mmr, centre - width, centre + width, centre - near, centre + near)
