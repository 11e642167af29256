"""Time frame, calendar and random-number plumbing shared by every synthetic table."""

from __future__ import annotations

import zlib
from dataclasses import dataclass, field
from datetime import date, timedelta

import numpy as np

EPOCH = date(1970, 1, 1)
SECONDS_PER_DAY = 86_400


def day_number(d: date) -> int:
    """Days since 1970-01-01 (the Arrow date32 representation) of a date."""
    return (d - EPOCH).days


def day_to_date(n: int) -> date:
    """Date of a day number (days since 1970-01-01)."""
    return EPOCH + timedelta(days=int(n))


def month_end(year: int, month: int) -> date:
    """Last day of a calendar month."""
    nxt = date(year + (month == 12), month % 12 + 1, 1)
    return nxt - timedelta(days=1)


def add_months(year: int, month: int, n: int) -> tuple[int, int]:
    """(year, month) shifted by n months."""
    k = year * 12 + (month - 1) + n
    return k // 12, k % 12 + 1


def parse_month(text: str) -> tuple[int, int]:
    """Parse 'YYYY-MM' into (year, month), raising ValueError when malformed."""
    try:
        y, m = (int(p) for p in text.strip().split("-"))
    except ValueError as exc:
        raise ValueError(f"to_month must look like YYYY-MM, got {text!r}") from exc
    if not 1 <= m <= 12 or y < 1990:
        raise ValueError(f"to_month must look like YYYY-MM, got {text!r}")
    return y, m


@dataclass(frozen=True)
class Frame:
    """The history window: first day (1 April) through the extract date (end of to_month)."""

    start: date
    extract: date
    months: tuple[tuple[int, int], ...] = field(repr=False)

    @property
    def start_day(self) -> int:
        """Day number of the first day of history."""
        return day_number(self.start)

    @property
    def end_day(self) -> int:
        """Day number of the extract date (inclusive)."""
        return day_number(self.extract)

    @property
    def n_days(self) -> int:
        """Number of days in the history, extract date included."""
        return self.end_day - self.start_day + 1

    @property
    def end_second(self) -> int:
        """Last second (epoch seconds) that may appear in a timestamp."""
        return (self.end_day + 1) * SECONDS_PER_DAY - 1

    def years_since_start(self, day: np.ndarray | int) -> np.ndarray:
        """Elapsed years (float) from the start of history to each day number."""
        return (np.asarray(day, dtype=np.float64) - self.start_day) / 365.25

    def month_start_days(self) -> np.ndarray:
        """Day numbers of the first day of every month in the history, plus one past the end."""
        firsts = [day_number(date(y, m, 1)) for y, m in self.months]
        return np.array([*firsts, self.end_day + 1], dtype=np.int64)

    def quarter_ends(self) -> list[date]:
        """Quarter-end dates (Jun, Sep, Dec, Mar) within the history."""
        return [month_end(y, m) for y, m in self.months if m % 3 == 0]

    def fraction_date(self, frac: float) -> date:
        """First day of the month lying a fraction frac of the way through the history."""
        k = min(len(self.months) - 1, max(0, round(frac * (len(self.months) - 1))))
        y, m = self.months[k]
        return date(y, m, 1)


def make_frame(to_month: str, years: int) -> Frame:
    """Frame from April of (financial year of to_month - years) to the last day of to_month."""
    if years < 1:
        raise ValueError("years must be at least 1")
    ty, tm = parse_month(to_month)
    fy_start_year = ty if tm >= 4 else ty - 1
    start = date(fy_start_year - years, 4, 1)
    months: list[tuple[int, int]] = []
    y, m = start.year, start.month
    while (y, m) <= (ty, tm):
        months.append((y, m))
        y, m = add_months(y, m, 1)
    return Frame(start=start, extract=month_end(ty, tm), months=tuple(months))


def rng_for(seed: int, *names: str | int) -> np.random.Generator:
    """Independent, reproducible generator for a (seed, table, part...) key."""
    key = [int(seed) & 0xFFFFFFFF] + [
        zlib.crc32(n.encode()) if isinstance(n, str) else int(n) for n in names
    ]
    return np.random.default_rng(np.random.SeedSequence(key))


@dataclass(frozen=True)
class Calendar:
    """Per-day attributes of the history, indexed by day - frame.start_day."""

    day: np.ndarray  # int64 day numbers
    month_index: np.ndarray  # 0-based month within the history
    month_of_year: np.ndarray  # 1..12
    weekday: np.ndarray  # Monday = 0
    years: np.ndarray  # elapsed years since start (float)


def calendar(frame: Frame) -> Calendar:
    """Per-day calendar of the frame."""
    day = np.arange(frame.start_day, frame.end_day + 1, dtype=np.int64)
    dt = day.astype("datetime64[D]")
    ym = dt.astype("datetime64[M]").astype(np.int64)  # months since 1970-01
    month_of_year = (ym % 12 + 1).astype(np.int64)
    month_index = ym - ym[0]
    weekday = (day + 3) % 7
    return Calendar(day, month_index, month_of_year, weekday, frame.years_since_start(day))


def month_index_of(frame: Frame, day: np.ndarray) -> np.ndarray:
    """0-based month-in-history index of each day number."""
    ym = np.asarray(day, dtype=np.int64).astype("datetime64[D]").astype("datetime64[M]")
    return ym.astype(np.int64) - (frame.start.year - 1970) * 12 - (frame.start.month - 1)


def financial_year_of(day: np.ndarray) -> np.ndarray:
    """Financial year (the calendar year in which it starts, April) of each day number."""
    dt = np.asarray(day, dtype=np.int64).astype("datetime64[D]")
    ym = dt.astype("datetime64[M]").astype(np.int64)
    year, month0 = ym // 12 + 1970, ym % 12
    return np.where(month0 >= 3, year, year - 1)
