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
    if d == 0:
        d = abs(d)  # -0.3 rounds to 0, which has no sign: never "-0"
    return f"{d:,.{decimals}f}"


def figure(value: Any, unit: str, decimals: int) -> str:
    """A measure's value as printed in a table (percent sign for percentages, £m for money)."""
    if missing(value):
        return "N/A"
    text = number(value, decimals)
    if unit == "gbp_millions":
        return f"£{text}m"
    return text + UNIT_SUFFIX.get(unit, "")


def signed_figure(value: Any, unit: str, decimals: int) -> str:
    """A difference in the measure's unit: '-£0.3m', '1,290', '-4.5 % pts' (percentage points)."""
    if missing(value):
        return "N/A"
    if unit == "percent":
        return number(value, decimals) + " % pts"
    size = round_half_up(abs(float(value)), decimals)
    return ("-" if float(value) < 0 and size != 0 else "") + figure(size, unit, decimals)


def shown(value: Any, decimals: int) -> float | None:
    """A figure as the reader sees it: rounded half up at its printed decimals."""
    if missing(value):
        return None
    return float(round_half_up(float(value), decimals))


def printed_change(previous: Any, current: Any, decimals: int) -> float | None:
    """This year minus last year, worked from the figures as printed (what a calculator gives)."""
    a, b = shown(previous, decimals), shown(current, decimals)
    return None if a is None or b is None else round(b - a, decimals)


def printed_pct_change(previous: Any, current: Any, decimals: int) -> float | None:
    """The % change worked from the figures as printed; None from zero."""
    a, b = shown(previous, decimals), shown(current, decimals)
    if a is None or b is None or a == 0:
        return None
    return 100.0 * (b - a) / a


def difference_value(row: dict[str, Any]) -> float | None:
    """The '% or % pt. diff.' figure, from the printed figures beside it."""
    decimals = int(row.get("decimals") or 0)
    if row.get("unit") == "percent":
        return printed_change(row.get("previous_value"), row.get("current_value"), decimals)
    return printed_pct_change(row.get("previous_value"), row.get("current_value"), decimals)


def difference(row: dict[str, Any]) -> str:
    """The '% or % pt. diff.' column: % change (1 dp) or % point change (measure's decimals),
    worked from the printed figures so a reader's calculator agrees."""
    decimals = int(row.get("decimals") or 0) if row.get("unit") == "percent" else 1
    return number(difference_value(row), decimals)
