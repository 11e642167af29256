"""Recorded crimes: volumes by day and group, offence codes, flags, then people and outcomes."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date

import numpy as np
import pyarrow as pa

from . import geography as geo
from . import offences as off
from .frame import Frame, calendar, day_number, rng_for
from .ids import format_ids, id_width, labels
from .outcomes import assign_outcomes
from .people import assign_offenders, assign_victims
from .volumes import SEASON_CRIME, WEEKDAY_CRIME, WEEKDAY_NTE, categorical, daily_rate, draw_days

BASE_CRIMES_PER_YEAR = 106_000  # at the start of history, before the stalking recording change
STALKING_CHANGE = date(2018, 4, 1)
STALKING_UPLIFT = 1.40
NTE_INITIATIVE_EFFECT = 0.88  # NTE crime level after the NTE operation starts


@dataclass
class CrimeArrays:
    """Column arrays of every crime, in recorded-date order (0 = missing for ids and outcomes)."""

    day: np.ndarray
    group: np.ndarray
    code: np.ndarray
    district: np.ndarray
    domestic: np.ndarray
    hate: np.ndarray
    rural: np.ndarray
    nte: np.ndarray
    business: np.ndarray
    victim: np.ndarray
    offender: np.ndarray
    offender_age: np.ndarray
    outcome_type: np.ndarray
    outcome_day: np.ndarray

    def __len__(self) -> int:
        return len(self.day)


def crime_rates(frame: Frame, scale: float, nte_initiative: date) -> np.ndarray:
    """Expected crimes per day, shape (n_days, 2 x groups): non-NTE columns then NTE columns."""
    cal = calendar(frame)
    n_groups = len(off.GROUPS)
    lam = np.empty((frame.n_days, 2 * n_groups))
    step = np.where(cal.day >= day_number(STALKING_CHANGE), STALKING_UPLIFT, 1.0)
    after_nte = np.where(cal.day >= day_number(nte_initiative), NTE_INITIATIVE_EFFECT, 1.0)
    for g in range(n_groups):  # loop over 22 groups, vectorised over days
        annual = BASE_CRIMES_PER_YEAR * scale * off.SHARE[g]
        base = daily_rate(cal, annual, off.GROWTH[g], SEASON_CRIME, WEEKDAY_CRIME)
        nte = daily_rate(cal, annual, off.GROWTH[g], SEASON_CRIME, WEEKDAY_NTE)
        if off.GROUP_KEYS[g] == "stalking_harassment":
            base, nte = base * step, nte * step
        lam[:, g] = base * (1.0 - off.P_NTE[g])
        lam[:, n_groups + g] = nte * off.P_NTE[g] * after_nte
    return lam


def _codes(rng: np.random.Generator, group: np.ndarray) -> np.ndarray:
    """Offence code index (into ALL_CODES) of each crime, drawn within its group."""
    n_groups = len(off.GROUPS)
    width = max(len(off.OFFENCE_CODES[k]) for k in off.GROUP_KEYS)
    probs = np.zeros((n_groups, width))
    first = np.zeros(n_groups, dtype=np.int64)
    pos = 0
    for g, key in enumerate(off.GROUP_KEYS):
        w = np.array([x for _, x in off.OFFENCE_CODES[key]])
        probs[g, : len(w)] = w / w.sum()
        first[g] = pos
        pos += len(w)
    return first[group] + categorical(rng, probs, group)


def simulate_crimes(frame: Frame, seed: int, scale: float, nte_initiative: date) -> CrimeArrays:
    """Every crime of the history as column arrays (vectorised)."""
    rng = rng_for(seed, "crimes")
    n_groups = len(off.GROUPS)
    day, col = draw_days(rng, crime_rates(frame, scale, nte_initiative), frame.start_day)
    n = len(day)
    nte = col >= n_groups
    group = (col % n_groups).astype(np.int16)
    code = _codes(rng, group).astype(np.int16)

    w_all = geo.crime_weights()
    w_nte = w_all * (1.0 - geo.RURAL_SHARE)
    district = np.where(
        nte,
        rng.choice(len(w_nte), size=n, p=w_nte / w_nte.sum()),
        rng.choice(len(w_all), size=n, p=w_all),
    ).astype(np.int8)
    rural = ~nte & (rng.random(n) < geo.RURAL_SHARE[district])
    p_da = np.minimum(off.P_DOMESTIC / np.maximum(1.0 - off.P_NTE, 1e-9), 1.0)
    domestic = ~nte & (rng.random(n) < p_da[group])
    hate = off.IS_HATE_CODE[code] | (rng.random(n) < off.P_HATE_OTHER[group])
    business = ~domestic & (rng.random(n) < off.P_BUSINESS[group])

    has_victim = off.VICTIM_BASED[group] & ~business
    victim, root = assign_victims(rng, day, has_victim, domestic)
    p_suspect = np.where(domestic, off.P_SUSPECT_DOMESTIC, off.P_SUSPECT[group])
    suspect = rng.random(n) < p_suspect
    offender, age = assign_offenders(rng, day, suspect, domestic, root)
    outcome_type, outcome_day = assign_outcomes(rng, frame, day, group, domestic, suspect, age)
    return CrimeArrays(
        day=day, group=group, code=code, district=district, domestic=domestic, hate=hate,
        rural=rural, nte=nte, business=business, victim=victim, offender=offender,
        offender_age=age, outcome_type=outcome_type, outcome_day=outcome_day,
    )


def crime_chunks(crimes: CrimeArrays, frame: Frame, fy_bounds: np.ndarray) -> Iterator[pa.Table]:
    """Arrow tables of the crimes table, one per financial year (bounds are day numbers)."""
    n = len(crimes)
    id_w = id_width(n, 8)
    v_w = id_width(int(crimes.victim.max(initial=0)), 7)
    o_w = id_width(int(crimes.offender.max(initial=0)), 7)
    cuts = np.searchsorted(crimes.day, fy_bounds)
    for a, b in itertools.pairwise(cuts):
        if b <= a:
            continue
        s = slice(a, b)
        has_off = crimes.offender[s] > 0
        has_out = crimes.outcome_type[s] > 0
        yield pa.table(
            {
                "crime_id": format_ids("C", np.arange(a + 1, b + 1), id_w),
                "recorded_date": pa.array(crimes.day[s].astype(np.int32), pa.date32()),
                "offence_code": labels(off.ALL_CODES, crimes.code[s]),
                "offence_group": labels(off.GROUP_NAMES, crimes.group[s]),
                "district": labels(geo.DISTRICT_NAMES, crimes.district[s]),
                "domestic_abuse": pa.array(crimes.domestic[s]),
                "hate": pa.array(crimes.hate[s]),
                "rural": pa.array(crimes.rural[s]),
                "night_time_economy": pa.array(crimes.nte[s]),
                "business": pa.array(crimes.business[s]),
                "victim_id": format_ids("V", crimes.victim[s], v_w, crimes.victim[s] > 0),
                "offender_id": format_ids("O", crimes.offender[s], o_w, has_off),
                "offender_age": pa.array(crimes.offender_age[s].astype(np.int64), pa.int64(), mask=~has_off),
                "outcome_type": pa.array(crimes.outcome_type[s].astype(np.int64), pa.int64(), mask=~has_out),
                "outcome_date": pa.array(crimes.outcome_day[s].astype(np.int32), pa.date32(), mask=~has_out),
            }
        )
