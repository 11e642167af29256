"""Checks of the spc() options and the segments and baselines they define."""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterable

import numpy as np

POLARITIES = ("up", "down", "neutral")


def check_int(value: object, name: str, minimum: int) -> int:
    """Return value as an int, raising ValueError unless it is an integer >= minimum."""
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < minimum:
        raise ValueError(f"{name} must be an integer >= {minimum}, got {value!r}")
    return int(value)


def check_rebase(rebase_at: int | Iterable[int], n: int) -> tuple[int, ...]:
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


def check_scalars(polarity: str, target: float | None, screen_outliers: object) -> None:
    """Raise ValueError on an unknown polarity, a non-finite target or a non-boolean screen flag."""
    if polarity not in POLARITIES:
        raise ValueError(f"polarity must be 'up', 'down' or 'neutral', got {polarity!r}")
    if target is not None and not math.isfinite(float(target)):
        raise ValueError(f"target must be a finite number, got {target!r}")
    if not isinstance(screen_outliers, (bool, np.bool_)):
        raise ValueError(f"screen_outliers must be True or False, got {screen_outliers!r}")


def segments(
    n: int, rebase: tuple[int, ...], fix_after: int | None, fix_before: int | None
) -> list[tuple[int, int, int]]:
    """Return (start, stop, baseline_stop) per segment: limits come from positions start .. baseline_stop - 1."""
    bounds = (0, *rebase, n)
    out = []
    for start, stop in itertools.pairwise(bounds):
        base = stop
        if fix_after is not None:
            base = min(start + fix_after, stop)
        elif fix_before is not None and start < fix_before < stop:
            base = fix_before
        out.append((start, stop, base))
    return out
