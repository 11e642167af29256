"""XmR chart with NHS 'Making Data Count' special-cause rules, variation and assurance icons."""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence

import numpy as np

from . import _spc_rules as rules
from ._spc_limits import SegmentLimits, segment_limits
from ._spc_types import RULES, Polarity, SPCPoint, SPCResult
from ._validate import as_finite_array

#: Segments shorter than this get a warning (too few points for reliable limits).
MIN_SEGMENT_POINTS = 13

_GOOD_SIDE = {"up": 1, "down": -1, "neutral": 0}


def _check_rebase(rebase_at: int | Iterable[int], n: int) -> tuple[int, ...]:
    """Return sorted unique rebase indices, raising ValueError unless each is an int in 1 .. n-1."""
    items = [rebase_at] if isinstance(rebase_at, (int, np.integer)) else list(rebase_at)
    out: set[int] = set()
    for item in items:
        if isinstance(item, bool) or not isinstance(item, (int, np.integer)):
            raise ValueError(f"rebase_at must hold integer indices, got {item!r}")
        if not 0 < int(item) < n:
            raise ValueError(f"rebase index {item} must be between 1 and {n - 1}")
        out.add(int(item))
    return tuple(sorted(out))


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


def _classify(direction: int, polarity: Polarity) -> str | None:
    """Return improvement / concern / neutral for a signal direction, or None for no signal."""
    if direction == 0:
        return None
    good = _GOOD_SIDE[polarity]
    if good == 0:
        return "neutral"
    return "improvement" if direction == good else "concern"


def _assurance(target: float, last: SPCPoint, polarity: Polarity) -> str | None:
    """Return pass / fail / inconsistent by where the target sits against the last segment's limits."""
    if polarity == "neutral" or math.isnan(last.lower_limit):
        return None
    if target < last.lower_limit:
        return "pass" if polarity == "up" else "fail"
    if target > last.upper_limit:
        return "fail" if polarity == "up" else "pass"
    return "inconsistent"


def spc(
    values: Sequence[float],
    polarity: Polarity,
    target: float | None = None,
    rebase_at: int | Iterable[int] = (),
    run_length: int = 7,
) -> SPCResult:
    """Return an XmR chart of values with per-point limits, special causes and the MDC icons."""
    y = as_finite_array(values, "values")
    if y.size == 0:
        raise ValueError("values must hold at least one point")
    if polarity not in _GOOD_SIDE:
        raise ValueError(f"polarity must be 'up', 'down' or 'neutral', got {polarity!r}")
    if isinstance(run_length, bool) or not isinstance(run_length, (int, np.integer)) or run_length < 3:
        raise ValueError(f"run_length must be an integer >= 3, got {run_length!r}")
    if target is not None and not math.isfinite(float(target)):
        raise ValueError(f"target must be a finite number, got {target!r}")
    rebase = _check_rebase(rebase_at, y.size)
    bounds = (0, *rebase, y.size)
    warnings: list[str] = []
    points: list[SPCPoint] = []
    for seg, (start, stop) in enumerate(zip(bounds[:-1], bounds[1:])):
        part = y[start:stop]
        lim = segment_limits(part)
        if part.size < MIN_SEGMENT_POINTS:
            warnings.append(
                f"segment {seg} (points {start} to {stop - 1}) has only {part.size} point(s); "
                f"limits need at least {MIN_SEGMENT_POINTS} to be reliable"
            )
        fired, direction = _segment_signals(part, lim, int(run_length))
        for k, value in enumerate(part):
            d = int(direction[k])
            points.append(
                SPCPoint(
                    index=start + k,
                    value=float(value),
                    mean=lim.mean,
                    lower_limit=lim.lower_limit,
                    upper_limit=lim.upper_limit,
                    lower_2sigma=lim.lower_2sigma,
                    upper_2sigma=lim.upper_2sigma,
                    segment=seg,
                    rule=fired[k],
                    direction=None if d == 0 else ("high" if d > 0 else "low"),
                    special_cause=_classify(d, polarity),
                )
            )
    last = points[-1]
    variation = "common_cause" if last.special_cause is None else f"{last.special_cause}_{last.direction}"
    assurance = None
    if target is not None:
        assurance = _assurance(float(target), last, polarity)
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
        run_length=int(run_length),
    )
