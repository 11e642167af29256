"""Victims and offenders: pseudonymous people reused across crimes (repeats, prolific offenders)."""

from __future__ import annotations

import numpy as np

from .ids import find_roots, link_repeats, number_people

P_REPEAT_DOMESTIC = 0.20  # chance a domestic-abuse crime's victim had a DA crime in the last year
P_REPEAT_OTHER = 0.018  # chance another victim-based crime's victim had any crime in the last year
P_SAME_DA_OFFENDER = 0.8  # repeat DA victim: chance the suspect is the earlier crime's offender
OFFENDER_TAIL = 1.6  # Pareto tail index of crimes per offender (smaller = more prolific minority)
MAX_CRIMES_PER_OFFENDER = 200


def assign_victims(
    rng: np.random.Generator, day: np.ndarray, has_victim: np.ndarray, domestic: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Victim number per crime (0 = none) and each row's first-crime row (its chain root)."""
    n = len(day)
    parent = np.arange(n, dtype=np.int64)
    u = rng.random(n)
    da_pool = has_victim & domestic
    link_repeats(rng, day, da_pool & (u < P_REPEAT_DOMESTIC), da_pool, parent)
    link_repeats(rng, day, has_victim & ~domestic & (u < P_REPEAT_OTHER), has_victim, parent)
    root = find_roots(parent)
    return number_people(root, has_victim), root


def _crimes_per_offender(rng: np.random.Generator, total: int) -> np.ndarray:
    """Heavy-tailed crimes-per-offender counts that sum exactly to total."""
    if total == 0:
        return np.zeros(0, dtype=np.int64)
    k = 1 + np.floor(rng.pareto(OFFENDER_TAIL, size=total)).astype(np.int64)
    k = np.minimum(k, MAX_CRIMES_PER_OFFENDER)
    csum = np.cumsum(k)
    m = int(np.searchsorted(csum, total)) + 1
    k = k[:m].copy()
    k[-1] -= int(csum[m - 1] - total)
    return k


def assign_offenders(
    rng: np.random.Generator,
    day: np.ndarray,
    suspect: np.ndarray,
    domestic: np.ndarray,
    victim_root: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """Offender number (0 = none) and offender age per crime; an offender's age grows with date.

    Each offender gets a number of crimes and a career (a span of the history); career slots are
    sorted and matched in order to the suspect crimes sorted by date.
    """
    n = len(day)
    idx = np.flatnonzero(suspect)
    k = _crimes_per_offender(rng, idx.size)
    m = k.size
    span = np.clip(0.05 * k**0.6 * np.exp(rng.normal(0.0, 0.6, m)), 0.003, 1.0)
    u0 = rng.uniform(-span, 1.0)
    lo, hi = np.maximum(u0, 0.0), np.minimum(u0 + span, 1.0)
    owner = np.repeat(np.arange(m), k)
    slot_u = lo[owner] + (hi - lo)[owner] * rng.random(owner.size)
    offender = np.full(n, -1, dtype=np.int64)
    offender[idx] = owner[np.argsort(slot_u, kind="stable")]

    # a repeat domestic-abuse victim is mostly harmed again by the same suspect
    linked = suspect & domestic & (victim_root != np.arange(n)) & suspect[victim_root]
    linked &= rng.random(n) < P_SAME_DA_OFFENDER
    offender[linked] = offender[victim_root[linked]]

    # number offenders by first appearance; ages from a birth date fixed at the first crime
    has = offender >= 0
    has_rows = np.flatnonzero(has)
    first_row_of = np.full(m, n, dtype=np.int64)
    ids, first = np.unique(offender[has], return_index=True)
    first_row_of[ids] = has_rows[first]
    used = first_row_of < n
    order = np.argsort(first_row_of[used], kind="stable")
    number = np.zeros(m, dtype=np.int64)
    number[np.flatnonzero(used)[order]] = np.arange(1, order.size + 1)
    history_years = (day[-1] - day[0]) / 365.25 if n else 0.0
    oldest_start = max(10.0, min(70.0, 79.0 - history_years))  # nobody older than 80
    age_first = np.clip(10.0 + np.exp(rng.normal(np.log(15.5), 0.6, m)), 10.0, oldest_start)
    birth = np.zeros(m)
    birth[used] = day[first_row_of[used]] - (np.floor(age_first[used]) + rng.random(used.sum())) * 365.25
    out = np.zeros(n, dtype=np.int64)
    age = np.zeros(n, dtype=np.int16)
    out[has] = number[offender[has]]
    age[has] = np.floor((day[has] - birth[offender[has]]) / 365.25).astype(np.int16)
    return out, age
