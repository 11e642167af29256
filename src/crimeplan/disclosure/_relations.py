"""The additive relations a results table prints: areas, windows and the declared parts of a total.

Each relation reads total = sum of parts + remainder, row by row of the results table, for this
year's figures and last year's alike.  The remainder is what the parts leave out of the total:
rows with no district (force minus its LPAs), the months of a longer window outside a shorter
one (12 months minus the financial year to date), or casualties of no declared part (KSI minus
its road-user parts).  It is never printed, but anyone can compute it when every other member
of the relation is shown.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from crimeplan.periods import month_start, window

YEARS = ("current", "previous")
# denominators that are populations: they add up over areas but not over windows or parts
POPULATION_UNITS = {"rate_per_1000", "score"}


@dataclass(frozen=True)
class Relation:
    """total = sum of parts + remainder, between rows (positions) of a results table."""

    kind: str  # "area", "window" or "parts"
    total: int
    parts: tuple[int, ...]

    @property
    def members(self) -> tuple[int, ...]:
        """The total and its parts."""
        return (self.total, *self.parts)


def remainder_known(rel: Relation, rest: np.ndarray, threshold: int) -> bool:
    """Whether a reader is taken to know a relation's remainder (the pessimistic reader).

    Nothing over (KSI = fatal + serious; an LPA = its districts) is known.  Between areas, the
    records with no district are taken as known unless they are themselves a small count (then
    they are protected like a withheld figure): they may be published elsewhere, and this keeps a
    single withheld LPA from hiding behind them.  Between windows and between measures a
    remainder (the months between two windows, casualties of no declared part) is printed
    nowhere and protects the figures around it.
    """
    if bool(np.all(np.abs(rest) < 1e-9)):
        return True
    small = bool(np.any((rest > 1e-9) & (rest < threshold - 1e-9)))
    return rel.kind == "area" and not small


def figures(table: pd.DataFrame) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """Per year: (n × 2 array of numerator and counted denominator, n-vector of 'has a figure')."""
    out = {}
    counted_den = ~table["unit"].isin(POPULATION_UNITS).to_numpy() if "unit" in table else np.ones(len(table), bool)
    for year in YEARS:
        num, den = (pd.to_numeric(table[c], errors="coerce").to_numpy(float) if c in table
                    else np.full(len(table), np.nan) for c in (f"{year}_numerator", f"{year}_denominator"))
        den = np.where(counted_den & ~np.isnan(den), den, 0.0)
        out[year] = (np.column_stack([np.nan_to_num(num), den]), ~np.isnan(num))
    return out


def relations(table: pd.DataFrame, areas: pd.DataFrame, plan: Any = None) -> list[Relation]:
    """Every additive relation between the rows of a results table (positions 0..n-1)."""
    keys = ["measure_id", "window", "period_end", "area_level", "area"]
    t = table.reset_index(drop=True)[[k for k in keys if k in table]]
    additive = _additive(t, plan)
    return _area_relations(t, areas) + _window_relations(t, additive) + _part_relations(t, plan)


def _additive(t: pd.DataFrame, plan: Any) -> set[str]:
    """Measures whose windows add up month by month (all of them when there is no plan)."""
    if plan is None:
        return set(t.measure_id)
    return {m.id for _, m in plan.measures() if m.decomposable and not m.kind.arrives_counted}


def _area_relations(t: pd.DataFrame, areas: pd.DataFrame) -> list[Relation]:
    """Force = its LPAs (+ rows with no district); each LPA = its districts."""
    lpa_of = dict(zip(areas["district"], areas["lpa"])) if not areas.empty else {}
    force: dict[tuple[str, str], int] = {}
    lpas: dict[tuple[str, str], dict[str, int]] = {}
    districts: dict[tuple[str, str, str], list[int]] = {}
    for i, mid, win, level, area in zip(t.index, t.measure_id, t.window, t.area_level, t.area):
        if level == "force":
            force[(mid, win)] = int(i)
        elif level == "lpa":
            lpas.setdefault((mid, win), {})[area] = int(i)
        elif level == "district" and area in lpa_of:
            districts.setdefault((mid, win, lpa_of[area]), []).append(int(i))
    out = []
    for key, by_name in lpas.items():
        if key in force:
            out.append(Relation("area", force[key], tuple(by_name.values())))
        for name, i in by_name.items():
            parts = districts.get((*key, name))
            if parts:
                out.append(Relation("area", i, tuple(parts)))
    return out


def _span(kind: str, period_end: Any) -> tuple[Any, Any] | None:
    try:
        w = window(str(kind), month_start(str(period_end)))
    except (ValueError, TypeError):
        return None
    return w.start, w.last


def _window_relations(t: pd.DataFrame, additive: set[str]) -> list[Relation]:
    """For one measure and area, a longer window = a shorter one inside it + the months between."""
    out: list[Relation] = []
    if "period_end" not in t:
        return out
    sel = t[t.measure_id.isin(additive)]
    for _, g in sel.groupby(["measure_id", "area_level", "area"], sort=False):
        if len(g) < 2:
            continue
        spans = [(int(i), s) for i, k, p in zip(g.index, g.window, g.period_end)
                 if (s := _span(k, p)) is not None]
        for i, (si, li) in spans:
            for j, (sj, lj) in spans:
                inside = sj <= si and li <= lj
                if i != j and inside and ((si, li) != (sj, lj) or i < j):
                    out.append(Relation("window", j, (i,)))
    return out


def _part_relations(t: pd.DataFrame, plan: Any) -> list[Relation]:
    """A total measure = its declared parts (+ what no part counts), in every window and area."""
    if plan is None:
        return []
    splits: dict[tuple[str, str], list[str]] = {}
    for _, m in plan.measures():
        if m.part_of is not None:
            splits.setdefault(m.part_of, []).append(m.id)
    pos = {key: int(i) for i, key in zip(t.index, zip(t.measure_id, t.window, t.area_level, t.area))}
    out = []
    for (total, _), parts in splits.items():
        for (mid, win, level, area), i in pos.items():
            if mid != total:
                continue
            found = [pos.get((p, win, level, area)) for p in parts]
            if found and all(f is not None for f in found):
                out.append(Relation("parts", i, tuple(f for f in found if f is not None)))
    return out
