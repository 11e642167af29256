"""Workforce: one row per person per month end, with joiners, leavers, hours and sickness."""

from __future__ import annotations

from datetime import date

import numpy as np
import pyarrow as pa

from .frame import Frame, day_number, month_end, rng_for
from .ids import format_ids, id_width, labels

STAFF_GROUPS = ("officer", "staff", "pcso", "special", "volunteer")
# headcount at the start and the end of a ramp, with the ramp's dates (officer uplift programme)
HEADCOUNT = (
    (3_000, 3_400, date(2019, 10, 1), date(2023, 3, 31)),
    (1_900, 2_100, date(2017, 4, 1), date(2026, 3, 31)),
    (190, 110, date(2017, 4, 1), date(2024, 3, 31)),
    (340, 270, date(2017, 4, 1), date(2026, 3, 31)),
    (90, 120, date(2017, 4, 1), date(2026, 3, 31)),
)
MONTHLY_LEAVE = np.array([0.0065, 0.0080, 0.0120, 0.0140, 0.0120])  # ~8%/yr turnover overall
P_FULL_TIME = np.array([0.90, 0.72, 0.85, 0.0, 0.0])
PART_TIME_FTE = np.array([0.4, 0.5, 0.6, 0.8])
HOURS_PER_FTE = 160.0
SICK_DAYS_PER_YEAR = np.array([11.0, 9.0, 18.0, 0.0, 0.0])
P_SICK_MONTH = 0.15
WINTER = np.array([1.25, 1.2, 1.05, 0.95, 0.9, 0.85, 0.8, 0.8, 0.9, 1.0, 1.1, 1.2])
P_FEMALE = np.array([[0.32, 0.42], [0.62, 0.62], [0.50, 0.50], [0.33, 0.38], [0.55, 0.55]])  # stock, joiner
P_MINORITY = np.array([0.035, 0.085])  # stock, joiner


def _target(group: int, days: np.ndarray, scale: float) -> np.ndarray:
    """Target headcount of a staff group on each day number."""
    a, b, t0, t1 = HEADCOUNT[group]
    frac = np.clip((days - day_number(t0)) / (day_number(t1) - day_number(t0)), 0.0, 1.0)
    return (a + (b - a) * frac) * scale


def _people(
    rng: np.random.Generator, group: int, month_days: np.ndarray, scale: float
) -> tuple[np.ndarray, np.ndarray]:
    """Join and leave month indices (active in [join, leave)) of everyone in one staff group."""
    months = len(month_days)
    target = np.round(_target(group, month_days, scale)).astype(np.int64)
    h = MONTHLY_LEAVE[group]
    join = [np.zeros(target[0], dtype=np.int64)]
    leave = [rng.geometric(h, size=target[0]).astype(np.int64)]
    leaving = np.bincount(np.minimum(leave[0], months), minlength=months + 1)
    active = target[0]
    for t in range(1, months):  # one vectorised step per month
        active -= leaving[t]
        hires = max(0, int(target[t] - active + rng.integers(-2, 3)))
        if hires:
            lv = t + rng.geometric(h, size=hires).astype(np.int64)
            join.append(np.full(hires, t, dtype=np.int64))
            leave.append(lv)
            leaving += np.bincount(np.minimum(lv, months), minlength=months + 1)
            active += hires
    return np.concatenate(join), np.concatenate(leave)


def workforce_table(frame: Frame, seed: int, scale: float) -> pa.Table:
    """The workforce table, ordered by month end then person."""
    rng = rng_for(seed, "workforce")
    ends = np.array([day_number(month_end(y, m)) for y, m in frame.months], dtype=np.int64)
    months = len(ends)
    joins, leaves, groups = [], [], []
    for g in range(len(STAFF_GROUPS)):
        j, lv = _people(rng, g, ends, scale)
        joins.append(j)
        leaves.append(lv)
        groups.append(np.full(j.size, g))
    join, leave, group = (np.concatenate(x) for x in (joins, leaves, groups))
    order = np.lexsort((group, join))
    join, leave, group = join[order], np.minimum(leave[order], months), group[order]
    p = join.size
    joiner = join > 0
    full = rng.random(p) < P_FULL_TIME[group]
    fte = np.where(full, 1.0, rng.choice(PART_TIME_FTE, size=p))
    fte = np.where(P_FULL_TIME[group] > 0, fte, 0.0)
    female = rng.random(p) < P_FEMALE[group, joiner.astype(np.int64)]
    minority = rng.random(p) < P_MINORITY[joiner.astype(np.int64)]
    proneness = np.exp(rng.normal(-0.125, 0.5, p))

    length = leave - join
    person = np.repeat(np.arange(p), length)
    month = join[person] + np.arange(person.size) - np.repeat(np.cumsum(length) - length, length)
    order = np.lexsort((person, month))
    person, month = person[order], month[order]
    moy = ((np.array([m for _, m in frame.months]) - 1)[month]).astype(np.int64)
    fy_factor = np.exp(rng.normal(0.0, 0.08, months // 12 + 2))[month // 12]
    mean_hours = SICK_DAYS_PER_YEAR[group[person]] * 8.0 / 12.0 * WINTER[moy] / WINTER.mean() * fy_factor
    q = np.minimum(P_SICK_MONTH * proneness[person], 0.9)
    sick = rng.random(person.size) < q
    days = np.minimum(np.ceil(rng.exponential(mean_hours / (8.0 * P_SICK_MONTH))), 21.0)
    contracted = np.round(fte[person] * HOURS_PER_FTE, 1)
    sickness = np.where(sick, np.minimum(days * 8.0 * fte[person], contracted), 0.0)

    return pa.table(
        {
            "person_id": format_ids("P", person + 1, id_width(p, 6)),
            "month_end": pa.array(ends[month].astype(np.int32), pa.date32()),
            "staff_group": labels(STAFF_GROUPS, group[person]),
            "fte": pa.array(fte[person], pa.float64()),
            "contracted_hours": pa.array(contracted, pa.float64()),
            "sickness_hours": pa.array(sickness, pa.float64()),
            "ethnic_minority": pa.array(minority[person]),
            "sex": labels(("M", "F"), female[person].astype(np.int64)),
        }
    )
