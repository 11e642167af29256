"""Calendar arithmetic in one place: months, windows of months, financial years and quarters.

The lowest layer with `errors`: every package may import it, and it imports nothing of crimeplan.
A financial year runs April to March; its quarters end in June, September, December and March.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

__all__ = ["Window", "add_months", "financial_quarter", "financial_year", "last_march", "last_quarter_end",
           "missing_months", "month_end", "month_label", "month_ranges", "month_start", "months_between",
           "quarter_label", "quarter_last_month", "quarter_ordinal", "window"]


def month_start(value: str | dt.date) -> dt.date:
    """The first day of a month given as YYYY-MM or a date."""
    if isinstance(value, str):
        year, month = value.split("-")[:2]
        return dt.date(int(year), int(month), 1)
    return value.replace(day=1)


def add_months(month: dt.date, n: int) -> dt.date:
    """The first day of the month n months after month (n may be negative)."""
    index = month.year * 12 + (month.month - 1) + n
    return dt.date(index // 12, index % 12 + 1, 1)


def month_end(month: dt.date) -> dt.date:
    """The last day of a month."""
    return add_months(month.replace(day=1), 1) - dt.timedelta(days=1)


def months_between(first: dt.date, last: dt.date) -> list[dt.date]:
    """Every month start from first to last inclusive."""
    out, m, stop = [], first.replace(day=1), last.replace(day=1)
    while m <= stop:
        out.append(m)
        m = add_months(m, 1)
    return out


def month_label(d: dt.date) -> str:
    """YYYY-MM of a date."""
    return f"{d.year:04d}-{d.month:02d}"


def month_ranges(months: list[dt.date]) -> str:
    """Months as compact runs: 2018-01..2018-07, 2018-10."""
    ms = sorted(set(months))
    if not ms:
        return "none"
    runs: list[tuple[dt.date, dt.date]] = []
    for m in ms:
        if runs and months_between(runs[-1][1], m)[1:2] == [m]:
            runs[-1] = (runs[-1][0], m)
        else:
            runs.append((m, m))
    return ", ".join(month_label(a) if a == b else f"{month_label(a)}..{month_label(b)}" for a, b in runs)


def missing_months(months: list[dt.date]) -> list[dt.date]:
    """Months inside the span of months that were never supplied."""
    ms = set(months)
    if not ms:
        return []
    return [m for m in months_between(min(ms), max(ms)) if m not in ms]


def financial_year(month: dt.date) -> int:
    """The calendar year a month's financial year starts in (April 2024 - March 2025: 2024)."""
    return month.year if month.month >= 4 else month.year - 1


def quarter_ordinal(month: dt.date) -> int:
    """A running number of the financial quarter a month falls in (consecutive quarters differ by 1)."""
    return financial_year(month) * 4 + (month.month - 4) % 12 // 3


def quarter_label(ordinal: int) -> str:
    """The label of a quarter's running number, e.g. '2023/24 Q1'."""
    fy, q = divmod(ordinal, 4)
    return f"{fy}/{str(fy + 1)[-2:]} Q{q + 1}"


def quarter_last_month(ordinal: int) -> dt.date:
    """The first day of the last month of a quarter given by its running number."""
    fy, q = divmod(ordinal, 4)
    return add_months(dt.date(fy, 4, 1), 3 * q + 2)


def financial_quarter(month: dt.date) -> str:
    """The financial year quarter of a month, e.g. '2023/24 Q1'."""
    return quarter_label(quarter_ordinal(month))


def last_quarter_end(month: dt.date) -> dt.date:
    """The first day of the last month of the latest financial quarter that ends on or before `month`."""
    return add_months(month.replace(day=1), -(month.month % 3))


def last_march(month: dt.date) -> dt.date:
    """The latest March on or before a month (the end of the last complete financial year)."""
    return dt.date(month.year if month.month >= 3 else month.year - 1, 3, 1)


@dataclass(frozen=True)
class Window:
    """A run of whole months: first month, last month, and its kind."""

    kind: str
    start: dt.date  # first day of the first month
    last: dt.date  # first day of the last month

    @property
    def end(self) -> dt.date:
        """The last day of the window."""
        return month_end(self.last)

    @property
    def months(self) -> int:
        """Number of months in the window."""
        return (self.last.year - self.start.year) * 12 + self.last.month - self.start.month + 1

    def year_earlier(self) -> Window:
        """The same window one year earlier."""
        return Window(self.kind, add_months(self.start, -12), add_months(self.last, -12))

    def label(self) -> str:
        """A label like 'Jul 2015 - Jun 2016' or 'Jun 2016'."""
        if self.start == self.last:
            return self.last.strftime("%b %Y")
        return f"{self.start.strftime('%b %Y')} - {self.last.strftime('%b %Y')}"


def window(kind: str, last: dt.date) -> Window:
    """The window of a kind ending with month `last`."""
    last = month_start(last)
    if kind == "12m":
        return Window(kind, add_months(last, -11), last)
    if kind == "month":
        return Window(kind, last, last)
    if kind == "quarter":
        # the three months ending with `last` (a financial quarter when `last` ends one)
        return Window(kind, add_months(last, -2), last)
    if kind == "fytd":
        return Window(kind, dt.date(financial_year(last), 4, 1), last)
    raise ValueError(f"unknown window {kind!r}")
