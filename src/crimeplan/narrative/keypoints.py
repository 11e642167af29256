"""Key points: short sentences drawn only from computed facts, each kept with its numbers.

Every sentence comes from one fact; "significant" is written only when a named test said so,
and the test travels with the fact so a report can footnote it.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal

from crimeplan import stats
from crimeplan.narrative.quarters import Quarter, quarterly
from crimeplan.periods import last_quarter_end, quarter_ordinal

# Below this many events in either period a non-significant change is put down to low numbers.
LOW_NUMBERS = 50


@dataclass(frozen=True)
class KeyPoint:
    """One sentence and the fact behind it."""

    measure_id: str
    kind: str  # trend, quarter, run, extreme, special_cause, event
    text: str
    numbers: dict[str, Any] = field(default_factory=dict)
    test: str | None = None


@dataclass
class SeriesFacts:
    """What the narrative needs about one measure: its monthly series and how to read it.

    A month with no value (not supplied, provisional, not applicable) has numerator None: it is
    never narrated, and no claim spans it.
    """

    measure_id: str
    label: str
    polarity: Literal["up", "down"]
    percent: bool
    months: list[dt.date]
    numerators: list[float | None]
    denominators: list[float | None]
    noun: str = "offences"
    scale: float = 1.0
    events: list[tuple[dt.date, str]] = field(default_factory=list)
    # the report's month: key points speak of the latest financial quarter ending by it
    period_end: dt.date | None = None
    # the measure's SPC options for a chart over given months (fixed baseline, screening)
    spc_options: Callable[[list[dt.date]], dict[str, Any]] = field(default=lambda months: {})

    @property
    def target_quarter(self) -> int | None:
        """The running number of the quarter the key points describe."""
        end = self.period_end or (self.months[-1] if self.months else None)
        return None if end is None else quarter_ordinal(last_quarter_end(end))


def _fmt(value: float, percent: bool) -> str:
    return f"{value:.1f}%" if percent else f"{value:,.0f}"


def _change_words(a: float, b: float, percent: bool) -> str:
    # worked from the figures as printed beside it (1 dp for percentages, whole counts)
    a, b = (round(a, 1), round(b, 1)) if percent else (round(a), round(b))
    if percent:
        diff = b - a
        word = "increased" if diff > 0 else "decreased"
        return f"{word} by {abs(diff):.1f} percentage points"
    if a == 0:
        return "increased from zero" if b > 0 else "stayed at zero"
    pct = 100.0 * (b - a) / a
    word = "increased" if pct > 0 else "decreased"
    return f"{word} by {abs(pct):.1f}%"


def trend_point(s: SeriesFacts) -> KeyPoint | None:
    """The long-run trend since the last recording change, with its quasi-Poisson/binomial test."""
    start = 0
    for date, _ in s.events:
        for i, m in enumerate(s.months):
            if m >= date.replace(day=1):
                start = max(start, i)
                break
    nums = s.numerators[start:]
    dens = s.denominators[start:]
    if s.percent:
        if any(n is not None and (d is None or d <= 0) for n, d in zip(nums, dens)):
            return None
        dens = [d if n is not None else None for n, d in zip(nums, dens)]
        result = stats.trend(nums, 12, kind="proportion", denominators=dens)
    else:
        result = stats.trend(nums, 12, kind="count")
    if not result.sufficient_data:
        return None
    since = s.months[start].strftime("%B %Y")
    numbers = {"pct_change_per_year": result.pct_change_per_year, "ci_low": result.ci_low,
               "ci_high": result.ci_high, "p_value": result.p_value, "n_periods": result.n_periods,
               "since": since}
    if result.significant:
        direction = "upward" if result.pct_change_per_year > 0 else "downward"
        verb = "rising" if result.pct_change_per_year > 0 else "falling"
        if s.percent:
            # the model's yearly odds ratio, said in the measure's unit at its average level
            level = _mean_rate(nums, dens)
            pp = [_points_per_year(level, x) for x in
                  (result.pct_change_per_year, result.ci_low, result.ci_high)]
            numbers["pp_change_per_year"] = pp[0]
            text = (f"{s.label}: a significant long-term {direction} trend since {since}, "
                    f"{verb} by about {abs(pp[0]):.2f} percentage points a year "
                    f"(95% CI {pp[1]:+.2f} to {pp[2]:+.2f}).")
        else:
            text = (f"{s.label}: a significant long-term {direction} trend since {since}, with "
                    f"the number of {s.noun} {verb} by {abs(result.pct_change_per_year):.1f}% a year "
                    f"(95% CI {result.ci_low:+.1f}% to {result.ci_high:+.1f}%).")
    else:
        text = f"{s.label}: no statistically significant long-term trend since {since}."
    return KeyPoint(s.measure_id, "trend", text, numbers, result.test)


def _mean_rate(nums: list[float | None], dens: list[float | None]) -> float:
    """The share over every month with a value (0-1)."""
    pairs = [(n, d) for n, d in zip(nums, dens) if n is not None and d]
    return sum(n for n, _ in pairs) / sum(d for _, d in pairs)


def _points_per_year(level: float, odds_pct: float) -> float:
    """A yearly % change in the odds, as percentage points a year at a share of `level`."""
    odds = level / (1 - level) * (1 + odds_pct / 100)
    return 100 * (odds / (1 + odds) - level)


def quarter_point(s: SeriesFacts, quarters: list[Quarter]) -> KeyPoint | None:
    """The latest complete quarter against the same quarter a year earlier, tested."""
    by_ordinal = {q.ordinal: q for q in quarters}
    target = s.target_quarter
    if target is None or target not in by_ordinal or target - 4 not in by_ordinal:
        return None  # the stated quarter, or the same quarter a year earlier, has no figure
    last, year_ago = by_ordinal[target], by_ordinal[target - 4]
    if s.percent:
        # quarters() gives a percent measure's quarter only with its denominator
        assert year_ago.denominator is not None and last.denominator is not None
        p = stats.compare_proportions(year_ago.numerator, year_ago.denominator, last.numerator, last.denominator)
        test = stats.TEST_NAMES["compare_proportions"]
    else:
        p = stats.compare_counts(year_ago.numerator, last.numerator)
        test = stats.TEST_NAMES["compare_counts"]
    change = _change_words(year_ago.value, last.value, s.percent)
    numbers = {"quarter": last.label, "value": last.value, "previous_quarter": year_ago.label,
               "previous_value": year_ago.value, "p_value": p}
    head = (f"{s.label} {change} in {last.label} ({_fmt(last.value, s.percent)}) compared with "
            f"{year_ago.label} ({_fmt(year_ago.value, s.percent)})")
    if last.value == year_ago.value:
        head = f"{s.label} was the same in {last.label} as in {year_ago.label} ({_fmt(last.value, s.percent)})"
    if not math.isnan(p) and p < 0.05:
        tail = "; this change is statistically significant."
    elif min(last.numerator, year_ago.numerator) < LOW_NUMBERS and not s.percent:
        tail = f"; this is not statistically significant due to the low number of {s.noun}."
    else:
        tail = "; this change is not statistically significant."
    return KeyPoint(s.measure_id, "quarter", head + tail, numbers, test)


def _latest_run(s: SeriesFacts, quarters: list[Quarter]) -> list[Quarter]:
    """The unbroken run of quarters that ends with the stated quarter (empty when it has no figure)."""
    by_ordinal = {q.ordinal: q for q in quarters}
    target = s.target_quarter
    run: list[Quarter] = []
    while target is not None and target in by_ordinal:
        run.insert(0, by_ordinal[target])
        target -= 1
    return run


def run_point(s: SeriesFacts, quarters: list[Quarter]) -> KeyPoint | None:
    """A run of rises or falls over the latest quarters (three or more)."""
    quarters = _latest_run(s, quarters)
    if len(quarters) < 4:
        return None
    values = [q.value for q in quarters]
    sign = 0
    length = 0
    for i in range(len(values) - 1, 0, -1):
        step = (values[i] > values[i - 1]) - (values[i] < values[i - 1])
        if step == 0 or (sign and step != sign):
            break
        sign = step
        length += 1
    if length < 3:
        return None
    word = "an increase" if sign > 0 else "a decrease"
    text = f"{s.label}: {word} in each of the last {length} quarters."
    return KeyPoint(s.measure_id, "run", text, {"length": length, "direction": word,
                                                 "quarters": [q.label for q in quarters[-length - 1:]]})


def extreme_point(s: SeriesFacts, quarters: list[Quarter]) -> KeyPoint | None:
    """The latest quarter is the highest or lowest on record, or since some earlier quarter."""
    run = _latest_run(s, quarters)
    # "on record" only when no quarter since the series began lacks a figure
    whole = len(run) == len([q for q in quarters if q.ordinal <= (s.target_quarter or 0)])
    quarters = run
    if len(quarters) < 8:
        return None
    last = quarters[-1]
    earlier = quarters[:-1]
    for word, better in (("lowest", lambda a, b: a < b), ("highest", lambda a, b: a > b)):
        if whole and all(better(last.value, q.value) for q in earlier):
            text = f"{s.label}: {last.label} is the {word} quarter on record ({_fmt(last.value, s.percent)})."
            return KeyPoint(s.measure_id, "extreme", text, {"quarter": last.label, "word": word,
                                                             "value": last.value, "since": None})
        # the run of quarters back to the last one that was as extreme
        back = None
        for q in reversed(earlier):
            if not better(last.value, q.value):
                back = q
                break
        if back is not None and len(earlier) - earlier.index(back) >= 8:
            text = (f"{s.label}: {last.label} is the {word} quarter since {back.label} "
                    f"({_fmt(last.value, s.percent)}).")
            return KeyPoint(s.measure_id, "extreme", text, {"quarter": last.label, "word": word,
                                                             "value": last.value, "since": back.label})
    return None


def special_cause_point(s: SeriesFacts, values: list[float | None], months: list[dt.date]) -> KeyPoint | None:
    """A special cause on the latest month of the XmR chart (only when that month has a value)."""
    if len([v for v in values if v is not None]) < 13 or values[-1] is None:
        return None
    if s.period_end is not None and months[-1] != s.period_end.replace(day=1):
        return None
    result = stats.spc(values, s.polarity, **s.spc_options(months))
    last = result.points[-1]
    if last.rule is None:
        return None
    reason = {"outside_limits": "outside the process limits",
              "trend": f"part of a run of {result.run_length} rising or falling months",
              "two_of_three": "two of the last three months near a process limit",
              "shift": f"part of a run of {result.run_length} months on one side of the mean"}[last.rule]
    text = (f"{s.label}: the latest month ({months[-1].strftime('%B %Y')}) is {reason}, a special "
            f"cause of {last.special_cause}.")
    return KeyPoint(s.measure_id, "special_cause", text, {"rule": last.rule, "value": last.value,
                                                          "mean": last.mean}, stats.TEST_NAMES["spc"])


def event_points(s: SeriesFacts) -> list[KeyPoint]:
    """Recording changes inside the series, which explain a step."""
    out = []
    for date, description in s.events:
        if s.months and s.months[0] < date <= s.months[-1]:
            out.append(KeyPoint(s.measure_id, "event",
                                f"{s.label}: the series steps at {date.strftime('%B %Y')} because of "
                                f"{description[0].lower() + description[1:]}; figures before then are "
                                f"not comparable.", {"date": date.isoformat()}))
    return out


def key_points(s: SeriesFacts) -> list[KeyPoint]:
    """All key points for one measure, most important first."""
    quarters = quarterly(s.months, s.numerators, s.denominators, s.percent, s.scale)
    values = [_monthly_value(s, i) for i in range(len(s.months))]
    points: list[KeyPoint | None] = [
        quarter_point(s, quarters),
        trend_point(s),
        run_point(s, quarters),
        extreme_point(s, quarters),
        special_cause_point(s, values[-36:], s.months[-36:]),
    ]
    return [p for p in points if p is not None] + event_points(s)


def _monthly_value(s: SeriesFacts, i: int) -> float | None:
    n = s.numerators[i]
    if n is None:
        return None
    if s.percent:
        d = s.denominators[i]
        return 100.0 * n / d if d else None
    return s.scale * n
