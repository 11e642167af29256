"""A state for every monthly value (CONTRACT.md §4): a value, or the reason there is none.

`value` (a true zero included), `not_supplied`, `not_carried`, `provisional`, `not_applicable`,
`suppressed`.  Everything after the engine reads months through here, so no reason ever
becomes a zero: windows over a month that is not supplied, not carried or not applicable are
not computable; charts, SPC, trends and key points use `value` months only.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Set
from dataclasses import dataclass
from typing import Any, Protocol

import numpy as np
import pandas as pd

from crimeplan.contract.schema import reader_name, reader_table_name, reader_value
from crimeplan.contract.schema import table as canonical_table
from crimeplan.engine.series import SeriesSet
from crimeplan.periods import Window, add_months, month_end, month_start
from crimeplan.plans.model import Measure, Plan

STATES = ("value", "not_supplied", "not_carried", "provisional", "not_applicable", "suppressed")
# a window containing one of these months has no figure
BREAKS_WINDOW = ("not_supplied", "not_carried", "not_applicable")
SERIES_COLUMNS = ["measure_id", "area_level", "area", "month", "numerator", "denominator", "value",
                  "state", "reason", "age_months"]


class CarriesColumns(Protocol):
    """Anything that knows the columns each source carries (an engine run, stored results' context)."""

    @property
    def carried(self) -> Mapping[str, Set[str] | None]:
        """Source table → the columns it carries (None: not recorded)."""


@dataclass(frozen=True)
class MonthState:
    """One month of a measure: its state and, when it is not a value, why."""

    state: str
    reason: str | None = None


def missing_columns(series: CarriesColumns, m: Measure) -> list[str]:
    """The columns (or column values) the measure needs that its source does not carry, named
    for a reader ("a domestic abuse flag", not `domestic_abuse`: the text goes into public notes).

    A source may carry only some values of a column, recorded as `column=value` (police.uk's
    incidents are anti-social behaviour only: `category=asb`): "domestic incidents (it has
    anti-social behaviour incidents only)".
    """
    carried = series.carried.get(m.source)
    if carried is None:
        return []
    out = []
    for col in sorted(m.needed_columns()):
        if col in carried:
            continue
        partial = {c.split("=", 1)[1] for c in carried if c.startswith(col + "=")}
        wanted = m.values_required(col)
        if partial and wanted is not None and wanted <= partial:
            continue
        if partial:
            has = " and ".join(reader_value(col, v) for v in sorted(partial))
            asked = (" and ".join(reader_value(col, v) for v in sorted(wanted)) if wanted
                     else f"{reader_name(col)} other than {has}")
            out.append(f"{asked} (it has {has} only)")
        else:
            out.append(reader_name(col))
    return out


def either(names: list[str]) -> str:
    """Names listed for a sentence with "or" ("a, b or c")."""
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} or {names[-1]}"


def age_in_months(month: dt.date, as_at: dt.date) -> int:
    """Whole months from the end of `month` to the extract date (0: it ended less than a month ago)."""
    k = (as_at.year * 12 + as_at.month) - (month.year * 12 + month.month)
    return k if as_at == month_end(as_at) else k - 1


def month_state(series: SeriesSet, m: Measure, month: dt.date, to_month: dt.date,
                missing: list[str] | None = None) -> MonthState:
    """The state of one month of a measure's series (the same for every area); `missing` is
    `missing_columns(series, m)` when the caller has it already."""
    missing = missing_columns(series, m) if missing is None else missing
    if missing:
        return MonthState("not_carried", f"this source of {reader_table_name(m.source)} does not carry "
                                         f"{either(missing)}")
    first = series.coverage.get(m.source, (None, None))[0]
    if first is None or month < first:
        since = f"before {first:%b %Y}" if first else "at all"
        return MonthState("not_supplied", f"no {reader_table_name(m.source)} {since}")
    supplied = series.supplied.get(m.source)
    if supplied is not None and month not in supplied:
        return MonthState("not_supplied", f"{reader_table_name(m.source)} were not supplied for {month:%b %Y}")
    last = series.last_complete.get(m.source)
    if last is None or month > last:
        upto = f"the last complete month supplied is {last:%b %Y}" if last else "no complete month supplied"
        # a month past the last complete one may be partly loaded (an extract mid-month): not "no data"
        return MonthState("not_supplied", f"{reader_table_name(m.source)} for {month:%b %Y} are not complete "
                                          f"({upto})")
    if m.not_comparable_before and month < month_start(m.not_comparable_before):
        return MonthState("not_applicable", f"the measure's definition changed in "
                                            f"{m.not_comparable_before:%B %Y}")
    if m.lag_months and month > add_months(to_month, -m.lag_months):
        return MonthState("provisional", f"shown {m.lag_months} months in arrears")
    if (m.event_date and series.extract_date is not None
            and month_end(add_months(month, m.mature_after_months)) > series.extract_date):
        return MonthState("provisional", f"fewer than {m.mature_after_months} months of outcomes")
    return MonthState("value")


def window_gap(series: SeriesSet, m: Measure, w: Window, to_month: dt.date) -> str | None:
    """Why a window has no figure (a month in it not supplied, not carried or not applicable)."""
    reasons: dict[str, list[dt.date]] = {}
    missing = missing_columns(series, m)
    cur = w.start
    while cur <= w.last:
        s = month_state(series, m, cur, to_month, missing)
        if s.state in BREAKS_WINDOW:
            if s.state == "not_carried":
                return s.reason
            key = "not_applicable" if s.state == "not_applicable" else "not_supplied"
            reasons.setdefault(key, []).append(cur)
        cur = add_months(cur, 1)
    if not reasons:
        return None
    parts = []
    if "not_supplied" in reasons:
        months = reasons["not_supplied"]
        first = series.coverage.get(m.source, (None, None))[0]
        if first is None or (months[0] < first and months[-1] < first):
            return f"no {reader_table_name(m.source)} before {first.strftime('%b %Y') if first else 'the extract'}"
        parts.append(f"{reader_table_name(m.source)} were not supplied for {_months_text(months)}")
    if "not_applicable" in reasons and m.not_comparable_before:
        parts.append(f"the measure's definition changed in {m.not_comparable_before:%B %Y}")
    return "; ".join(parts)


def _months_text(months: list[dt.date]) -> str:
    if len(months) > 4:
        return f"{len(months)} months ({months[0]:%b %Y} to {months[-1]:%b %Y})"
    return ", ".join(m.strftime("%b %Y") for m in months)


def _populations(series: SeriesSet) -> dict[tuple[str, str], float]:
    a = series.areas
    if a.empty:
        return {}
    out = {("force", series.force or "force"): float(a.population.sum())}
    for lpa, g in a.groupby("lpa"):
        out[("lpa", str(lpa))] = float(g.population.sum())
    for d, pop in zip(a.district, a.population):
        out[("district", str(d))] = float(pop)
    return out


def _sums(monthly: pd.DataFrame, key: str | None) -> dict[str, pd.DataFrame]:
    """Measure → its rows of (area, month, num, num_so_far, denominator) sums at one area level
    (None: the force, area ""), NaN where every row is missing; one groupby for every measure."""
    keys = ["measure_id", "month"] if key is None else ["measure_id", key, "month"]
    rows = monthly if key is None else monthly[monthly[key].notna()]
    if rows.empty:
        return {}
    g = rows.groupby(keys, sort=False)[["num", "num_so_far", "denominator"]].sum(min_count=1).reset_index()
    g["area"] = "" if key is None else g[key].astype(str)
    return {str(mid): part for mid, part in g.groupby("measure_id", sort=False)}


def monthly_series(series: SeriesSet, plan: Plan, to_month: dt.date) -> pd.DataFrame:
    """One row per decomposable measure × area × month up to `to_month`, each with its state.

    A measure whose numerator waits for a later event (an outcome) counts each month at a fixed
    age (`mature_after_months`); younger months are provisional and carry the count so far.
    """
    to = month_start(to_month)
    blocks: list[dict[str, Any]] = []
    lpa_of = dict(zip(series.areas.district, series.areas.lpa)) if not series.areas.empty else {}
    pops = _populations(series)
    # every measure and area at once: one groupby per area level, not one per measure × area
    mine = series.monthly[series.monthly.month <= to] if not series.monthly.empty else series.monthly
    aged_ids = [m.id for _, m in plan.measures() if m.event_date is not None]
    mine = mine.assign(num=mine["numerator"].where(~mine["measure_id"].isin(aged_ids), mine["numerator_aged"]),
                       num_so_far=mine["numerator"], lpa=mine["district"].map(lpa_of))
    sums = {level: _sums(mine, key) for level, key in (("force", None), ("lpa", "lpa"), ("district", "district"))}
    present = {key: mine[mine[key].notna()].groupby("measure_id")[key].unique() for key in ("lpa", "district")}
    every = {"lpa": sorted(str(n) for n in set(lpa_of.values())), "district": sorted(str(n) for n in lpa_of)}
    for _, m in plan.measures():
        if not m.decomposable or (m.id in series.unavailable and not missing_columns(series, m)):
            continue
        first = series.coverage.get(m.source, (None, None))[0]
        if first is None:
            continue
        months = []
        cur = first
        while cur <= to:
            months.append(cur)
            cur = add_months(cur, 1)
        missing = missing_columns(series, m)
        states = [month_state(series, m, mo, to, missing) for mo in months]
        ages = [age_in_months(mo, series.extract_date) if series.extract_date else None for mo in months]
        # a table with no district column (calls) has force figures only: no LPA row is a zero
        by_area = lpa_of and canonical_table(m.source).has_district
        levels = [("force", None), ("lpa", "lpa"), ("district", "district")] if by_area else [("force", None)]
        for level, key in levels:
            if key is None:
                areas = [(series.force or "force", "")]
            else:
                seen = sorted(str(a) for a in present[key].get(m.id, []))
                found = set(seen)  # areas with rows first, then the rest (each a row of zeros or states)
                areas = [(a, a) for a in seen + [n for n in every[key] if n not in found]]
            blocks.append(_block(m, level, areas, months, states, ages, sums[level].get(m.id), pops))
    return _frame(blocks)


def _block(m: Measure, level: str, areas: list[tuple[str, str]], months: list[dt.date],
           states: list[MonthState], ages: list[int | None], sums: pd.DataFrame | None,
           pops: Mapping[tuple[str, str], float]) -> dict[str, Any]:
    """The rows of one measure at one level as columns, area by area then month by month;
    `sums` holds the level's (area, month) sums of the measure (None: no rows at all)."""
    n_areas, n_months = len(areas), len(months)
    shape = n_areas * n_months
    num, so_far, den = np.full(shape, np.nan), np.full(shape, np.nan), np.full(shape, np.nan)
    if sums is not None:  # each summed row's place: its area's block, then its month within it
        area_at = pd.Index([lookup for _, lookup in areas]).get_indexer(pd.Index(sums["area"]))
        month_at = pd.Index(months).get_indexer(pd.Index(sums["month"]))
        ok = (area_at >= 0) & (month_at >= 0)
        at = area_at[ok] * n_months + month_at[ok]
        num[at] = sums["num"].to_numpy(float)[ok]
        so_far[at] = sums["num_so_far"].to_numpy(float)[ok]
        den[at] = sums["denominator"].to_numpy(float)[ok]
    state = np.tile(np.array([s.state for s in states], dtype=object), n_areas)
    provisional = state == "provisional"
    num = np.where(provisional, so_far, num)
    num[((state == "value") | provisional) & np.isnan(num)] = 0.0  # a supplied month with no rows: a true zero
    if m.unit == "rate_per_1000" or m.kind.denominator == "population":
        population = [pops.get((level, area)) for area, _ in areas]
        den = np.repeat(np.array([np.nan if p is None else p for p in population], dtype=float), n_months)
    elif m.kind.denominator == "none":  # a total: its months carry no denominator
        den = np.full(shape, np.nan)
    breaks = np.isin(state, BREAKS_WINDOW)
    num[breaks] = np.nan
    den[breaks] = np.nan
    value = np.full(shape, np.nan)
    form = m.kind.value  # what value_of calls, looked up once for the block
    assert form is not None
    valued = np.flatnonzero(state == "value")
    figures = zip(num[valued].tolist(), den[valued].tolist())
    found = [form(m, None if n != n else n, None if d != d else d, 1, None) for n, d in figures]  # x != x: NaN
    value[valued] = [np.nan if v is None else v for v in found]
    return {"measure_id": [m.id] * shape, "area_level": [level] * shape,
            "area": [area for area, _ in areas for _ in range(n_months)], "month": months * n_areas,
            "numerator": num, "denominator": den, "value": value, "state": list(state),
            "reason": [s.reason for s in states] * n_areas, "age_months": ages * n_areas}


def _frame(blocks: list[dict[str, Any]]) -> pd.DataFrame:
    """One frame of the blocks' columns, typed as a frame of the same rows as tuples would be."""
    if not blocks:
        return pd.DataFrame([], columns=SERIES_COLUMNS)
    columns: dict[str, Any] = {}
    for col in SERIES_COLUMNS:
        parts = [b[col] for b in blocks]
        if isinstance(parts[0], np.ndarray):
            joined = np.concatenate(parts)
            # a column with no figure at all is of None, as pandas makes it from tuples
            columns[col] = [None] * len(joined) if np.isnan(joined).all() else joined
        else:
            columns[col] = [x for part in parts for x in part]
    return pd.DataFrame(columns, columns=SERIES_COLUMNS)


def force_values(frame: pd.DataFrame, measure_id: str, area_level: str = "force",
                 area: str | None = None) -> pd.DataFrame:
    """One measure's rows at one area (the force by default), in month order."""
    sel = frame[(frame.measure_id == measure_id) & (frame.area_level == area_level)]
    if area is not None:
        sel = sel[sel.area == area]
    return sel.sort_values("month").reset_index(drop=True)
