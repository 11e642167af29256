"""Year-on-year comparisons: each measure × area × window against a year earlier."""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from crimeplan.compare.states import either, missing_columns, window_gap
from crimeplan.compare.values import direction, pct_change, value_of
from crimeplan.engine.series import SeriesSet
from crimeplan.periods import Window, add_months, month_start, window
from crimeplan.plans.model import Measure, Plan

RESULT_COLUMNS = [
    "measure_id", "area_level", "area", "period_end", "window",
    "current_value", "previous_value",
    "current_numerator", "current_denominator", "previous_numerator", "previous_denominator",
    "change", "pct_change", "pp_change", "unit", "polarity", "direction",
    "significant", "p_value", "ci_low", "ci_high", "comparable", "suppressed",
    # extensions
    "label", "area_of_focus", "decimals", "status", "note", "current_period", "previous_period",
    "lag_months", "snapshot_id", "current_sd", "previous_sd",
]


def _areas(series: SeriesSet, m: Measure, has_district: bool) -> list[tuple[str, str, list[str] | None]]:
    """(level, area, districts) triples: force (all rows), each LPA, each district."""
    out: list[tuple[str, str, list[str] | None]] = [("force", series.force or "force", None)]
    if not has_district or series.areas.empty:
        return out
    for lpa, group in series.areas.groupby("lpa", sort=True):
        out.append(("lpa", str(lpa), list(group["district"])))
    for d in sorted(series.areas["district"]):
        out.append(("district", str(d), [d]))
    return out


def _events_breaking(series: SeriesSet, m: Measure, cur: Window, prev: Window) -> list[str]:
    """Descriptions of recording changes that fall between the two windows' starts and end."""
    return [f"{description} ({date.strftime('%B %Y')}): last year's figure is not comparable"
            for date, description in series.recording_changes(m.id) if prev.start < date <= cur.end]


def _ordinal(d: dt.date) -> int:
    return d.year * 12 + d.month - 1


class _Months:
    """A measure's monthly rows as arrays: a window's sums are a mask and an add, not a frame
    filter per area and window (the comparison's cost was almost all pandas indexing)."""

    def __init__(self, mine: pd.DataFrame) -> None:
        self.month = np.fromiter((_ordinal(d) for d in mine.month), dtype=np.int64, count=len(mine))
        # each row's district as a code: an area's rows are an isin over integers, not a Python
        # test per row and area (43 forces' districts made that 54 million tests a compute)
        codes, names = pd.factorize(mine.district)
        self.district_code = codes
        self._code_of = {name: i for i, name in enumerate(names)}
        self.columns = {c: mine[c].to_numpy(dtype=float, na_value=np.nan)
                        for c in ("numerator", "numerator_lfl", "denominator", "sumsq")}
        self._in_areas: dict[tuple[str, ...], npt.NDArray[np.bool_]] = {}

    def mask(self, w: Window, districts: list[str] | None) -> npt.NDArray[np.bool_]:
        """The rows inside a window (and the given districts)."""
        inside = (self.month >= _ordinal(w.start)) & (self.month <= _ordinal(w.last))
        if districts is None:
            return inside
        key = tuple(districts)
        if key not in self._in_areas:
            wanted = [self._code_of[d] for d in districts if d in self._code_of]
            self._in_areas[key] = np.isin(self.district_code, wanted)
        return inside & self._in_areas[key]

    def total(self, column: str, rows: npt.NDArray[np.bool_]) -> float | None:
        """The column's sum over the rows, None when every one is missing (as pandas' sum skips them)."""
        values = self.columns[column][rows]
        return float(np.nansum(values)) if (~np.isnan(values)).any() else None


def _monthly_sum(series: SeriesSet, mine: _Months, m: Measure, w: Window, districts: list[str] | None,
                 gap: str | None, *, previous: bool = False) -> tuple[float | None, float | None, str | None]:
    if gap:
        return None, None, gap
    rows = mine.mask(w, districts)
    # like for like: last year's numerator as it stood at the same age as this year's
    column = "numerator_lfl" if previous and m.event_date and series.extract_date else "numerator"
    num = mine.total(column, rows)
    den = mine.total("denominator", rows)
    if m.kind.denominator != "counted":  # a total, or a score over the population (set later)
        den = None
    return (0.0 if num is None else num), den, None


def _sd(mine: _Months, m: Measure, w: Window, districts: list[str] | None) -> float | None:
    """Standard deviation of a mean measure's values in a window, from sums and sums of squares (its kind's)."""
    spread = m.kind.spread
    if spread is None:
        return None
    rows = mine.mask(w, districts)
    den, num, sumsq = (mine.total(c, rows) or 0.0 for c in ("denominator", "numerator", "sumsq"))
    return spread(m, den, num, sumsq)


class _Windows:
    """The engine's window figures indexed once: a figure is a dict lookup, not a frame filter
    per measure × area × window."""

    def __init__(self, wf: pd.DataFrame) -> None:
        self.by_measure = dict(tuple(wf.groupby("measure_id", sort=False))) if not wf.empty else {}
        self.empty = wf.iloc[0:0]
        self.first: dict[tuple[Any, ...], tuple[Any, Any]] = {}
        for key in zip(wf.measure_id, wf.area_level, wf.area, wf.start, wf.end, wf.numerator, wf.denominator):
            self.first.setdefault(key[:5], key[5:])  # the first row of a key, as .iloc[0] took

    def of(self, measure_id: str) -> pd.DataFrame:
        """The rows of one measure."""
        return self.by_measure.get(measure_id, self.empty)


def _window_lookup(windows: _Windows, m: Measure, w: Window, level: str, area: str
                   ) -> tuple[float | None, float | None, float | None, str | None, Window]:
    if m.kind.arrives_counted:
        sel = windows.of(m.id)
        if m.aggregate_mode == "sum":
            part = sel[(sel.start >= w.start) & (sel.end <= w.end)]
            if part.empty:
                return None, None, None, "no figures for this period in the aggregates table", w
            months = {(e.year, e.month) for e in part.end}
            note = None if len(months) >= w.months else f"figures for {len(months)} of {w.months} months"
            den = part.denominator.sum(min_count=1)
            return float(part.numerator.sum()), (None if pd.isna(den) else float(den)), None, note, w
        part = sel[sel.end <= w.end]
        if part.empty:
            return None, None, None, "no figures up to this period in the aggregates table", w
        row = part.sort_values("end").iloc[-1]
        used = Window(w.kind, month_start(row.start), month_start(row.end))
        return (_nan_none(row.numerator), _nan_none(row.denominator), _nan_none(row.value), None, used)
    if level == "force":
        area = "force"
    found = windows.first.get((m.id, level, area, w.start, w.end))
    if found is None:
        return 0.0, (0.0 if m.kind.window_denominator else None), None, None, w
    return float(found[0]), _nan_none(found[1]), None, None, w


def _nan_none(x: Any) -> float | None:
    return None if x is None or (isinstance(x, float) and math.isnan(x)) or pd.isna(x) else float(x)


def compare(series: SeriesSet, plan: Plan, to_month: str | dt.date) -> pd.DataFrame:
    """The results export (CONTRACT.md §3) for a plan as of a month."""
    from crimeplan.contract.schema import table as canonical_table

    to = month_start(to_month)
    rows: list[dict[str, Any]] = []
    # split the monthly series by measure once, not once per area and window
    by_measure = dict(tuple(series.monthly.groupby("measure_id"))) if not series.monthly.empty else {}
    windows = _Windows(series.windows)
    populations = _Populations(series.areas)
    for aof, m in plan.measures():
        mine = _Months(by_measure.get(m.id, series.monthly.iloc[0:0]))
        base = {"measure_id": m.id, "label": m.label, "area_of_focus": aof.id, "unit": m.unit,
                "polarity": m.polarity, "decimals": m.decimals, "lag_months": m.lag_months,
                "suppressed": False, "snapshot_id": series.snapshot_id,
                "significant": None, "p_value": None, "ci_low": None, "ci_high": None}
        for kind in m.windows:
            cur = window(kind, add_months(to, -m.lag_months))
            prev = cur.year_earlier()
            not_carried = missing_columns(series, m) if m.source != "aggregates" else []
            if m.id in series.unavailable or not_carried:
                rows.append({**base, "area_level": "force", "area": series.force or "force",
                             "window": kind, "period_end": cur.last.strftime("%Y-%m"),
                             "current_period": cur.label(), "previous_period": prev.label(),
                             "status": "not_carried" if not_carried else "unavailable",
                             "note": (f"not available from this source: it does not carry "
                                      f"{either(not_carried)}") if not_carried else series.unavailable[m.id],
                             "comparable": False})
                continue
            has_district = m.source != "aggregates" and canonical_table(m.source).has_district
            breaks = _events_breaking(series, m, cur, prev)
            # which months a window holds is the same for every area: judged once per window
            gap_cur, gap_prev = window_gap(series, m, cur, to), window_gap(series, m, prev, to)
            for level, area, districts in _areas(series, m, has_district):
                notes: list[str] = []
                cur_used, prev_used = cur, prev
                if m.decomposable:
                    cn, cd, why_c = _monthly_sum(series, mine, m, cur, districts, gap_cur)
                    pn, pd_, why_p = _monthly_sum(series, mine, m, prev, districts, gap_prev, previous=True)
                    cr = pr = None
                else:
                    cn, cd, cr, why_c, cur_used = _window_lookup(windows, m, cur, level, area)
                    target = cur_used.year_earlier() if m.kind.arrives_counted else prev
                    pn, pd_, pr, why_p, prev_used = _window_lookup(windows, m, target, level, area)
                    if not m.kind.arrives_counted:
                        why_c, why_p = gap_cur, gap_prev
                        if why_c:
                            cn = cd = None
                        if why_p:
                            pn = pd_ = None
                    if m.kind.arrives_counted and m.aggregate_mode == "latest" and prev_used.last != target.last:
                        pn = pd_ = pr = None
                        why_p = "no figure for the same period a year earlier"
                if m.unit == "rate_per_1000" or m.kind.denominator == "population":
                    pop = populations.of(districts)
                    cd = pd_ = pop
                cv = value_of(m, cn, cd, cur_used.months, cr)
                pv = value_of(m, pn, pd_, prev_used.months, pr)
                if why_c and why_p == why_c and pv is None:
                    notes.append(f"{why_c}, so neither year has a figure")  # one reason, said once
                else:
                    if why_c:
                        notes.append(why_c)
                    if why_p and pv is None:
                        notes.append(f"last year: {why_p}")
                comparable = not breaks and cv is not None and pv is not None
                notes += breaks
                status = "ok" if comparable else ("not_comparable" if cv is not None else "not_computable")
                change = (cv - pv) if comparable and cv is not None and pv is not None else None
                rows.append({
                    **base, "area_level": level, "area": area, "window": kind,
                    "period_end": cur_used.last.strftime("%Y-%m"),
                    "current_period": cur_used.label(), "previous_period": prev_used.label(),
                    "current_value": cv, "previous_value": pv if not breaks else None,
                    "current_numerator": cn, "current_denominator": cd,
                    "previous_numerator": pn if not breaks else None,
                    "previous_denominator": pd_ if not breaks else None,
                    "change": change,
                    "pct_change": pct_change(pv, cv) if comparable and not m.is_percent else None,
                    "pp_change": change if comparable and m.is_percent else None,
                    "direction": direction(m, pv, cv) if comparable else None,
                    "comparable": comparable, "status": status, "note": "; ".join(notes) or None,
                    "current_sd": _sd(mine, m, cur_used, districts) if m.decomposable else None,
                    "previous_sd": _sd(mine, m, prev_used, districts) if m.decomposable else None,
                })
    return pd.DataFrame(rows, columns=RESULT_COLUMNS)


class _Populations:
    """Each area's population, the sum over its districts, worked out once an area (a frame filter
    per figure was about half of the national plan's comparison)."""

    def __init__(self, areas: pd.DataFrame) -> None:
        empty = areas.empty  # an empty frame may have no columns at all
        self.district = np.array([], dtype=object) if empty else areas.district.to_numpy(dtype=object)
        self.population = np.array([]) if empty else areas.population.to_numpy(dtype=float, na_value=np.nan)
        self.found: dict[tuple[str, ...] | None, float | None] = {}

    def of(self, districts: list[str] | None) -> float | None:
        """The population of the districts (None: every district); None without an areas table."""
        key = None if districts is None else tuple(districts)
        if key not in self.found:
            if not len(self.district):
                self.found[key] = None
            else:
                inside = self.population if districts is None else self.population[np.isin(self.district, districts)]
                self.found[key] = float(np.nansum(inside))
        return self.found[key]
