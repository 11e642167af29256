"""The reader who differences: what the printed figures of a public edition give back.

Given the figures a public edition prints (the rows of its results table not withheld) and the
relations between them, the reader subtracts: a relation with one unknown member gives it
back, and every figure won is used again in the other relations until nothing more comes.
Where a relation's remainder is nothing (KSI = fatal + serious; an LPA = its districts), or is
the records with no district and not a small count, the reader is assumed to know it — the
pessimistic reader (`remainder_known`).  A remainder
that is not nothing is worked out when every member is known, and withheld members whose total
is known are worked out as a group.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from crimeplan.disclosure._relations import YEARS, Relation, figures, remainder_known

EPS = 1e-9


@dataclass(frozen=True)
class Recovery:
    """A figure worked out by subtraction: a withheld row, a remainder, or a group of withheld rows."""

    kind: str  # "row", "remainder" or "group"
    year: str
    rows: tuple[int, ...]  # the row (kind row), or the withheld rows of the group
    relation: Relation | None
    values: tuple[float, float]  # numerator and (counted) denominator


def exact_relations(table: pd.DataFrame, rels: list[Relation], threshold: int = 5
                    ) -> dict[tuple[int, str], np.ndarray]:
    """The remainders a reader is taken to know, by (relation index, year), from the full table."""
    figs = figures(table.reset_index(drop=True))
    out = {}
    for i, rel in enumerate(rels):
        for year in YEARS:
            vals, present = figs[year]
            if present[list(rel.members)].all():
                rest = vals[rel.total] - vals[list(rel.parts)].sum(axis=0)
                if remainder_known(rel, rest, threshold):
                    out[(i, year)] = rest
    return out


def attack(public: pd.DataFrame, rels: list[Relation], exact: dict[tuple[int, str], np.ndarray]
           ) -> list[Recovery]:
    """Everything a reader can work out from a public table's printed figures by subtraction."""
    figs = figures(public.reset_index(drop=True))
    found: list[Recovery] = []
    for year in YEARS:
        vals, present = figs[year]
        known = {int(i): vals[i].copy() for i in np.flatnonzero(present)}
        done: set[tuple[str, int]] = set()
        changed = True
        while changed:
            changed = False
            for i, rel in enumerate(rels):
                unknown = [m for m in rel.members if m not in known]
                is_exact = (i, year) in exact
                if is_exact and len(unknown) == 1:
                    m = unknown[0]
                    others = sum((known[p] for p in rel.parts if p != m), np.zeros(2)) + exact[(i, year)]
                    value = others if m == rel.total else known[rel.total] - others
                    known[m] = value
                    found.append(Recovery("row", year, (m,), rel, (float(value[0]), float(value[1]))))
                    changed = True
                elif not unknown and not is_exact and ("remainder", i) not in done:
                    value = known[rel.total] - sum((known[p] for p in rel.parts), np.zeros(2))
                    done.add(("remainder", i))
                    found.append(Recovery("remainder", year, (), rel, (float(value[0]), float(value[1]))))
                elif is_exact and len(unknown) > 1 and rel.total not in unknown and ("group", i) not in done:
                    value = (known[rel.total] - sum((known[p] for p in rel.parts if p in known), np.zeros(2))
                             - exact[(i, year)])
                    done.add(("group", i))
                    found.append(Recovery("group", year, tuple(unknown), rel,
                                          (float(value[0]), float(value[1]))))
    return found
