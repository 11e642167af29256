"""Most Similar Group peers: the home force's own 12-month figures plus seven invented forces."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pyarrow as pa

from . import offences as off
from .frame import Frame, day_number, month_end, month_index_of, rng_for
from .geography import FORCE_NAME, FORCE_POPULATION
from .outcomes import SOLVED_TYPES

if TYPE_CHECKING:
    from .crimes import CrimeArrays

PEER_FORCES: tuple[tuple[str, int], ...] = (
    ("Avonmere Police", 1_120_000),
    ("Cheviot Constabulary", 1_480_000),
    ("Dunmore Police", 1_870_000),
    ("Fenwick Constabulary", 1_310_000),
    ("Greywater Police", 1_740_000),
    ("Highmoor Constabulary", 1_040_000),
    ("Lowland Vale Police", 1_590_000),
)
COUNT_MEASURES = ("all_crime", "victim_based_crime", "violence_with_injury", "residential_burglary",
                  "asb_incidents", "ksi_all")
MEASURES = (*COUNT_MEASURES, "solved_rate")


def monthly_counts(frame: Frame, day: np.ndarray, mask: np.ndarray | None = None) -> np.ndarray:
    """Count of rows per month of the history (optionally only rows where mask is true)."""
    idx = month_index_of(frame, day if mask is None else day[mask])
    return np.bincount(idx, minlength=len(frame.months))[: len(frame.months)].astype(np.int64)


def home_monthly(
    frame: Frame, crimes: CrimeArrays, asb_day: np.ndarray, ksi_day: np.ndarray
) -> dict[str, np.ndarray]:
    """Monthly counts behind each peer measure for the home force (solved keyed as 'solved')."""
    g = crimes.group
    return {
        "all_crime": monthly_counts(frame, crimes.day),
        "victim_based_crime": monthly_counts(frame, crimes.day, off.VICTIM_BASED[g]),
        "violence_with_injury": monthly_counts(frame, crimes.day, g == off.GROUP_INDEX["violence_with_injury"]),
        "residential_burglary": monthly_counts(frame, crimes.day, g == off.GROUP_INDEX["residential_burglary"]),
        "asb_incidents": monthly_counts(frame, asb_day),
        "ksi_all": monthly_counts(frame, ksi_day),
        "solved": monthly_counts(frame, crimes.day, np.isin(crimes.outcome_type, SOLVED_TYPES)),
        "solved_by_month": _solved_by_month(frame, crimes),
    }


def _solved_by_month(frame: Frame, crimes: CrimeArrays) -> np.ndarray:
    """Solved crimes by recorded month (rows) and outcome month (columns)."""
    n = len(frame.months)
    solved = np.isin(crimes.outcome_type, SOLVED_TYPES)
    rec = month_index_of(frame, crimes.day[solved])
    out = np.minimum(month_index_of(frame, crimes.outcome_day[solved]), n - 1)
    matrix = np.zeros((n, n), dtype=np.int64)
    np.add.at(matrix, (rec, out), 1)
    return matrix


def _solved_as_published(matrix: np.ndarray, q_idx: np.ndarray) -> np.ndarray:
    """Each period's solved count as published at its end: crimes of its 12 months with an
    outcome by then, so every period (and every force) is compared at the same age."""
    return np.array([matrix[k - 11: k + 1, : k + 1].sum() for k in q_idx], dtype=np.int64)


def peers_table(frame: Frame, seed: int, monthly: dict[str, np.ndarray]) -> pa.Table:
    """The peers table: 12 months ending each quarter end, home force (exact) and seven peers."""
    rng = rng_for(seed, "peers")
    q_idx = np.array([k for k, (_, m) in enumerate(frame.months) if m % 3 == 0 and k >= 11], dtype=np.int64)
    ends = [month_end(*frame.months[k]) for k in q_idx]
    roll = {k: np.convolve(v, np.ones(12, dtype=np.int64))[11 : len(v)] for k, v in monthly.items()
            if k != "solved_by_month"}
    home = {k: v[q_idx - 11] for k, v in roll.items()}
    if "solved_by_month" in monthly:
        home["solved"] = _solved_as_published(monthly["solved_by_month"], q_idx)
    years = np.array([(day_number(e) - frame.start_day) / 365.25 for e in ends])
    cols: dict[str, list] = {c: [] for c in ("force", "measure_id", "period_end", "numerator",
                                              "denominator", "population", "value")}

    def add(
        force: str, measure: str, num: np.ndarray, den: np.ndarray, pop: np.ndarray, value: np.ndarray
    ) -> None:
        """Append one force-measure series (one value per quarter end)."""
        cols["force"] += [force] * len(ends)
        cols["measure_id"] += [measure] * len(ends)
        cols["period_end"] += ends
        cols["numerator"] += num.tolist()
        cols["denominator"] += den.tolist()
        cols["population"] += pop.tolist()
        cols["value"] += value.tolist()

    forces = [(FORCE_NAME, FORCE_POPULATION), *list(PEER_FORCES)]
    n_q = len(ends)
    for f, (force, pop0) in enumerate(forces):
        pop = np.full(n_q, pop0, dtype=np.int64) if f == 0 else np.round(pop0 * 1.006**years).astype(np.int64)
        crime_num = home["all_crime"]
        for measure in MEASURES:
            base_num = home["solved"] if measure == "solved_rate" else home[measure]
            base_den = home["all_crime"] if measure == "solved_rate" else np.full(n_q, FORCE_POPULATION)
            rate = base_num / np.maximum(base_den, 1)
            if f > 0:
                level = rng.uniform(0.78, 1.22)
                drift = rng.uniform(-0.012, 0.012)
                ratio = np.clip(level * (1 + drift) ** years * np.exp(rng.normal(0, 0.02, n_q)), 0.7, 1.3)
                rate = rate * ratio
            if measure == "solved_rate":
                den = crime_num
                num = home["solved"] if f == 0 else np.round(rate * den).astype(np.int64)
                add(force, measure, num, den, pop, 100.0 * num / np.maximum(den, 1))
            else:
                num = base_num if f == 0 else np.round(rate * pop).astype(np.int64)
                if measure == "all_crime":
                    crime_num = num
                add(force, measure, num, pop, pop, 1000.0 * num / pop)
    order = sorted(range(len(cols["force"])), key=lambda i: (MEASURES.index(cols["measure_id"][i]),
                                                              cols["period_end"][i], i))
    return pa.table(
        {
            "force": pa.array([cols["force"][i] for i in order], pa.string()),
            "measure_id": pa.array([cols["measure_id"][i] for i in order], pa.string()),
            "period_end": pa.array([cols["period_end"][i] for i in order], pa.date32()),
            "numerator": pa.array([int(cols["numerator"][i]) for i in order], pa.int64()),
            "denominator": pa.array([int(cols["denominator"][i]) for i in order], pa.int64()),
            "population": pa.array([int(cols["population"][i]) for i in order], pa.int64()),
            "value": pa.array([float(cols["value"][i]) for i in order], pa.float64()),
            "note": pa.nulls(len(order), pa.string()),  # invented figures carry no source notes
        }
    )

