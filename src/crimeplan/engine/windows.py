"""Windows: 12 months, quarter, month and financial year to date, ending with a month."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass


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
    return add_months(month, 1) - dt.timedelta(days=1)


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
        fy_year = last.year if last.month >= 4 else last.year - 1
        return Window(kind, dt.date(fy_year, 4, 1), last)
    raise ValueError(f"unknown window {kind!r}")


def financial_quarter(month: dt.date) -> str:
    """The financial year quarter of a month, e.g. '2023/24 Q1'."""
    fy = month.year if month.month >= 4 else month.year - 1
    q = (month.month - 4) % 12 // 3 + 1
    return f"{fy}/{str(fy + 1)[-2:]} Q{q}"
