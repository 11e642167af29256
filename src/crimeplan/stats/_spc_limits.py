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


def mean_moving_range(values: np.ndarray) -> float:
    """Return the mean moving range after screening out ranges above 3.267 × the unscreened mean."""
    if values.size < 2:
        return math.nan
    mr = np.abs(np.diff(values))
    kept = mr[mr <= SCREEN_FACTOR * mr.mean()]
    return float(kept.mean())


def segment_limits(values: np.ndarray) -> SegmentLimits:
    """Return the centre line, process limits and 2-sigma lines of one segment."""
    centre = float(values.mean())
    mmr = mean_moving_range(values)
    width = LIMIT_FACTOR * mmr
    near = 2.0 / 3.0 * width
    return SegmentLimits(centre, mmr, centre - width, centre + width, centre - near, centre + near)
