"""Expected daily volumes (trend x season x weekday) and vectorised draws of events in time."""

from __future__ import annotations

import numpy as np

from .frame import SECONDS_PER_DAY, Calendar

# Month-of-year multipliers (Jan..Dec): summer peak ~+10%, February trough.
SEASON_CRIME = np.array([0.95, 0.89, 0.97, 0.98, 1.03, 1.07, 1.10, 1.08, 1.02, 1.02, 0.97, 0.92])
SEASON_ASB = np.array([0.82, 0.80, 0.90, 1.00, 1.08, 1.15, 1.25, 1.22, 1.02, 1.00, 0.92, 0.84])
SEASON_FLAT = np.ones(12)
SEASON_ROADS = np.array([1.00, 0.92, 0.95, 0.95, 1.00, 1.02, 1.04, 1.00, 1.02, 1.06, 1.06, 0.98])

# Weekday multipliers (Mon..Sun).
WEEKDAY_CRIME = np.array([1.04, 1.00, 1.00, 1.00, 1.06, 1.00, 0.90])
WEEKDAY_NTE = np.array([0.30, 0.30, 0.40, 0.60, 1.80, 2.40, 1.20])
WEEKDAY_FLAT = np.ones(7)
WEEKDAY_OFFICE = np.array([1.15, 1.10, 1.10, 1.10, 1.05, 0.75, 0.75])

# Hour-of-day weights (0..23).
HOURS_GENERAL = np.array(
    [3, 2.5, 2, 1.5, 1.2, 1.2, 1.8, 2.6, 3.6, 4.2, 4.6, 4.8,
     5.0, 5.0, 5.1, 5.4, 5.8, 6.0, 6.0, 5.8, 5.4, 5.0, 4.4, 3.6]
)
HOURS_EVENING = np.array(
    [3.5, 3, 2.4, 1.6, 1.0, 0.8, 1.0, 1.6, 2.4, 3, 3.4, 3.8,
     4.2, 4.4, 4.8, 5.6, 6.4, 7.0, 7.4, 7.6, 7.4, 6.8, 5.8, 4.6]
)
HOURS_OFFICE = np.array(
    [0.6, 0.4, 0.3, 0.3, 0.3, 0.5, 1.2, 3, 6, 8, 8.5, 8.5,
     8, 8, 8, 7.5, 7, 6, 4.5, 3.5, 2.8, 2.2, 1.6, 1.0]
)
HOURS_NIGHT = np.array(
    [9, 8, 6, 4, 2, 1, 0.6, 0.5, 0.5, 0.5, 0.6, 0.8,
     1, 1, 1, 1.2, 1.5, 2, 2.5, 3.5, 4.5, 6, 7.5, 8.5]
)


def daily_rate(
    cal: Calendar,
    annual: float,
    growth: float,
    season: np.ndarray = SEASON_CRIME,
    weekday: np.ndarray = WEEKDAY_FLAT,
) -> np.ndarray:
    """Expected count per day for a series of `annual` a year at start growing by `growth` a year."""
    s = season / season.mean()
    w = weekday / weekday.mean()
    return annual / 365.25 * (1.0 + growth) ** cal.years * s[cal.month_of_year - 1] * w[cal.weekday]


def draw_days(
    rng: np.random.Generator, lam: np.ndarray, first_day: int, shuffle: bool = True
) -> tuple[np.ndarray, np.ndarray]:
    """Poisson-draw events from an (n_days, k) rate matrix; return (day, column) in day order.

    With shuffle, events within a day are in random order (else grouped by column).
    """
    lam = lam[:, None] if lam.ndim == 1 else lam
    counts = rng.poisson(lam)
    flat = counts.ravel()
    cells = np.repeat(np.arange(flat.size, dtype=np.int64), flat)
    day_idx, col = np.divmod(cells, lam.shape[1])
    if not shuffle:
        return day_idx + first_day, col
    order = np.argsort(day_idx + rng.random(cells.size))  # random order within each day
    return day_idx[order] + first_day, col[order]


def draw_seconds(rng: np.random.Generator, n: int, hours: np.ndarray) -> np.ndarray:
    """Second-of-day (0..86399) for n events following hour-of-day weights."""
    p = hours / hours.sum()
    hour = rng.choice(24, size=n, p=p)
    return hour * 3600 + rng.integers(0, 3600, size=n)


def timestamps(rng: np.random.Generator, day: np.ndarray, hours: np.ndarray) -> np.ndarray:
    """Epoch seconds for events on the given day numbers, following hour-of-day weights."""
    return np.asarray(day, dtype=np.int64) * SECONDS_PER_DAY + draw_seconds(rng, len(day), hours)


def categorical(rng: np.random.Generator, probs: np.ndarray, profile: np.ndarray) -> np.ndarray:
    """Draw one category per row where row i uses probability row probs[profile[i]]."""
    cum = np.cumsum(probs / probs.sum(axis=1, keepdims=True), axis=1)
    cum[:, -1] = 1.0
    u = rng.random(len(profile))
    out = np.zeros(len(profile), dtype=np.int64)
    for k in range(cum.shape[1] - 1):  # loop over categories, not rows
        out += u > cum[profile, k]
    return out
