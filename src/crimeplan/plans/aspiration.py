"""A measure's Most Similar Group aspiration as a plan states it ("4th in MSG", "Upper quartile").

The plan's vocabulary lives here, so a plan can be checked when it is read; whether a peer
result meets an aspiration is a comparison (`crimeplan.compare.peers.evaluate_aspiration`).
"""

from __future__ import annotations

import math
import re
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, model_validator

__all__ = ["Aspiration", "AspirationKind", "describe_aspiration", "ordinal", "parse_aspiration"]

AspirationKind = Literal["msg_position", "upper_quartile", "msg_average", "best_in_msg", "target"]


def ordinal(n: int) -> str:
    """``1 -> "1st"``, ``2 -> "2nd"``, ``11 -> "11th"``, ``22 -> "22nd"``, ``111 -> "111th"``."""
    if isinstance(n, bool) or not isinstance(n, int) or n < 0:
        raise ValueError(f"ordinal needs a whole number >= 0, got {n!r}")
    suffix = "th" if n % 100 in (11, 12, 13) else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


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


_TEXT: list[tuple[re.Pattern[str], AspirationKind]] = [
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
