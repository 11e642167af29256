"""A plan's MSG aspiration per measure, its wording and whether a peer result meets it.

Also the position wording shared with ``peers``: ordinals and the "where 8th is best" rank.
"""

from __future__ import annotations

import math
import re
from typing import Any, Literal, Protocol

from pydantic import BaseModel, ConfigDict, model_validator

AspirationKind = Literal["msg_position", "upper_quartile", "msg_average", "best_in_msg", "target"]


def ordinal(n: int) -> str:
    """``1 -> "1st"``, ``2 -> "2nd"``, ``11 -> "11th"``, ``22 -> "22nd"``, ``111 -> "111th"``."""
    if isinstance(n, bool) or not isinstance(n, int) or n < 0:
        raise ValueError(f"ordinal needs a whole number >= 0, got {n!r}")
    suffix = "th" if n % 100 in (11, 12, 13) else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


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


class Aspiration(BaseModel):
    """One measure's aspiration: an MSG position, upper quartile, MSG average, best in MSG or a target.

    ``position`` is needed by (and only allowed for) ``msg_position``; ``value`` by ``target``.
    ``rank_by_value`` makes ``position`` a rank counted from the highest value (so "7th in MSG"
    for a "down" measure means 7th where 8th is best).
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    kind: AspirationKind
    position: int | None = None
    value: float | None = None
    rank_by_value: bool = False

    @model_validator(mode="after")
    def _fields_fit_kind(self) -> Aspiration:
        if self.kind == "msg_position":
            if self.position is None or self.position < 1:
                raise ValueError("an msg_position aspiration needs a position >= 1")
        elif self.position is not None:
            raise ValueError(f"a {self.kind} aspiration takes no position")
        if self.kind == "target":
            if self.value is None or not math.isfinite(self.value):
                raise ValueError("a target aspiration needs a finite value")
        elif self.value is not None:
            raise ValueError(f"a {self.kind} aspiration takes no value")
        if self.rank_by_value and self.kind != "msg_position":
            raise ValueError("rank_by_value applies only to an msg_position aspiration")
        return self


_TEXT = [
    (re.compile(r"^(\d+)\s*(?:st|nd|rd|th)?\s+in\s+(?:its\s+|the\s+)?msg$"), "msg_position"),
    (re.compile(r"^upper\s+quartile(?:\s+rank)?$"), "upper_quartile"),
    (re.compile(r"^top\s+quartile(?:\s+rank)?$"), "upper_quartile"),
    (re.compile(r"^msg\s+average$"), "msg_average"),
    (re.compile(r"^best\s+in\s+(?:its\s+|the\s+)?msg$"), "best_in_msg"),
    (re.compile(r"^target:?\s+(-?\d+(?:\.\d+)?)$"), "target"),
]


def parse_aspiration(a: Any) -> Aspiration | None:
    """An ``Aspiration`` from None, an ``Aspiration``, a dict, or the wording itself.

    Text as printed in plans and reports is accepted: "4th in MSG", "Upper quartile" (or
    "Upper Quartile Rank", "Top quartile"), "MSG average", "Best in MSG", "Target 75.0";
    "", "none" and "no aspiration" mean no aspiration. Anything else raises ``ValueError``.
    """
    if a is None or isinstance(a, Aspiration):
        return a
    if isinstance(a, dict):
        return Aspiration.model_validate(a)
    if isinstance(a, str):
        text = " ".join(a.strip().rstrip(".").lower().split())
        if text in ("", "none", "no aspiration", "n/a"):
            return None
        for pattern, kind in _TEXT:
            m = pattern.match(text)
            if m:
                if kind == "msg_position":
                    return Aspiration(kind=kind, position=int(m.group(1)))
                if kind == "target":
                    return Aspiration(kind=kind, value=float(m.group(1)))
                return Aspiration(kind=kind)
        raise ValueError(f"not an aspiration: {a!r} (expected e.g. '4th in MSG', 'Upper quartile', "
                         "'MSG average', 'Best in MSG', 'Target 75.0')")
    raise ValueError(f"not an aspiration: {a!r}")


def describe_aspiration(a: Any) -> str:
    """The aspiration as a report prints it: "4th in MSG", "Upper quartile", "MSG average",
    "Best in MSG", "Target 75.0"; "No aspiration" for None."""
    asp = parse_aspiration(a)
    if asp is None:
        return "No aspiration"
    if asp.kind == "msg_position":
        return f"{ordinal(int(asp.position or 0))} in MSG"
    if asp.kind == "target":
        return f"Target {float(asp.value or 0.0)}"
    return {"upper_quartile": "Upper quartile", "msg_average": "MSG average",
            "best_in_msg": "Best in MSG"}[asp.kind]


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
