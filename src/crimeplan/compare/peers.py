"""Comparison with the Most Similar Group (MSG): position, average, quartile, change required,
significance, aspirations and the executive summary's sentences.

Pure functions on plain numbers; no store, no rendering. Definitions in docs/peers.md.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from crimeplan.compare._aspiration import (
    Aspiration,
    describe_aspiration,
    evaluate_aspiration,
    ordinal,
    parse_aspiration,
    value_rank,
)
from crimeplan.compare._funnel import LEVELS, funnel_flag, funnel_limits
from crimeplan.stats import count_ci, proportion_ci

#: Home counts below this are flagged as small numbers.
SMALL_COUNT = 10

_RATE = re.compile(r"^rate_per_(\d+(?:\.\d+)?)$")


def _close(a: float, b: float) -> bool:
    """Equal for ranking: the same figure up to floating-point noise."""
    return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-12)


def _better(a: float, b: float, polarity: str) -> bool:
    """Is a strictly better than b (not merely float noise apart)?"""
    if _close(a, b):
        return False
    return a > b if polarity == "up" else a < b


def _at_least_as_good(a: float, b: float, polarity: str) -> bool:
    return not _better(b, a, polarity)


def _rate_multiplier(unit: str) -> float | None:
    """1000 for "rate_per_1000", 100000 for "rate_per_100000"; None for other units."""
    m = _RATE.match(unit)
    return float(m.group(1)) if m else None


@dataclass(frozen=True)
class PeerMember:
    """One MSG force: its value and position (1 = best by polarity)."""

    force: str
    value: float
    position: int
    home: bool


@dataclass(frozen=True)
class PeerResult:
    """The home force against its MSG. Figures keep full precision; round only to display.

    ``position``: 1 = best by polarity, ties share the best position (1, 2, 2, 4).
    ``quartile``: 1 = top; quartile q holds positions ceil((q-1)N/4)+1 .. ceil(qN/4).
    ``change_to_average`` / ``change_to_top_quartile``: target minus home in ``change_unit``
    ("count" = offences etc. from a rate gap × population; "percentage_points"; otherwise the
    measure's own unit), ``None`` when the home force is already at or better than the target.
    ``significance`` / ``significance_998``: the home force's 95% / 99.8% interval against
    ``average`` (``None`` without counts). ``interval``: the 95% interval in the value's units.
    """

    home: str
    polarity: str
    unit: str
    position: int
    size: int
    average: float
    average_method: str
    quartile: int
    change_to_average: float | None
    change_to_top_quartile: float | None
    change_unit: str
    significance: str | None
    significance_998: str | None
    small_numbers: bool
    values: tuple[PeerMember, ...]
    top_quartile_position: int
    top_quartile_value: float
    home_value: float
    interval: tuple[float, float] | None
    home_count: float | None


def quartile_of(position: int, size: int) -> int:
    """The quartile (1 = top) of a position among ``size``: the least q with position <= ceil(q·size/4)."""
    if not 1 <= position <= size:
        raise ValueError(f"position {position!r} is outside 1..{size!r}")
    return next(q for q in (1, 2, 3, 4) if position <= math.ceil(q * size / 4))


def _number(v: Any, what: str) -> float:
    if isinstance(v, bool) or v is None:
        raise ValueError(f"{what} must be a number, got {v!r}")
    try:
        f = float(v)
    except (TypeError, ValueError):
        raise ValueError(f"{what} must be a number, got {v!r}") from None
    if not math.isfinite(f):
        raise ValueError(f"{what} must be a finite number, got {v!r}")
    return f


def _split_count(c: Any, force: str) -> tuple[float, float | None]:
    """A count as (numerator, denominator or None)."""
    if isinstance(c, (tuple, list)):
        if len(c) != 2:
            raise ValueError(f"counts[{force!r}] must be a count or a (numerator, denominator) pair")
        num, den = _number(c[0], f"counts[{force!r}] numerator"), _number(c[1], f"counts[{force!r}] denominator")
        if den < 0:
            raise ValueError(f"counts[{force!r}] denominator must be >= 0")
    else:
        num, den = _number(c, f"counts[{force!r}]"), None
    if num < 0:
        raise ValueError(f"counts[{force!r}] must be >= 0")
    return num, den


def _populations(population: Any, home: str) -> dict[str, float]:
    """force → population from a dict, or {home: population} from a single number."""
    if population is None:
        return {}
    given = population.items() if isinstance(population, Mapping) else [(home, population)]
    out = {}
    for force, p in given:
        if p is None:
            continue
        v = _number(p, f"population of {force!r}")
        if v <= 0:
            raise ValueError(f"population of {force!r} must be > 0, got {p!r}")
        out[force] = v
    return out


def _denominator(force: str, value: float, unit: str, mult: float | None, pops: Mapping[str, float],
                 counts: Mapping[str, Any]) -> tuple[float, float] | None:
    """(numerator, denominator) behind a force's value, or None when it cannot be known.

    Rates: the population (given, else count × multiplier / value); percentages: the given
    denominator, else numerator × 100 / value.
    """
    if force not in counts or counts[force] is None:
        return None
    num, den = _split_count(counts[force], force)
    if mult is not None:
        pop = pops.get(force)
        if pop is None and den is not None and den > 0:
            pop = den
        if pop is None and value > 0:
            pop = num * mult / value
        return None if pop is None else (num, pop)
    if unit == "percent":
        if den is None and value > 0:
            den = num * 100.0 / value
        return None if den is None else (num, den)
    return None


def _interval(num: float, den: float, unit: str, mult: float | None, confidence: float) -> tuple[float, float] | None:
    if den <= 0:
        return None
    if mult is not None:
        low, high = count_ci(num, confidence)
        return (low * mult / den, high * mult / den)
    if num > den:  # e.g. a solved rate over 100%: not a binomial proportion, no Wilson interval
        return None
    low, high = proportion_ci(num, den, confidence)
    return (100.0 * low, 100.0 * high)


def _significance(interval: tuple[float, float] | None, average: float, polarity: str) -> str | None:
    if interval is None:
        return None
    low, high = interval
    if low > average and not _close(low, average):
        higher = True
    elif high < average and not _close(high, average):
        higher = False
    else:
        return "similar"
    return "better" if higher == (polarity == "up") else "worse"


def _weighted_average(values: Mapping[str, float], unit: str, mult: float | None, pops: Mapping[str, float],
                      counts: Mapping[str, Any] | None) -> float:
    if mult is None and unit != "percent":
        raise ValueError(f"a weighted average needs a rate_per_N or percent unit, not {unit!r}")
    if not counts:
        raise ValueError("a weighted average needs counts for every MSG force")
    num_total = den_total = 0.0
    missing = []
    for force, value in values.items():
        pair = _denominator(force, value, unit, mult, pops, counts)
        if pair is None:
            missing.append(force)
            continue
        num_total += pair[0]
        den_total += pair[1]
    if missing:
        need = "populations" if mult is not None else "denominators"
        raise ValueError(f"a weighted average needs counts and {need} for every MSG force; "
                         f"missing or not derivable for {', '.join(sorted(missing))}")
    if den_total <= 0:
        raise ValueError("a weighted average needs a total denominator > 0")
    return num_total / den_total * (mult if mult is not None else 100.0)


def peer_comparison(home: str, values: Mapping[str, float], polarity: str, population: Any = None,
                    unit: str = "rate_per_1000", counts: Mapping[str, Any] | None = None,
                    average: str = "mean", *, small_count: float = SMALL_COUNT) -> PeerResult:
    """Compare the home force with its MSG.

    ``values``: each MSG force (home included) → its value in ``unit``. ``polarity``: "up" when
    higher is better, "down" otherwise. ``population``: the home force's population, or a dict
    force → population. ``unit``: "rate_per_1000" (any "rate_per_N"), "percent", or any other
    unit name (compared as plain values). ``counts``: force → count (rates) or force →
    (numerator, denominator) (percentages); they give the home interval, the small-numbers flag
    and the weighted average. ``average``: "mean" (of the members' values, home included) or
    "weighted" (Σnumerators / Σdenominators × multiplier).
    """
    if polarity not in ("up", "down"):
        raise ValueError(f"polarity must be 'up' or 'down', got {polarity!r}")
    if average not in ("mean", "weighted"):
        raise ValueError(f"average must be 'mean' or 'weighted', got {average!r}")
    if not isinstance(unit, str) or not unit:
        raise ValueError(f"unit must be a unit name, got {unit!r}")
    if home not in values:
        raise ValueError(f"the home force {home!r} is not among the MSG values")
    vals = {f: _number(v, f"values[{f!r}]") for f, v in values.items()}
    pops = _populations(population, home)
    mult = _rate_multiplier(unit)
    n = len(vals)

    positions = {f: 1 + sum(_better(w, v, polarity) for w in vals.values()) for f, v in vals.items()}
    members = tuple(sorted((PeerMember(f, v, positions[f], f == home) for f, v in vals.items()),
                           key=lambda m: (m.position, str(m.force))))
    home_value, position = vals[home], positions[home]
    tq_position = math.ceil(n / 4)
    tq_value = members[tq_position - 1].value

    avg = _weighted_average(vals, unit, mult, pops, counts) if average == "weighted" else math.fsum(vals.values()) / n

    home_pop = pops.get(home)
    if mult is not None and home_pop is not None:
        change_unit, scale = "count", home_pop / mult
    elif unit == "percent":
        change_unit, scale = "percentage_points", 1.0
    else:
        change_unit, scale = unit, 1.0

    def change_to(target: float) -> float:
        return (target - home_value) * scale

    to_average = None if _at_least_as_good(home_value, avg, polarity) else change_to(avg)
    to_top = None if position <= tq_position else change_to(tq_value)

    interval = interval_998 = None
    home_count = None
    small = False
    pair = _denominator(home, home_value, unit, mult, pops, counts or {})
    if pair is not None:
        num, den = pair
        interval = _interval(num, den, unit, mult, LEVELS["95"])
        interval_998 = _interval(num, den, unit, mult, LEVELS["99.8"])
        home_count = num if mult is not None else den
        small = home_count < small_count
        if interval is not None and n >= 2:
            small = small or (interval[0] <= min(vals.values()) and interval[1] >= max(vals.values()))

    return PeerResult(
        home=home, polarity=polarity, unit=unit, position=position, size=n, average=avg,
        average_method=average, quartile=quartile_of(position, n),
        change_to_average=to_average, change_to_top_quartile=to_top, change_unit=change_unit,
        significance=_significance(interval, avg, polarity),
        significance_998=_significance(interval_998, avg, polarity),
        small_numbers=small, values=members, top_quartile_position=tq_position,
        top_quartile_value=tq_value, home_value=home_value, interval=interval, home_count=home_count,
    )


# ---------------------------------------------------------------------------------------------
# wording


def position_change(previous_position: int | None, current_position: int | None) -> str | None:
    """``improved`` (a smaller position number), ``deteriorated``, ``unchanged``; None if either is missing.

    Positions are polarity positions (1 = best), not "where 8th is best" ranks.
    """
    if previous_position is None or current_position is None:
        return None
    if current_position < previous_position:
        return "improved"
    if current_position > previous_position:
        return "deteriorated"
    return "unchanged"


def position_text(position: int | PeerResult, size: int | None = None, polarity: str | None = None, *,
                  rank_by_value: bool = False, order: str = "descending") -> str:
    """"3rd", or with ``rank_by_value`` the rank counted by value: "6th (where 8th is best)".

    Takes a ``PeerResult`` or a polarity position with its ``size`` and ``polarity`` (these two
    are needed only with ``rank_by_value``). ``order="descending"`` counts 1 = highest value.
    """
    if isinstance(position, PeerResult):
        result = position
        position, size, polarity = result.position, result.size, result.polarity
    if not rank_by_value:
        return ordinal(int(position))
    if size is None or polarity is None:
        raise ValueError("rank_by_value needs the MSG size and the polarity")
    rank, best = value_rank(int(position), int(size), polarity, order)
    return ordinal(rank) if best == 1 else f"{ordinal(rank)} (where {ordinal(best)} is best)"


__all__ = [
    "SMALL_COUNT",
    "Aspiration",
    "PeerMember",
    "PeerResult",
    "describe_aspiration",
    "evaluate_aspiration",
    "funnel_flag",
    "funnel_limits",
    "ordinal",
    "parse_aspiration",
    "peer_comparison",
    "position_change",
    "position_text",
    "quartile_of",
    "value_rank",
]
