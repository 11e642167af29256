"""From numerators and denominators to a measure's value, and changes between values."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import Any, cast

import pandas as pd

from crimeplan.kinds import missing as missing  # the one definition, offered here as before
from crimeplan.plans.model import Measure


def value_of(m: Measure, numerator: float | None, denominator: float | None,
             months: int = 12, reported: float | None = None) -> float | None:
    """The measure's value from its counts (percentages as 0-100), as its kind forms it."""
    value = m.kind.value
    assert value is not None  # every kind has one (crimeplan.kinds checks on register)
    return value(m, numerator, denominator, months, reported)


def records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """The rows of a frame as dicts keyed by column name (the export's columns are all strings)."""
    return cast(list[dict[str, Any]], frame.to_dict("records"))


def frame_rows(frame: pd.DataFrame) -> list[Any]:
    """The rows of a frame as named tuples: their fields are whatever the columns hold."""
    return list(frame.itertuples())


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
