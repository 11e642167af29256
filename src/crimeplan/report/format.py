"""How figures are printed: rounding half up, thousands separators, units."""

from __future__ import annotations

from typing import Any

from crimeplan.compare.values import missing, round_half_up

UNIT_SUFFIX = {"percent": "%", "seconds": "s", "minutes": " mins", "days": "", "hours": "",
               "gbp_millions": "", "rate_per_1000": "", "count": "", "mean": ""}


def number(value: Any, decimals: int = 0) -> str:
    """A number rounded half up with thousands separators, or N/A."""
    if missing(value):
        return "N/A"
    d = round_half_up(float(value), decimals)
    return f"{d:,.{decimals}f}"


def figure(value: Any, unit: str, decimals: int) -> str:
    """A measure's value as printed in a table (percent sign for percentages, £m for money)."""
    if missing(value):
        return "N/A"
    text = number(value, decimals)
    if unit == "gbp_millions":
        return f"£{text}m"
    return text + UNIT_SUFFIX.get(unit, "")


def difference(row: dict[str, Any]) -> str:
    """The '% or % pt. diff.' column: % change (1 dp) or % point change (measure's decimals)."""
    if row.get("unit") == "percent":
        return number(row.get("pp_change"), int(row.get("decimals") or 0))
    return number(row.get("pct_change"), 1)
