"""A national plan (`national: true`): every force in the store, and each force in its Most Similar Group.

The engine scans each source once by district and month, as for one force. Here the areas are
regrouped so that the comparison's middle level is the force (each district's LPA becomes its
force), and the whole store is the top level: the year-on-year comparison then gives every
force's figures in the same pass that gives LPAs for one force. The export's rows are relabelled
(`national` for the whole store, `force` for each force, `district` as before) and each force's
row gets its MSG position from `compare.peers.peer_comparison`, among the forces its
`msg_member` rows (the aggregates table) name. docs/scaling.md describes the layout.
"""

from __future__ import annotations

import dataclasses
from collections import defaultdict
from typing import Any

import pandas as pd

from crimeplan.compare.peers import peer_comparison
from crimeplan.contract.schema import MSG_MEMBER
from crimeplan.engine.series import SeriesSet
from crimeplan.errors import BadInput
from crimeplan.plans.model import Measure, Plan
from crimeplan.store import StoreLike

ALL_FORCES = "England and Wales"  # the whole store's name when it holds all 43 forces
NATIONAL_LEVEL = "national"
NATIONAL_COLUMNS = ["msg_position", "msg_size", "msg_average", "msg_quartile", "change_to_msg_average",
                    "change_to_top_quartile", "msg_significance", "msg_unit", "msg_value", "msg_period_end",
                    "msg_forces"]


def national_name(forces: int) -> str:
    """What the whole store is called in the export: England and Wales, or `N forces`."""
    return ALL_FORCES if forces == 43 else f"{forces} forces"


def by_force(series: SeriesSet, plan: Plan) -> SeriesSet:
    """The series with forces in the LPA level's place and the whole store at the top."""
    for _, m in plan.measures():
        if not m.decomposable:
            raise BadInput(f"measure {m.id!r}: a national plan's measures must add up month by month "
                           f"(a count, proportion, mean, sum or severity score), not {m.aggregation}",
                           field="--plan")
    areas = series.areas
    if areas.empty:
        raise BadInput("a national plan needs the areas table (district, lpa, force) in the store",
                       field="--plan")
    regrouped = areas.assign(lpa=areas["force"], force=national_name(areas["force"].nunique()))
    return dataclasses.replace(series, areas=regrouped)


def msg_groups(store: StoreLike, series: SeriesSet) -> dict[str, list[str]]:
    """Each force's MSG (itself first) from the aggregates table's msg_member rows; without any,
    every force in the store is one group."""
    forces = sorted(set(series.areas["lpa"]))
    agg = store.tables(series.snapshot_id).get("aggregates")
    rows = pd.DataFrame(columns=["area", "note", "value"])
    if agg is not None:
        rows = agg.filter(agg.measure_id == MSG_MEMBER).select("area", "note", "value").to_pandas()
    if rows.empty:
        return {f: [f, *[g for g in forces if g != f]] for f in forces}
    groups: dict[str, list[str]] = defaultdict(list)
    for rec in rows.sort_values(["area", "value", "note"]).to_dict("records"):
        groups[str(rec["area"])].append(str(rec["note"]))
    return {f: [f, *[g for g in groups.get(f, []) if g != f]] for f in forces}


def _peer_unit(m: Measure) -> str:
    """The unit peer_comparison ranks in: a rate or percentage with its counts, else plain values."""
    return m.unit or "value"


def _position(m: Measure, home: str, group: list[str], rows: dict[str, Any]) -> dict[str, Any]:
    """The home force's MSG columns for one measure and window, from its members' rows."""
    values, counts = {}, {}
    for force in group:
        r = rows.get(force)
        if r is None or pd.isna(r["current_value"]):
            continue
        values[force] = float(r["current_value"])
        num, den = r["current_numerator"], r["current_denominator"]
        if m.unit in ("rate_per_1000", "percent") and pd.notna(num) and pd.notna(den):
            counts[force] = (float(num), float(den))
    if home not in values or m.unit == "count":  # forces differ in size: counts are not ranked
        return {}
    result = peer_comparison(home, values, m.polarity, unit=_peer_unit(m), counts=counts or None)
    return {
        "msg_position": result.position, "msg_size": result.size, "msg_average": result.average,
        "msg_quartile": result.quartile, "change_to_msg_average": result.change_to_average,
        "change_to_top_quartile": result.change_to_top_quartile, "msg_significance": result.significance,
        "msg_unit": _peer_unit(m), "msg_value": result.home_value,
        "msg_period_end": rows[home]["period_end"], "msg_forces": "; ".join(v.force for v in result.values),
    }


def positions(table: pd.DataFrame, store: StoreLike, series: SeriesSet, plan: Plan) -> pd.DataFrame:
    """The export relabelled (national, force, district) with each force's MSG columns."""
    level = table["area_level"].map({"force": NATIONAL_LEVEL, "lpa": "force"})
    table = table.assign(area_level=level.fillna(table["area_level"]))
    for col in NATIONAL_COLUMNS:
        table[col] = pd.Series([None] * len(table), index=table.index, dtype=object)
    groups = msg_groups(store, series)
    forces = table[table.area_level == "force"]
    for (measure_id, _window), rows in forces.groupby(["measure_id", "window"], sort=False):
        m = plan.measure(str(measure_id))
        by_force = {str(r["area"]): r for r in rows.to_dict("records")}
        for index, area in zip(rows.index, rows.area):
            for col, value in _position(m, str(area), groups.get(str(area), [str(area)]), by_force).items():
                table.at[index, col] = value
    for col in ("msg_position", "msg_size", "msg_quartile"):  # whole numbers, empty where not ranked
        table[col] = pd.array(table[col].tolist(), dtype="Int64")
    for col in ("msg_average", "change_to_msg_average", "change_to_top_quartile", "msg_value"):
        table[col] = pd.to_numeric(table[col]).astype("float64")
    return table
