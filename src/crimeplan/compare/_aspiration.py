"""Whether a peer result meets a plan's MSG aspiration (the aspiration itself: plans.aspiration).

Also the "where 8th is best" rank shared with ``peers``.
"""

from __future__ import annotations

import math
from typing import Any, Protocol

from crimeplan.plans.aspiration import Aspiration, AspirationKind, describe_aspiration, ordinal, parse_aspiration


def value_rank(position: int, size: int, polarity: str, order: str = "descending") -> tuple[int, int]:
    """A polarity position (1 = best) re-counted by value, and the position that is then best.

    ``order="descending"`` counts 1 = highest value, ``"ascending"`` 1 = lowest. When that order
    runs against the polarity (a "down" measure counted from the highest value, as iQuanta ranks
    sickness) the rank is ``size + 1 - position`` and ``size`` is best, so tied forces still
    share the better rank. Returns ``(rank, best_rank)``.
    """
    if order not in ("descending", "ascending"):
        raise ValueError(f"order must be 'descending' or 'ascending', got {order!r}")
    if polarity not in ("up", "down"):
        raise ValueError(f"polarity must be 'up' or 'down', got {polarity!r}")
    if not 1 <= position <= size:
        raise ValueError(f"position {position!r} is outside 1..{size!r}")
    if (order == "descending") == (polarity == "up"):
        return position, 1
    return size + 1 - position, size


class _Result(Protocol):
    position: int
    size: int
    quartile: int
    average: float
    home_value: float
    polarity: str


def _at_least_as_good(value: float, target: float, polarity: str) -> bool:
    if math.isclose(value, target, rel_tol=1e-9, abs_tol=1e-12):
        return True
    return value > target if polarity == "up" else value < target


def evaluate_aspiration(aspiration: Any, result: _Result | None) -> str | None:
    """``met``, ``not met`` or ``no aspiration`` for a peer result (a ``PeerResult``).

    msg_position k: met when position <= k (with ``rank_by_value``: when the value rank is at
    least as good as k); upper_quartile: quartile 1; msg_average: at least as good as the
    average (equal counts as met); best_in_msg: position 1 (a shared first place counts);
    target: at least as good as the value by polarity. No aspiration gives "no aspiration"
    whatever the result; an aspiration with no result (``None``) gives ``None``.
    """
    asp = parse_aspiration(aspiration)
    if asp is None:
        return "no aspiration"
    if result is None:
        return None
    if asp.kind == "msg_position":
        k = int(asp.position or 0)
        if asp.rank_by_value:
            rank, best = value_rank(result.position, result.size, result.polarity)
            met = rank <= k if best == 1 else rank >= k
        else:
            met = result.position <= k
    elif asp.kind == "upper_quartile":
        met = result.quartile == 1
    elif asp.kind == "msg_average":
        met = _at_least_as_good(result.home_value, result.average, result.polarity)
    elif asp.kind == "best_in_msg":
        met = result.position == 1
    else:
        met = _at_least_as_good(result.home_value, float(asp.value or 0.0), result.polarity)
    return "met" if met else "not met"


__all__ = ["Aspiration", "AspirationKind", "describe_aspiration", "evaluate_aspiration",
           "ordinal", "parse_aspiration", "value_rank"]
