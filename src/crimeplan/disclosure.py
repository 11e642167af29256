"""Disclosure control for public editions: small counts withheld, and totals that would reveal them.

Primary suppression withholds any count from 1 to threshold - 1 (zero is shown: it discloses
no one), and every figure computed from such a count.  Secondary suppression then makes sure no
withheld count can be worked out by subtraction: wherever a total is published with its parts
(force = its LPAs, an LPA = its districts), a group that holds exactly one withheld part has its
next smallest part withheld too; this repeats until no group has a single withheld part.
"""

from __future__ import annotations

import pandas as pd

COUNT_UNITS = {"count"}
VALUE_COLUMNS = ["current_value", "previous_value", "current_numerator", "previous_numerator",
                 "current_denominator", "previous_denominator", "change", "pct_change", "pp_change",
                 "ci_low", "ci_high", "previous_ci_low", "previous_ci_high", "p_value"]


def _small(value: object, threshold: int) -> bool:
    return value is not None and not pd.isna(value) and 0 < float(value) < threshold  # type: ignore[arg-type]


def suppress(table: pd.DataFrame, areas: pd.DataFrame, threshold: int = 5) -> pd.DataFrame:
    """The results table with small counts and their revealing neighbours withheld."""
    out = table.copy()
    out["suppressed"] = False
    # primary: any row resting on a count below the threshold (this year or last)
    for col in ("current_numerator", "previous_numerator", "current_denominator", "previous_denominator"):
        if col not in out:
            continue
        small = out[col].map(lambda v: _small(v, threshold))
        out.loc[small, "suppressed"] = True
    lpa_of = dict(zip(areas["district"], areas["lpa"])) if not areas.empty else {}
    keys = ["measure_id", "window"]
    changed = True
    while changed:
        changed = False
        for _, group in out.groupby(keys):
            for members, parent in _groups(group, lpa_of):
                hidden = members[out.loc[members.index, "suppressed"]]
                if len(hidden) != 1 or parent is None or out.loc[parent, "suppressed"].all():
                    continue  # nothing to difference: no single hidden part beside a shown total
                visible = members[~out.loc[members.index, "suppressed"]]
                if visible.empty:
                    continue
                smallest = visible["current_numerator"].fillna(0).astype(float).idxmin()
                out.loc[smallest, "suppressed"] = True
                changed = True
    hide = out["suppressed"]
    for col in VALUE_COLUMNS:
        if col in out:
            out[col] = out[col].astype(object)
            out.loc[hide, col] = None
    for col in ("significant", "direction", "assessment"):
        if col in out:
            out[col] = out[col].astype(object)
            out.loc[hide, col] = None
    return out


def _groups(group: pd.DataFrame, lpa_of: dict[str, str]) -> list[tuple[pd.DataFrame, pd.Index | None]]:
    """(parts, total rows) pairs: the LPAs of the force, and the districts of each LPA."""
    out = []
    force = group[group.area_level == "force"]
    lpas = group[group.area_level == "lpa"]
    if not lpas.empty:
        out.append((lpas, force.index if not force.empty else None))
    districts = group[group.area_level == "district"]
    for lpa_row in lpas.itertuples():
        parts = districts[districts.area.map(lambda d: lpa_of.get(d) == lpa_row.area)]
        if not parts.empty:
            out.append((parts, pd.Index([lpa_row.Index])))
    return out
