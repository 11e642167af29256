"""Home Office outcome types and outcome dates; crimes whose outcome falls after the extract stay open."""

from __future__ import annotations

import numpy as np

from . import offences as off
from .frame import Frame
from .volumes import categorical

SOLVED_TYPES = (1, 2, 3, 4, 6, 7, 8)
# solved outcome columns: charge/summons, caution, TIC, PND, cannabis/khat warning, community resolution
_SOLVED_COLUMNS = np.array([1, 3, 4, 6, 7, 8])
_SOLVED_PROFILES = np.array(
    [
        [0.55, 0.10, 0.03, 0.03, 0.00, 0.29],  # general
        [0.22, 0.08, 0.00, 0.03, 0.37, 0.30],  # possession of drugs
        [0.93, 0.05, 0.02, 0.00, 0.00, 0.00],  # serious offences
        [0.82, 0.13, 0.00, 0.00, 0.00, 0.05],  # domestic abuse
        [0.50, 0.08, 0.08, 0.08, 0.00, 0.26],  # shoplifting
    ]
)
_SERIOUS = ("homicide", "death_serious_injury_driving", "rape", "drug_trafficking",
            "robbery_business", "robbery_personal", "possession_of_weapons")
# named suspect but not solved
_SUSPECT_TYPES = np.array([15, 16, 21, 20, 22, 17, 10, 9, 5, 13, 12])
_SUSPECT_PROBS = np.array([0.42, 0.40, 0.03, 0.04, 0.03, 0.02, 0.02, 0.01, 0.005, 0.01, 0.005])
# no suspect identified
_NO_SUSPECT_TYPES = np.array([18, 14])
_NO_SUSPECT_PROBS = np.array([0.82, 0.18])
# lognormal lag in days: (median, sigma) for no suspect, solved, suspect unsolved
_LAGS = {"none": (14.0, 1.0), "solved": (35.0, 1.3), "suspect": (75.0, 1.1)}
_SLOW_GROUPS = {"rape": 3.0, "other_sexual_offences": 2.5, "homicide": 4.0,
                "death_serious_injury_driving": 3.0, "drug_trafficking": 2.0}


def _profile(group: np.ndarray, domestic: np.ndarray) -> np.ndarray:
    """Solved-outcome profile index of each crime."""
    gi = off.GROUP_INDEX
    by_group = np.zeros(len(off.GROUPS), dtype=np.int64)
    by_group[gi["possession_of_drugs"]] = 1
    for k in _SERIOUS:
        by_group[gi[k]] = 2
    by_group[gi["shoplifting"]] = 4
    return np.where(domestic, 3, by_group[group])


def assign_outcomes(
    rng: np.random.Generator,
    frame: Frame,
    day: np.ndarray,
    group: np.ndarray,
    domestic: np.ndarray,
    suspect: np.ndarray,
    offender_age: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """Outcome type (0 = still open) and outcome day number for every crime."""
    n = len(day)
    p_solved = np.where(domestic, off.P_SOLVED_DOMESTIC, off.P_SOLVED_GIVEN_SUSPECT[group])
    solved = suspect & (rng.random(n) < p_solved)
    kind = np.where(solved, 1, np.where(suspect, 2, 0))

    otype = np.empty(n, dtype=np.int16)
    s_rows = np.flatnonzero(solved)
    pick = categorical(rng, _SOLVED_PROFILES, _profile(group[s_rows], domestic[s_rows]))
    t = _SOLVED_COLUMNS[pick]
    t = np.where((t == 3) & (offender_age[s_rows] < 18), 2, t)  # youth caution
    otype[s_rows] = t
    u_rows = np.flatnonzero(kind == 2)
    otype[u_rows] = rng.choice(_SUSPECT_TYPES, size=u_rows.size, p=_SUSPECT_PROBS / _SUSPECT_PROBS.sum())
    n_rows = np.flatnonzero(kind == 0)
    otype[n_rows] = rng.choice(_NO_SUSPECT_TYPES, size=n_rows.size, p=_NO_SUSPECT_PROBS)

    med = np.array([_LAGS["none"][0], _LAGS["solved"][0], _LAGS["suspect"][0]])[kind]
    sig = np.array([_LAGS["none"][1], _LAGS["solved"][1], _LAGS["suspect"][1]])[kind]
    slow = np.ones(len(off.GROUPS))
    for k, f in _SLOW_GROUPS.items():
        slow[off.GROUP_INDEX[k]] = f
    lag = np.floor(med * slow[group] * np.exp(sig * rng.standard_normal(n))).astype(np.int64)
    outcome_day = day + lag
    still_open = outcome_day > frame.end_day
    otype[still_open] = 0
    outcome_day[still_open] = 0
    return otype, outcome_day
