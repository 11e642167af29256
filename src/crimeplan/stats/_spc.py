"""XmR chart with NHS 'Making Data Count' special-cause rules, variation and assurance icons."""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence

import numpy as np

from . import _spc_rules as rules
from ._spc_limits import SegmentLimits, segment_limits
from ._spc_options import check_int, check_rebase, check_scalars, segments
from ._spc_types import RULES, Polarity, SPCPoint, SPCResult, SpecialCause
from ._validate import as_array_with_missing

#: Default short-segment threshold: fewer observed baseline points than this get a warning.
MIN_SEGMENT_POINTS = 13

_GOOD_SIDE = {"up": 1, "down": -1, "neutral": 0}


def _segment_signals(
    values: np.ndarray, lim: SegmentLimits, run_length: int
) -> tuple[list[str | None], np.ndarray]:
    """Return the first rule firing at each point (in precedence order) and its direction."""
    flags = {
        "outside_limits": rules.outside_limits(values, lim),
        "trend": rules.trend(values, run_length),
        "two_of_three": rules.two_of_three(values, lim),
        "shift": rules.shift(values, lim, run_length),
    }
    fired: list[str | None] = [None] * values.size
    direction = np.zeros(values.size, dtype=int)
    for name in reversed(RULES):  # later (higher precedence) rules overwrite earlier ones
        hit = flags[name] != 0
        for i in np.flatnonzero(hit):
            fired[i] = name
        direction[hit] = flags[name][hit]
    return fired, direction


def _classify(direction: int, polarity: Polarity) -> SpecialCause | None:
    """Return improvement / concern / neutral for a signal direction, or None for no signal."""
    if direction == 0:
        return None
    good = _GOOD_SIDE[polarity]
    if good == 0:
        return "neutral"
    return "improvement" if direction == good else "concern"


def _assurance(target: float, lim: SegmentLimits, polarity: Polarity) -> str | None:
    """Return pass / fail / inconsistent by where the target sits against the last segment's limits."""
    if polarity == "neutral" or math.isnan(lim.lower_limit):
        return None
    if target < lim.lower_limit:
        return "pass" if polarity == "up" else "fail"
    if target > lim.upper_limit:
        return "fail" if polarity == "up" else "pass"
    return "inconsistent"


def _segment_points(
    part: np.ndarray, start: int, seg: int, lim: SegmentLimits, n_base: int, polarity: Polarity, run_length: int
) -> list[SPCPoint]:
    """Return the points of one segment; a missing value gets missing lines and no signal."""
    fired, direction = _segment_signals(part, lim, run_length)
    points = []
    for k, value in enumerate(part):
        d, gap = int(direction[k]), math.isnan(value)
        lines = (lim.mean, lim.lower_limit, lim.upper_limit, lim.lower_2sigma, lim.upper_2sigma)
        mean, lower, upper, lower2, upper2 = (math.nan,) * 5 if gap else lines
        points.append(
            SPCPoint(
                index=start + k,
                value=float(value),
                mean=mean,
                lower_limit=lower,
                upper_limit=upper,
                lower_2sigma=lower2,
                upper_2sigma=upper2,
                segment=seg,
                rule=fired[k],
                direction=None if d == 0 else ("high" if d > 0 else "low"),
                special_cause=_classify(d, polarity),
                baseline=k < n_base and not gap,
            )
        )
    return points


def spc(
    values: Sequence[float | None],
    polarity: Polarity,
    target: float | None = None,
    rebase_at: int | Iterable[int] = (),
    run_length: int = 7,
    *,
    fix_after_n_points: int | None = None,
    fix_before_index: int | None = None,
    screen_outliers: bool = True,
    warning_threshold: int = MIN_SEGMENT_POINTS,
) -> SPCResult:
    """Return an XmR chart of values with per-point limits, special causes and the MDC icons."""
    y = as_array_with_missing(values, "values")
    if y.size == 0:
        raise ValueError("values must hold at least one point")
    check_scalars(polarity, target, screen_outliers)
    run_length = check_int(run_length, "run_length", 3)
    warning_threshold = check_int(warning_threshold, "warning_threshold", 0)
    if fix_after_n_points is not None and fix_before_index is not None:
        raise ValueError("give fix_after_n_points or fix_before_index, not both")
    fix_after = None if fix_after_n_points is None else check_int(fix_after_n_points, "fix_after_n_points", 2)
    fix_before = None if fix_before_index is None else check_int(fix_before_index, "fix_before_index", 2)
    rebase = check_rebase(rebase_at, y.size)
    warnings: list[str] = []
    points: list[SPCPoint] = []
    lim = None
    for seg, (start, stop, base) in enumerate(segments(y.size, rebase, fix_after, fix_before)):
        part = y[start:stop]
        lim = segment_limits(part[: base - start], bool(screen_outliers))
        n_base = int(np.count_nonzero(~np.isnan(part[: base - start])))
        if n_base < warning_threshold:
            warnings.append(
                f"segment {seg} (points {start} to {stop - 1}) has only {n_base} point(s); "
                f"limits need at least {warning_threshold} to be reliable"
            )
        points.extend(_segment_points(part, start, seg, lim, base - start, polarity, run_length))
    last = points[-1]
    if math.isnan(last.value):
        warnings.append("the last point is missing: the variation icon describes no data")
    variation = "common_cause" if last.special_cause is None else f"{last.special_cause}_{last.direction}"
    assurance = None
    if target is not None and lim is not None:
        assurance = _assurance(float(target), lim, polarity)
        if assurance is None:
            reason = "polarity is neutral" if polarity == "neutral" else "the last segment has no limits"
            warnings.append(f"no assurance icon: {reason}")
    return SPCResult(
        points=tuple(points),
        variation_icon=variation,
        assurance_icon=assurance,
        warnings=tuple(warnings),
        polarity=polarity,
        target=None if target is None else float(target),
        rebase_at=rebase,
        run_length=run_length,
        fix_after_n_points=fix_after,
        fix_before_index=fix_before,
        screen_outliers=bool(screen_outliers),
        warning_threshold=warning_threshold,
    )
