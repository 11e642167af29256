"""Calls for service by channel, with answer times and abandonment (generated a year at a time)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import numpy as np
import pyarrow as pa

from .frame import Frame, calendar, day_number, rng_for
from .ids import format_ids, id_width, labels
from .volumes import (
    HOURS_EVENING,
    HOURS_GENERAL,
    HOURS_OFFICE,
    SEASON_CRIME,
    SEASON_FLAT,
    WEEKDAY_CRIME,
    WEEKDAY_OFFICE,
    daily_rate,
    draw_days,
    timestamps,
)

CHANNELS = ("999", "101", "online", "live_chat")
ANNUAL = np.array([240_000, 215_000, 22_000, 6_000])
GROWTH = np.array([0.02, -0.02, 0.15, 0.25])
HOURS = (HOURS_EVENING, HOURS_GENERAL, HOURS_OFFICE, HOURS_OFFICE)
MEDIAN_999_S = 5.0  # lognormal answer time for 999, sigma below: ~87% answered within 10 s
SIGMA_999 = 0.65
MEAN_101_RANGE = (10.0, 55.0)  # the year's mean 101 answer time is drawn from this range
ONLINE_MEDIAN_S, LIVE_CHAT_MEDIAN_S = 7_200.0, 90.0


def call_rates(frame: Frame, scale: float, live_chat_start: date) -> np.ndarray:
    """Expected calls per day, shape (n_days, channels)."""
    cal = calendar(frame)
    weekday = (WEEKDAY_CRIME, WEEKDAY_CRIME, WEEKDAY_OFFICE, WEEKDAY_OFFICE)
    season = (SEASON_CRIME, SEASON_CRIME, SEASON_FLAT, SEASON_FLAT)
    lam = np.column_stack(
        [daily_rate(cal, ANNUAL[c] * scale, GROWTH[c], season[c], weekday[c])
         for c in range(len(CHANNELS))]
    )
    lam[cal.day < day_number(live_chat_start), 3] = 0.0
    return lam


def _answer_seconds(
    rng: np.random.Generator, channel: np.ndarray, fy_params: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Answer time in seconds and the abandoned flag of each call."""
    med_999, mean_101, ab_999 = fy_params
    n = len(channel)
    z = rng.standard_normal(n)
    secs = np.empty(n)
    c0, c1, c2, c3 = (channel == k for k in range(4))
    secs[c0] = med_999 * np.exp(SIGMA_999 * z[c0])
    secs[c1] = rng.gamma(0.8, mean_101 / 0.8, size=int(c1.sum()))
    secs[c2] = ONLINE_MEDIAN_S * np.exp(1.0 * z[c2])
    secs[c3] = LIVE_CHAT_MEDIAN_S * np.exp(0.8 * z[c3])
    p_abandon = np.select(
        [c0, c1, c3], [ab_999, min(0.04 + 0.0011 * mean_101, 0.10), 0.08], default=0.0
    )
    abandoned = rng.random(n) < p_abandon
    return np.maximum(np.round(secs), 1).astype(np.int64), abandoned


def call_chunks(
    frame: Frame, seed: int, scale: float, live_chat_start: date, fy_bounds: np.ndarray
) -> Iterator[pa.Table]:
    """Arrow tables of the calls table, one per financial year."""
    lam = call_rates(frame, scale, live_chat_start)
    expected_total = float(lam.sum()) * 1.05 + 10
    id_w = id_width(int(expected_total), 8)
    params_rng = rng_for(seed, "calls", "params")
    n_fy = len(fy_bounds) - 1
    params = np.column_stack(
        [
            MEDIAN_999_S * np.exp(params_rng.normal(0.0, 0.08, n_fy)),
            params_rng.uniform(*MEAN_101_RANGE, n_fy),
            params_rng.uniform(0.01, 0.02, n_fy),
        ]
    )
    next_id = 1
    for k in range(n_fy):
        lo = max(int(fy_bounds[k]), frame.start_day) - frame.start_day
        hi = min(int(fy_bounds[k + 1]), frame.end_day + 1) - frame.start_day
        if hi <= lo:
            continue
        rng = rng_for(seed, "calls", k)
        day, channel = draw_days(rng, lam[lo:hi], frame.start_day + lo, shuffle=False)
        received = np.empty(len(day), dtype=np.int64)
        for c in range(len(CHANNELS)):
            rows = np.flatnonzero(channel == c)
            received[rows] = timestamps(rng, day[rows], HOURS[c])
        order = np.argsort(received, kind="stable")
        received, channel = received[order], channel[order]
        secs, abandoned = _answer_seconds(rng, channel, params[k])
        n = len(day)
        yield pa.table(
            {
                "call_id": format_ids("K", np.arange(next_id, next_id + n), id_w),
                "received_at": pa.array(received, pa.timestamp("s")),
                "channel": labels(CHANNELS, channel),
                "answered_after_s": pa.array(secs, pa.int64(), mask=abandoned),
                "abandoned": pa.array(abandoned),
            }
        )
        next_id += n
