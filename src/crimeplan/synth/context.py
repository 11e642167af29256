"""Context tables: events that explain series, and figures that arrive already counted (aggregates)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

import numpy as np
import pyarrow as pa

from .frame import Frame, add_months, day_number, month_end, rng_for
from .geography import FORCE_NAME

STALKING_EVENT = (
    date(2018, 4, 1),
    "stalking_harassment;all_crime;victim_based_crime",
    "recording_change",
    "Changes to crime recording rules for stalking and harassment",
)
CAD_SCOPE = ("emergency_response_within_standard", "emergency_calls_within_10s", "switchboard_wait_s")
CSEW_LAG_MONTHS = 6  # CSEW figures arrive about six months in arrears


def events_table(frame: Frame, nte_initiative: date, cad_note: date) -> pa.Table:
    """The events table: the stalking recording change, an NTE initiative and a systems note."""
    rows = [
        STALKING_EVENT,
        (nte_initiative, "nte_crimes", "initiative",
         "Operation Nightsafe: night-time economy patrols and licensed-premises visits in the main towns"),
        (cad_note, ";".join(CAD_SCOPE), "note",
         "New command-and-control system went live; incident and call times are recorded by the new system"),
    ]
    rows = sorted(r for r in rows if r[0] <= frame.extract)
    return pa.table(
        {
            "date": pa.array([r[0] for r in rows], pa.date32()),
            "scope": pa.array([r[1] for r in rows], pa.string()),
            "kind": pa.array([r[2] for r in rows], pa.string()),
            "description": pa.array([r[3] for r in rows], pa.string()),
        }
    )


def _rows(
    measure: str, starts: list[date], ends: list[date], num: Sequence[Any] | np.ndarray,
    den: Sequence[Any] | np.ndarray, val: Sequence[Any] | np.ndarray, source: str, note: str,
) -> dict[str, list[Any]]:
    """Column lists of one aggregate measure's rows for the force."""
    n = len(ends)
    return {
        "measure_id": [measure] * n, "area": [FORCE_NAME] * n, "period_start": starts,
        "period_end": ends, "numerator": list(num), "denominator": list(den), "value": list(val),
        "source": [source] * n, "note": [note] * n,
    }


def aggregates_table(frame: Frame, seed: int) -> pa.Table:
    """The aggregates table: CSEW confidence, drug tests, Class A supply prosecutions, savings."""
    rng = rng_for(seed, "aggregates")
    parts = []

    lag_y, lag_m = add_months(frame.extract.year, frame.extract.month, -CSEW_LAG_MONTHS)
    q_ends = [q for q in frame.quarter_ends() if q <= month_end(lag_y, lag_m)]
    q_starts = [date(*add_months(q.year, q.month, -11), 1) for q in q_ends]
    keep = [i for i, s in enumerate(q_starts) if s >= frame.start]
    q_ends, q_starts = [q_ends[i] for i in keep], [q_starts[i] for i in keep]
    yrs = np.array([frame.years_since_start(day_number(q)) for q in q_ends])
    den = np.round(rng.normal(700, 25, len(q_ends))).astype(np.int64)
    p = np.clip(0.57 - 0.004 * yrs + rng.normal(0, 0.01, len(q_ends)), 0.3, 0.8)
    num = rng.binomial(den, p)
    parts.append(_rows("csew_confidence", q_starts, q_ends, num, den, 100.0 * num / np.maximum(den, 1),
                       "Crime Survey for England and Wales (ONS)",
                       "% agreeing the police and local council are dealing with the ASB and crime issues "
                       "that matter in this area; 12 months ending period_end"))

    m_starts = [date(y, m, 1) for y, m in frame.months]
    m_ends = [month_end(y, m) for y, m in frame.months]
    tests = rng.poisson(340, len(m_ends))
    pos = rng.binomial(tests, np.clip(0.50 + rng.normal(0, 0.02, len(m_ends)), 0.2, 0.8))
    parts.append(_rows("drug_test_positive", m_starts, m_ends, pos, tests, 100.0 * pos / np.maximum(tests, 1),
                       "Drug testing on arrest (custody)",
                       "% of drug tests on arrest positive for cocaine and/or opiates"))
    pros = rng.poisson(22, len(m_ends))
    parts.append(_rows("class_a_supply_prosecutions", m_starts, m_ends, pros, [None] * len(m_ends),
                       pros.astype(float), "Crown Prosecution Service",
                       "Prosecutions for supply of Class A drugs in the month"))

    fy_starts = [date(y, 4, 1) for y in range(frame.start.year, frame.extract.year + 1)]
    fy_starts = [s for s in fy_starts if date(s.year + 1, 3, 31) <= frame.extract]
    savings = np.round(rng.uniform(2.5, 9.0, len(fy_starts)), 1)
    parts.append(_rows("savings_gbp_m", fy_starts, [date(s.year + 1, 3, 31) for s in fy_starts],
                       [None] * len(fy_starts), [None] * len(fy_starts), savings,
                       "Force finance (statement of accounts)",
                       "Savings delivered in the financial year, GBP million"))

    cols = {k: [v for part in parts for v in part[k]] for k in parts[0]}
    for k in ("numerator", "denominator"):
        cols[k] = [None if v is None else int(v) for v in cols[k]]
    cols["value"] = [float(v) for v in cols["value"]]
    return pa.table(
        {
            "measure_id": pa.array(cols["measure_id"], pa.string()),
            "area": pa.array(cols["area"], pa.string()),
            "period_start": pa.array(cols["period_start"], pa.date32()),
            "period_end": pa.array(cols["period_end"], pa.date32()),
            "numerator": pa.array(cols["numerator"], pa.int64()),
            "denominator": pa.array(cols["denominator"], pa.int64()),
            "value": pa.array(cols["value"], pa.float64()),
            "source": pa.array(cols["source"], pa.string()),
            "note": pa.array(cols["note"], pa.string()),
        }
    )


def financial_year_bounds(frame: Frame) -> np.ndarray:
    """Day numbers of 1 April for each financial year of the frame, plus one past the last."""
    years = range(frame.start.year, frame.extract.year + 2)
    return np.array([day_number(date(y, 4, 1)) for y in years], dtype=np.int64)

