"""Financial quarters from monthly series: the unit key points speak in."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from crimeplan.engine.windows import financial_quarter


@dataclass(frozen=True)
class Quarter:
    """A complete financial quarter: label, numerator, denominator and value."""

    label: str
    last_month: dt.date
    numerator: float
    denominator: float | None
    value: float


def quarterly(months: list[dt.date], numerators: list[float], denominators: list[float | None],
              percent: bool, scale: float = 1.0) -> list[Quarter]:
    """Complete financial quarters (April-June = Q1) from monthly numerators/denominators."""
    groups: dict[str, list[int]] = {}
    for i, m in enumerate(months):
        groups.setdefault(financial_quarter(m), []).append(i)
    out = []
    for label, idx in groups.items():
        if len(idx) != 3:
            continue
        num = sum(numerators[i] for i in idx)
        dens = [denominators[i] for i in idx]
        den = None if any(d is None for d in dens) else float(sum(dens))  # type: ignore[misc]
        if percent:
            if not den:
                continue
            value = 100.0 * num / den
        else:
            value = scale * num
        out.append(Quarter(label, months[idx[-1]], num, den, value))
    return out
