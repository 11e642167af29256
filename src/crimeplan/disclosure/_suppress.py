"""Primary and secondary suppression of a results table (see the package docstring)."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from crimeplan.disclosure._exact import determined
from crimeplan.disclosure._relations import YEARS, Relation, figures, relations, remainder_known

EPS = 1e-9
# every figure of a withheld row: its counts, the values made from them and whatever is derived
# from both years (change, % change, the test, intervals, better/worse)
VALUE_COLUMNS = ["current_value", "previous_value", "current_numerator", "previous_numerator",
                 "current_denominator", "previous_denominator", "change", "pct_change", "pp_change",
                 "ci_low", "ci_high", "previous_ci_low", "previous_ci_high", "p_value",
                 "current_sd", "previous_sd"]
LABEL_COLUMNS = ("significant", "direction", "assessment")


def small(values: Any, threshold: int) -> bool:
    """True when any figure is a count from 1 to threshold - 1 (zero discloses no one)."""
    v = np.asarray(values, dtype=float)
    return bool(np.any((v > EPS) & (v < threshold - EPS)))


def primary_by_year(table: pd.DataFrame, threshold: int) -> dict[str, np.ndarray]:
    """Per year: the rows whose count (numerator or denominator) that year is below the threshold."""
    out = {}
    for year in YEARS:
        hide = np.zeros(len(table), dtype=bool)
        for col in (f"{year}_numerator", f"{year}_denominator"):
            if col in table:
                v = pd.to_numeric(table[col], errors="coerce").to_numpy(float)
                hide |= (v > EPS) & (v < threshold - EPS)
        out[year] = hide
    return out


def primary(table: pd.DataFrame, threshold: int) -> np.ndarray:
    """Rows resting on a count below the threshold, this year or last."""
    by_year = primary_by_year(table, threshold)
    return by_year["current"] | by_year["previous"]


def pinned_rows(table: pd.DataFrame, plan: Any) -> set[int]:
    """Force rows of the measures charted and narrated: their figures can be summed from the chart."""
    if plan is None:
        return set()
    charted = {m.id for _, m in plan.measures()
               if m.headline and m.decomposable and (m.is_percent or m.kind.row_count)}
    t = table.reset_index(drop=True)
    return {int(i) for i in t.index[t.measure_id.isin(charted) & (t.area_level == "force")]}


def violation(rel: Relation, vals: np.ndarray, present: np.ndarray, hidden: np.ndarray,
              threshold: int) -> bool:
    """True when the printed members of a relation give back a withheld or small figure."""
    if not present[list(rel.members)].all():
        return False  # a member is not computed: nobody can use the relation
    parts = list(rel.parts)
    rest = vals[rel.total] - vals[parts].sum(axis=0)
    rest_known = remainder_known(rel, rest, threshold)
    unknown = [m for m in rel.members if hidden[m]]
    n_unknown = len(unknown) + (0 if rest_known else 1)
    if n_unknown == 0:
        return False
    if n_unknown == 1:
        return bool(unknown) or small(rest, threshold)
    if hidden[rel.total]:
        return False
    shown = [p for p in parts if not hidden[p]]
    together = vals[rel.total] - vals[shown].sum(axis=0)  # what the withheld members add up to
    if rest_known:
        together = together - rest
    return small(together, threshold)


def pick(rel: Relation, vals: np.ndarray, hidden: np.ndarray, pinned: set[int] | frozenset[int],
         withheld: np.ndarray | None = None) -> int | None:
    """The member to withhold next: a part already withheld for the other year (it costs nothing),
    else the smallest non-zero shown part, else the total."""
    withheld = hidden if withheld is None else withheld
    shown = [p for p in rel.parts if not hidden[p]]
    if shown:
        return min(shown, key=lambda p: (p in pinned, not withheld[p], vals[p][0] <= EPS, vals[p][0], vals[p][1], p))
    return None if hidden[rel.total] else rel.total


def secondary(table: pd.DataFrame, rels: list[Relation], hidden: np.ndarray | dict[str, np.ndarray],
              threshold: int, pinned: frozenset[int] | set[int] = frozenset()) -> np.ndarray:
    """Withhold more rows until no relation, alone or combined, gives a withheld figure back.

    `hidden` says which rows are withheld for each year's sake (one array: for both).  A row
    withheld only for last year's small count is, this year, as good as printed: nothing this
    year needs protecting in it, and a reader who works it out learns no small count.
    """
    by_year = {y: (hidden[y] if isinstance(hidden, dict) else hidden).copy() for y in YEARS}
    figs = figures(table)

    def withhold(year: str, rel: Relation) -> bool:
        withheld = by_year["current"] | by_year["previous"]
        row = pick(rel, figs[year][0], by_year[year], pinned, withheld)
        if row is None:
            return False
        by_year[year][row] = True
        return True

    while True:
        changed = True
        while changed:  # single relations, to a fixed point
            changed = False
            for rel in rels:
                for year in YEARS:
                    vals, present = figs[year]
                    if violation(rel, vals, present, by_year[year], threshold):
                        changed = withhold(year, rel) or changed
        # relations combined: a small figure solved from several relations at once
        more = False
        for year, rel in determined(figs, rels, by_year, threshold):
            more = withhold(year, rel) or more
        if not more:
            return by_year["current"] | by_year["previous"]


def suppress(table: pd.DataFrame, areas: pd.DataFrame, threshold: int = 5, plan: Any = None) -> pd.DataFrame:
    """The results table with small counts, and every figure that would give one back, withheld."""
    out = table.reset_index(drop=True).copy()
    hide = secondary(out, relations(out, areas, plan), primary_by_year(out, threshold), threshold,
                     pinned_rows(out, plan))
    out["suppressed"] = hide
    for col in VALUE_COLUMNS:
        if col in out:
            out[col] = out[col].astype(object)
            out.loc[hide, col] = None
    for col in LABEL_COLUMNS:
        if col in out:
            out[col] = out[col].astype(object)
            out.loc[hide, col] = None
    out.index = table.index
    return out
