"""Which withheld figures the printed ones pin down exactly, using every relation at once.

Single relations with two unknowns can still combine into one that has a single unknown (two
groups of withheld cells joined by one cell).  Linear algebra finds all of them: the withheld
rows of a year are the unknowns, each relation whose remainder is nothing is an equation, and an
unknown is determined when no change of the unknowns that keeps every equation leaves it moving
(its entry in every null-space vector is zero).
"""

from __future__ import annotations

import numpy as np

from crimeplan.disclosure._relations import YEARS, Relation, remainder_known

EPS = 1e-9


def _small(v: np.ndarray, threshold: int) -> bool:
    return bool(np.any((v > EPS) & (v < threshold - EPS)))


def solved_rows(rels: list[Relation], hidden: np.ndarray, vals: np.ndarray, present: np.ndarray,
                wanted: set[int] | None = None, threshold: int = 5) -> set[int]:
    """The withheld rows that the shown rows and exact relations determine (one year's figures);
    only among the groups of relations holding a `wanted` row, when given."""
    equations: list[Relation] = []
    for rel in rels:
        members = list(rel.members)
        if not present[members].all() or not hidden[members].any():
            continue
        rest = vals[rel.total] - vals[list(rel.parts)].sum(axis=0)
        if remainder_known(rel, rest, threshold):
            equations.append(rel)
    if not equations:
        return set()
    unknowns = sorted({m for rel in equations for m in rel.members if hidden[m]})
    col = {m: j for j, m in enumerate(unknowns)}
    parent = list(range(len(unknowns)))

    def find(a: int) -> int:
        while parent[a] != a:
            parent[a] = parent[parent[a]]
            a = parent[a]
        return a

    for rel in equations:
        cols = [col[m] for m in rel.members if hidden[m]]
        for c in cols[1:]:
            parent[find(c)] = find(cols[0])
    groups: dict[int, list[Relation]] = {}
    for rel in equations:
        first = next(col[m] for m in rel.members if hidden[m])
        groups.setdefault(find(first), []).append(rel)
    out: set[int] = set()
    for eqs in groups.values():
        rows = sorted({m for rel in eqs for m in rel.members if hidden[m]})
        if wanted is not None and wanted.isdisjoint(rows):
            continue
        local = {m: j for j, m in enumerate(rows)}
        a = np.zeros((len(eqs), len(rows)))
        for i, rel in enumerate(eqs):
            if hidden[rel.total]:
                a[i, local[rel.total]] += 1.0
            for p in rel.parts:
                if hidden[p]:
                    a[i, local[p]] -= 1.0
        # the null space of A is that of AᵀA: eigenvectors with eigenvalue (near) zero
        eigenvalues, vectors = np.linalg.eigh(a.T @ a)
        null = vectors[:, eigenvalues < 1e-9].T
        for m, j in local.items():
            if null.shape[0] == 0 or np.max(np.abs(null[:, j])) < 1e-8:
                out.add(m)
    return out


def determined(figs: dict[str, tuple[np.ndarray, np.ndarray]], rels: list[Relation],
               hidden_by_year: dict[str, np.ndarray], threshold: int) -> list[tuple[str, Relation]]:
    """(year, relation to widen) for each small figure the relations together give back."""
    leaks: list[tuple[str, Relation]] = []
    for year in YEARS:
        vals, present = figs[year]
        hidden = hidden_by_year[year]
        wanted = {int(i) for i in np.flatnonzero(hidden) if _small(vals[i], threshold)}
        for rel in rels:
            rest = vals[rel.total] - vals[list(rel.parts)].sum(axis=0)
            if _small(rest, threshold):
                wanted |= {m for m in rel.members if hidden[m]}
        solved = solved_rows(rels, hidden, vals, present, wanted, threshold)
        for row in sorted(solved):
            if not _small(vals[row], threshold):
                continue
            around = [r for r in rels if row in r.members and present[list(r.members)].all()]
            around.sort(key=lambda r: (not any(not hidden[p] for p in r.parts), r.kind))
            if around:
                leaks.append((year, around[0]))
        for rel in rels:  # a small remainder worked out once its withheld members are solved
            members = list(rel.members)
            if not present[members].all() or not hidden[members].any():
                continue
            if all(m in solved for m in members if hidden[m]):
                rest = vals[rel.total] - vals[list(rel.parts)].sum(axis=0)
                if _small(rest, threshold):
                    leaks.append((year, rel))
    return leaks
