"""The Most Similar Group table: each compared measure's latest period against the peers."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pandas as pd

from crimeplan.compare.peers import (
    describe_aspiration,
    evaluate_aspiration,
    parse_aspiration,
    peer_comparison,
    position_change,
    position_text,
)
from crimeplan.compare.significance import NOT_TESTED
from crimeplan.compare.values import direction_of, frame_rows
from crimeplan.engine.series import SeriesSet
from crimeplan.plans.model import MSGMeasure, Plan

MSG_COLUMNS = [
    "measure_id", "label", "priority", "period_end", "unit", "polarity", "decimals", "home_value",
    "previous_year_value", "msg_position", "msg_position_text", "msg_size", "msg_average",
    "msg_quartile", "change_to_msg_average", "change_to_top_quartile", "change_unit",
    "msg_significance", "small_numbers", "aspiration", "aspiration_met", "previous_position",
    "position_change", "sparkline", "home_numerator", "home_population", "commentary", "forces",
    "notes",
]

NO_PEERS = "No peers to compare"
# a group of one is not ranked: no position, quartile, change required, test or aspiration
ALONE_BLANK = ["msg_position", "msg_quartile", "change_to_msg_average", "change_to_top_quartile",
               "msg_significance", "previous_position", "position_change", "aspiration_met"]

EXPORT_COLUMNS = ["msg_position", "msg_size", "msg_average", "msg_quartile", "change_to_msg_average",
                  "change_to_top_quartile", "msg_significance", "aspiration", "aspiration_met",
                  "position_change"]


def _compare_at(mm: MSGMeasure, rows: pd.DataFrame, home: str, average: str) -> Any:
    tuples = frame_rows(rows)
    values = {r.force: float(r.value) for r in tuples if pd.notna(r.value)}
    if home not in values:
        return None
    counts: dict[str, Any] = {}
    for r in tuples:
        if pd.isna(r.numerator):
            continue
        if mm.unit == "percent" and pd.notna(r.denominator):
            counts[r.force] = (float(r.numerator), float(r.denominator))
        elif mm.unit == "rate_per_1000" and pd.notna(r.population):
            counts[r.force] = (float(r.numerator), float(r.population))
    pops = {r.force: float(r.population) for r in tuples if pd.notna(r.population)}
    try:
        return peer_comparison(home, values, mm.polarity, population=pops or None, unit=mm.unit,
                               counts=counts or None, average=average)
    except ValueError:
        if average == "weighted":  # a member lacks counts: fall back to the plain mean
            return peer_comparison(home, values, mm.polarity, population=pops or None, unit=mm.unit,
                                   counts=counts or None, average="mean")
        raise


def msg_table(series: SeriesSet, plan: Plan) -> pd.DataFrame:
    """One row per compared measure: position, average, quartile, change required, aspiration."""
    if plan.msg is None:
        return pd.DataFrame(columns=MSG_COLUMNS)
    home = plan.msg.home
    peers = series.peers
    out: list[dict[str, Any]] = []
    for mm in plan.msg.measures:
        mine = peers[peers.measure_id == mm.id] if not peers.empty else peers
        periods = sorted(set(mine[mine.force == home].period_end)) if not mine.empty else []
        aspiration = parse_aspiration(mm.aspiration) if mm.aspiration else None
        base = {"measure_id": mm.id, "label": mm.label, "priority": mm.priority, "unit": mm.unit,
                "polarity": mm.polarity, "decimals": mm.decimals, "commentary": mm.commentary,
                "aspiration": describe_aspiration(aspiration)}
        if not periods:
            out.append({**base, "aspiration_met": None, "period_end": None})
            continue
        latest = periods[-1]
        result = _compare_at(mm, mine[mine.period_end == latest], home, plan.msg.average)
        if result is None:  # the home force's figure is not available for the latest period
            out.append({**base, "aspiration_met": None, "period_end": None})
            continue
        previous = None
        if len(periods) > 1:
            previous = _compare_at(mm, mine[mine.period_end == periods[-2]], home, plan.msg.average)
            if previous is not None and previous.size < 2:  # was not ranked then
                previous = None
        year_ago = [p for p in periods if p <= _minus_year(latest)]
        home_rows = mine[mine.force == home].set_index("period_end")
        last_row = home_rows.loc[latest]
        alone = result.size < 2  # no peer has a figure: nothing to rank against
        out.append({
            **base,
            "period_end": latest,
            "home_value": result.home_value,
            "previous_year_value": (float(home_rows.loc[year_ago[-1]].value)
                                    if year_ago and _minus_year(latest) == year_ago[-1] else None),
            "msg_position": result.position,
            "msg_position_text": position_text(result, rank_by_value=mm.rank_by_value),
            "msg_size": result.size,
            "msg_average": result.average,
            "msg_quartile": result.quartile,
            "change_to_msg_average": result.change_to_average,
            "change_to_top_quartile": result.change_to_top_quartile,
            "change_unit": result.change_unit,
            "msg_significance": result.significance,
            "small_numbers": result.small_numbers,
            "aspiration_met": evaluate_aspiration(aspiration, result) if aspiration else "no aspiration",
            "previous_position": previous.position if previous else None,
            "position_change": position_change(previous.position, result.position) if previous else None,
            "sparkline": [float(home_rows.loc[p].value) for p in periods[-12:]],
            "home_numerator": float(last_row.numerator) if pd.notna(last_row.numerator) else None,
            "home_population": float(last_row.population) if pd.notna(last_row.population) else None,
            "forces": [(m.force, m.value, m.position) for m in result.values],
            "notes": _notes(mine[mine.period_end == latest], home),
        })
        if alone:
            out[-1].update({k: None for k in ALONE_BLANK})
            out[-1]["msg_position_text"] = NO_PEERS
    return pd.DataFrame(out, columns=MSG_COLUMNS)


def _notes(rows: pd.DataFrame, home: str) -> list[str]:
    """The source's footnotes on the MSG forces' figures for one period, each once, home first."""
    if "note" not in rows:
        return []
    out: dict[str, None] = {}
    for text in rows.assign(_away=rows.force != home).sort_values(["_away", "force"]).note:
        for line in (text.splitlines() if isinstance(text, str) else []):
            if line.strip():
                out.setdefault(line.strip(), None)
    return list(out)


def _minus_year(day: dt.date) -> dt.date:
    try:
        return day.replace(year=day.year - 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year - 1, day=28)


def attach_msg(table: pd.DataFrame, msg: pd.DataFrame, force_name: str) -> pd.DataFrame:
    """Add the msg_* columns to the export: on the measure's force 12m row, or a row of its own."""
    table = table.copy()
    for col in [*EXPORT_COLUMNS, "msg_unit", "msg_value", "msg_period_end"]:
        if col not in table:
            table[col] = None
    extra = []
    for rec in msg.to_dict("records"):
        if rec.get("period_end") is None:
            continue
        values = {c: rec[c] for c in EXPORT_COLUMNS}
        values.update({"msg_unit": rec["unit"], "msg_value": rec["home_value"],
                       "msg_period_end": rec["period_end"].strftime("%Y-%m")})
        hit = (table.measure_id == rec["measure_id"]) & (table.area_level == "force") & (table.window == "12m")
        if hit.any():
            for col, v in values.items():
                table.loc[hit, col] = v
            continue
        prev = rec.get("previous_year_value")
        cur = rec["home_value"]
        change = None if prev is None else cur - prev
        extra.append({
            "measure_id": rec["measure_id"], "label": rec["label"], "area_level": "force",
            "area": force_name, "window": "12m", "period_end": rec["period_end"].strftime("%Y-%m"),
            "current_value": cur, "previous_value": prev, "change": change,
            "pct_change": (100 * change / prev) if change is not None and prev and rec["unit"] != "percent" else None,
            "pp_change": change if change is not None and rec["unit"] == "percent" else None,
            "unit": rec["unit"] if rec["unit"] != "value" else "mean", "polarity": rec["polarity"],
            "direction": direction_of(rec["polarity"], rec["decimals"], prev, cur),
            "comparable": prev is not None, "suppressed": False, "decimals": rec["decimals"],
            "status": "peers", "note": "from the peers table (Most Similar Group comparison)",
            "test": (NOT_TESTED + "a figure from the peers table, without the counts behind it")
            if prev is not None else None,
            "current_numerator": rec["home_numerator"], "current_denominator": rec["home_population"],
            **values,
        })
    if extra:
        table = pd.concat([table, pd.DataFrame(extra)], ignore_index=True)
    return table
