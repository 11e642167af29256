"""Financial quarters from monthly series: the unit key points speak in."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from crimeplan.periods import financial_quarter, quarter_ordinal


@dataclass(frozen=True)
class Quarter:
    """A complete financial quarter: label, numerator, denominator and value."""

    label: str
    last_month: dt.date
    numerator: float
    denominator: float | None
    value: float

    @property
    def ordinal(self) -> int:
        """The quarter's running number (see `quarter_ordinal`)."""
        return quarter_ordinal(self.last_month)


def quarterly(months: list[dt.date], numerators: list[float | None], denominators: list[float | None],
              percent: bool, scale: float = 1.0) -> list[Quarter]:
    """Financial quarters (April-June = Q1) whose three months all have values; others are left out."""
    groups: dict[str, list[int]] = {}
    for i, m in enumerate(months):
        groups.setdefault(financial_quarter(m), []).append(i)
    out = []
    for label, idx in groups.items():
        if len(idx) != 3 or any(numerators[i] is None for i in idx):
            continue  # a month not supplied, provisional or not applicable: no quarter figure
        num = float(sum(numerators[i] for i in idx))  # type: ignore[misc]
        dens = [denominators[i] for i in idx]
        den = None if any(d is None for d in dens) else float(sum(dens))  # type: ignore[arg-type]
        if percent:
            if not den:
                continue
            value = 100.0 * num / den
        else:
            value = scale * num
        out.append(Quarter(label, months[idx[-1]], num, den, value))
    return out
