"""From numerators and denominators to a measure's value, and changes between values."""

from __future__ import annotations

import math
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, cast

import pandas as pd

from crimeplan.plans.model import Measure


def value_of(m: Measure, numerator: float | None, denominator: float | None,
             months: int = 12, reported: float | None = None) -> float | None:
    """The measure's value from its counts (percentages as 0-100)."""
    if m.aggregation == "aggregate":
        if (numerator is not None and denominator and m.unit == "percent"
                and not math.isnan(numerator) and not math.isnan(denominator)):
            return 100.0 * numerator / denominator
        if reported is not None and not math.isnan(reported):
            return reported
        return numerator if numerator is not None and not math.isnan(numerator) else None
    if numerator is None or math.isnan(numerator):
        return None
    kind = m.aggregation
    if kind in ("proportion", "share_meeting", "reoffending"):
        return 100.0 * numerator / denominator if denominator else None
    if kind == "mean":
        return m.scale * numerator / denominator if denominator else None
    if kind == "per_head":
        return m.scale * numerator / (denominator / months) if denominator else None
    if m.unit == "rate_per_1000":
        return 1000.0 * numerator / denominator if denominator else None
    if kind == "severity_score":
        return m.scale * numerator / denominator if denominator else None
    return m.scale * numerator


def records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """The rows of a frame as dicts keyed by column name (the export's columns are all strings)."""
    return cast(list[dict[str, Any]], frame.to_dict("records"))


def frame_rows(frame: pd.DataFrame) -> list[Any]:
    """The rows of a frame as named tuples: their fields are whatever the columns hold."""
    return list(frame.itertuples())


def missing(value: object) -> bool:
    """True for None and NaN."""
    return value is None or (isinstance(value, float) and math.isnan(value))


def round_half_up(value: float, decimals: int) -> Decimal:
    """Round as published reports do (0.5 away from zero), not banker's rounding."""
    return Decimal(repr(value)).quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)


def pct_change(previous: float | None, current: float | None) -> float | None:
    """Percentage change from previous to current; None when previous is 0 or missing."""
    if previous is None or current is None or previous == 0:
        return None
    return 100.0 * (current - previous) / previous


def direction(m: Measure, previous: float | None, current: float | None) -> str | None:
    """better, worse or same, as the figures read at the measure's printed precision."""
    return direction_of(m.polarity, m.decimals, previous, current)


def direction_of(polarity: str, decimals: int, previous: float | None, current: float | None) -> str | None:
    """better, worse or same for a polarity, comparing the figures rounded to `decimals`."""
    if previous is None or current is None:
        return None
    a, b = round_half_up(previous, decimals), round_half_up(current, decimals)
    if a == b:
        return "same"
    return "better" if (b > a) == (polarity == "up") else "worse"
