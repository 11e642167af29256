"""severity_score: Σ crime severity weight (by offence_code) ÷ population, the ONS Crime Severity Score."""

from __future__ import annotations

from typing import Any

from crimeplan.kinds._base import NUMERATOR, Kind, MeasureLike, Scan, always, scaled_ratio, scaled_total


def _monthly(m: MeasureLike, scan: Scan) -> dict[str, Any]:
    w = scan.table.severity_weight
    return {NUMERATOR: (scan.where & w.notnull()).ifelse(w, 0.0).sum()}


def _value(m: MeasureLike, numerator: float | None, denominator: float | None,
           months: int, reported: float | None) -> float | None:
    if m.unit == "rate_per_1000":
        return scaled_total(m, numerator, denominator, months, reported)
    return scaled_ratio(m, numerator, denominator, months, reported)


KIND = Kind(
    name="severity_score", summary="Σ crime severity weight (by offence_code) ÷ population: the ONS CSS",
    source="crimes", source_why="weighs crimes by offence_code", monthly=_monthly, weights=True,
    columns=frozenset({"offence_code"}), denominator="population", value=_value, test=always(None),
    untested="a weighted score has no simple count distribution to test",
)
