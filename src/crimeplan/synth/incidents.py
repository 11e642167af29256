"""Command-and-control incidents: categories, grades, response (attendance) times, flags, victims."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np
import pyarrow as pa

from . import geography as geo
from .frame import Frame, calendar, rng_for
from .ids import find_roots, format_ids, id_width, labels, link_repeats, number_people
from .volumes import (
    HOURS_EVENING,
    HOURS_GENERAL,
    HOURS_OFFICE,
    SEASON_ASB,
    SEASON_CRIME,
    SEASON_FLAT,
    SEASON_ROADS,
    WEEKDAY_CRIME,
    categorical,
    daily_rate,
    draw_days,
    timestamps,
)

CATEGORIES = ("asb", "domestic", "crime", "public_safety", "transport", "other")
ANNUAL = np.array([55_000, 29_000, 68_000, 48_000, 21_000, 14_000])
GROWTH = np.array([-0.03, 0.01, 0.01, 0.02, -0.01, 0.0])
SEASONS = (SEASON_ASB, SEASON_CRIME, SEASON_CRIME, SEASON_CRIME, SEASON_ROADS, SEASON_FLAT)
HOURS = (HOURS_EVENING, HOURS_EVENING, HOURS_GENERAL, HOURS_GENERAL, HOURS_OFFICE, HOURS_OFFICE)
GRADE_PROBS = np.array(
    [
        [0.05, 0.35, 0.45, 0.15],
        [0.25, 0.55, 0.15, 0.05],
        [0.12, 0.40, 0.35, 0.13],
        [0.18, 0.45, 0.27, 0.10],
        [0.12, 0.40, 0.38, 0.10],
        [0.03, 0.17, 0.45, 0.35],
    ]
)
P_ATTEND = np.array([1.0, 0.85, 0.45, 0.10])  # by grade 1..4
# lognormal response minutes (median, sigma); grade 1 split urban / rural
G1_MEDIAN_URBAN, G1_MEDIAN_RURAL, G1_SIGMA = 9.5, 12.5, 0.6
OTHER_GRADES = {2: (40.0, 0.9), 3: (240.0, 1.0), 4: (1800.0, 0.8)}
P_ALCOHOL = np.array([0.20, 0.30, 0.15, 0.10, 0.05, 0.05])
P_DRUGS = np.array([0.08, 0.10, 0.08, 0.05, 0.02, 0.02])
P_MENTAL_HEALTH = np.array([0.06, 0.10, 0.05, 0.35, 0.05, 0.08])
P_VICTIM = np.array([0.30, 1.0, 0.0, 0.0, 0.0, 0.0])
P_REPEAT = np.array([0.12, 0.28, 0.0, 0.0, 0.0, 0.0])
RURAL_UPLIFT = 2.0  # response-area rurality is wider than residential rurality


@dataclass
class IncidentSkeleton:
    """Day, category, district and victim number of every incident, in day order."""

    day: np.ndarray
    category: np.ndarray
    district: np.ndarray
    victim: np.ndarray


def simulate_skeleton(frame: Frame, seed: int, scale: float) -> IncidentSkeleton:
    """Days, categories, districts and (repeat) victims of all incidents."""
    rng = rng_for(seed, "incidents")
    cal = calendar(frame)
    lam = np.column_stack(
        [daily_rate(cal, ANNUAL[c] * scale, GROWTH[c], SEASONS[c], WEEKDAY_CRIME)
         for c in range(len(CATEGORIES))]
    )
    day, cat = draw_days(rng, lam, frame.start_day, shuffle=False)
    n = len(day)
    district = rng.choice(len(geo.DISTRICTS), size=n, p=geo.crime_weights()).astype(np.int8)
    u = rng.random(n)
    has_victim = rng.random(n) < P_VICTIM[cat]
    parent = np.arange(n, dtype=np.int64)
    for c in np.flatnonzero(P_REPEAT > 0):
        pool = has_victim & (cat == c)
        link_repeats(rng, day, pool & (u < P_REPEAT[c]), pool, parent)
    victim = number_people(find_roots(parent), has_victim)
    return IncidentSkeleton(day, cat.astype(np.int8), district, victim)


def _response_seconds(
    rng: np.random.Generator, grade: np.ndarray, urban: np.ndarray, year_factor: float
) -> np.ndarray:
    """Seconds from opening to attendance, by grade (and urban/rural for grade 1)."""
    n = len(grade)
    med = np.empty(n)
    sig = np.empty(n)
    g1 = grade == 1
    med[g1] = np.where(urban[g1], G1_MEDIAN_URBAN, G1_MEDIAN_RURAL) * year_factor
    sig[g1] = G1_SIGMA
    for g, (m, s) in OTHER_GRADES.items():
        med[grade == g], sig[grade == g] = m, s
    minutes = med * np.exp(sig * rng.standard_normal(n))
    return np.maximum(np.round(minutes * 60), 30).astype(np.int64)


def incident_chunks(
    sk: IncidentSkeleton, frame: Frame, seed: int, fy_bounds: np.ndarray
) -> Iterator[pa.Table]:
    """Arrow tables of the incidents table, one per financial year."""
    id_w = id_width(len(sk.day), 8)
    v_w = id_width(int(sk.victim.max(initial=0)), 7)
    cuts = np.searchsorted(sk.day, fy_bounds)
    for k, (a, b) in enumerate(itertools.pairwise(cuts)):
        if b <= a:
            continue
        rng = rng_for(seed, "incidents", k)
        cat = sk.category[a:b].astype(np.int64)
        opened = np.empty(b - a, dtype=np.int64)
        for c in range(len(CATEGORIES)):
            rows = np.flatnonzero(cat == c)
            opened[rows] = timestamps(rng, sk.day[a:b][rows], HOURS[c])
        order = np.argsort(opened, kind="stable")
        opened, cat = opened[order], cat[order]
        district = sk.district[a:b][order]
        victim = sk.victim[a:b][order]
        n = b - a
        grade = categorical(rng, GRADE_PROBS, cat) + 1
        rural_p = np.minimum(geo.RURAL_SHARE[district] * RURAL_UPLIFT, 0.95)
        urban = rng.random(n) >= rural_p
        attended = rng.random(n) < P_ATTEND[grade - 1]
        year_factor = float(np.exp(rng.normal(0.0, 0.025)))
        attended_at = opened + _response_seconds(rng, grade, urban, year_factor)
        attended &= attended_at <= frame.end_second
        night = ((opened // 3600) % 24 >= 20) | ((opened // 3600) % 24 < 4)
        alcohol = rng.random(n) < P_ALCOHOL[cat] * np.where(night, 1.8, 0.8)
        yield pa.table(
            {
                "incident_id": format_ids("I", np.arange(a + 1, b + 1), id_w),
                "opened_at": pa.array(opened, pa.timestamp("s")),
                "category": labels(CATEGORIES, cat),
                "district": labels(geo.DISTRICT_NAMES, district),
                "grade": pa.array(grade.astype(np.int64), pa.int64()),
                "urban": pa.array(urban),
                "attended_at": pa.array(attended_at, pa.timestamp("s"), mask=~attended),
                "alcohol": pa.array(alcohol),
                "drugs": pa.array(rng.random(n) < P_DRUGS[cat]),
                "mental_health": pa.array(rng.random(n) < P_MENTAL_HEALTH[cat]),
                "victim_id": format_ids("VI", victim, v_w, victim > 0),
            }
        )
