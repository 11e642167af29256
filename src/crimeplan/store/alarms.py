"""Data-quality alarms: a month whose count is far outside its own history.

Every load checks each month of the record tables it wrote, for the table as a whole
(level `source`), for each district and for each category (crimes by offence group, incidents
by category, …), against the months around it in the same snapshot.

Method (docs/loading-data.md, "Data-quality alarms"):

* counts become **daily rates** (count ÷ days in the month), so February is not low for
  being short;
* the reference is every other supplied month within 12 months either side (only the
  earlier ones for the newest month, so an appended month is checked against the history);
  at least `MIN_HISTORY` of them are needed;
* expected = median of the reference rates × days; spread σ = the largest of 1.4826 × MAD
  (robust standard deviation), the Poisson noise √(rate ÷ days) and `REL_FLOOR` × median (few
  reference months can agree by chance);
* the expected range is expected ± `K` σ × days; a month outside it alarms — provided the
  expected count is at least `MIN_EXPECTED` (districts and categories smaller than that are
  noise) and it differs from the expected by at least `MIN_CHANGE` of it.
"""

from __future__ import annotations

import bisect
import calendar
import datetime as dt
import math
import statistics
from collections.abc import Iterable
from dataclasses import dataclass

K = 5.0
REL_FLOOR = 0.08
MIN_HISTORY = 3
MIN_EXPECTED = 30.0
MIN_CHANGE = 0.3
WINDOW = 12  # months either side
# the column that splits a table into categories (level `category`)
CATEGORY_COLUMNS = {"crimes": "offence_group", "incidents": "category", "calls": "channel",
                    "casualties": "severity", "survey_responses": "survey",
                    "workforce": "staff_group"}
# the column that places a row in a month, for the record tables that are checked
MONTH_COLUMNS = {"crimes": "recorded_date", "incidents": "opened_at", "calls": "received_at",
                 "casualties": "collision_date", "survey_responses": "interview_date",
                 "workforce": "month_end"}


@dataclass(frozen=True)
class Alarm:
    """A month outside its expected range, with an analyst's acceptance if there is one."""

    table: str
    month: dt.date
    level: str  # 'source' | 'district' | 'category'
    key: str | None
    observed: float
    expected_low: float
    expected_high: float
    expected: float
    message: str
    accepted: bool = False
    accepted_by: str | None = None
    accepted_at: dt.datetime | None = None
    reason: str | None = None


def _days(m: dt.date) -> int:
    return calendar.monthrange(m.year, m.month)[1]


def _index(m: dt.date) -> int:
    return m.year * 12 + m.month - 1


def _label(m: dt.date) -> str:
    return f"{m.year:04d}-{m.month:02d}"


def assess_series(counts: dict[dt.date, float], months: Iterable[dt.date],
                  only: set[dt.date] | None = None) -> list[tuple[dt.date, float, float, float, float, int]]:
    """(month, observed, expected, low, high, reference months) for every month big enough
    and with history enough to be judged; `months` are the supplied months (missing count = 0)."""
    supplied = sorted(set(months))
    at = [_index(m) for m in supplied]
    rates = [counts.get(m, 0.0) / _days(m) for m in supplied]
    out = []
    for i, m in enumerate(supplied):
        if only is not None and m not in only:
            continue
        # the other supplied months within WINDOW either side: a slice of the sorted months
        first, end = bisect.bisect_left(at, at[i] - WINDOW), bisect.bisect_right(at, at[i] + WINDOW)
        ref = rates[first:i] + rates[i + 1:end]
        if len(ref) < MIN_HISTORY:
            continue
        med = statistics.median(ref)
        days = _days(m)
        expected = med * days
        if expected < MIN_EXPECTED:
            continue
        mad = statistics.median(abs(r - med) for r in ref)
        sigma = max(1.4826 * mad, (med / days) ** 0.5, REL_FLOOR * med)
        low, high = max(0.0, (med - K * sigma) * days), (med + K * sigma) * days
        out.append((m, counts.get(m, 0.0), expected, low, high, len(ref)))
    return out


def check_series(counts: dict[dt.date, float], months: Iterable[dt.date], *, table: str,
                 level: str, key: str | None, only: set[dt.date] | None = None) -> list[Alarm]:
    """Alarms for one monthly series; `months` are the supplied months (a missing count is 0).

    `only` limits the months checked (default: all).
    """
    out = []
    for m, observed, expected, low, high, n_ref in assess_series(counts, months, only):
        if low <= observed <= high or abs(observed - expected) < MIN_CHANGE * expected:
            continue
        what = table if level == "source" else f"{table} {level} {key!r}"
        change = (observed - expected) / expected
        out.append(Alarm(
            table, m, level, key, float(observed), low, high, expected,
            f"{what} {_label(m)}: {observed:,.0f}, {abs(change):.0%} {'below' if change < 0 else 'above'}"
            f" the {expected:,.0f} expected from {n_ref} months around it (expected range "
            f"{math.ceil(low):,}–{math.floor(high):,})"))  # the whole counts inside the range
    return out
