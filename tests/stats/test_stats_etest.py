"""Poisson E-test against statsmodels' test_poisson_2indep(method="etest")."""

import os
import time
import warnings

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scipy import stats
from statsmodels.stats import rates

from crimeplan.stats import compare_counts

# Random examples locally; the same fixed examples in CI so a run is reproducible.
PROPERTY = settings(
    max_examples=150, deadline=None, derandomize=bool(os.environ.get("CI")),
    suppress_health_check=[HealthCheck.too_slow],
)

counts = st.integers(0, 400)
exposures = st.one_of(st.just(1.0), st.floats(0.1, 10.0))


def reference(previous: int, current: int, e_prev: float, e_curr: float) -> float:
    """Return statsmodels' E-test p-value (current as group 1)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return float(rates.test_poisson_2indep(current, e_curr, previous, e_prev, method="etest").pvalue)


@PROPERTY
@given(previous=counts, current=counts, e_prev=exposures, e_curr=exposures)
def test_matches_statsmodels(previous: int, current: int, e_prev: float, e_curr: float) -> None:
    got = compare_counts(previous, current, e_prev, e_curr)
    # both sum an infinite Poisson grid over a truncated range: tiny p-values (about 1e-6) agree
    # to a fraction of a per cent, not to 1e-9 (265 v 265 at exposures 1.5 and 1.0: 2.5376e-06
    # against statsmodels' 2.5306e-06)
    assert got == pytest.approx(reference(previous, current, e_prev, e_curr), rel=5e-3, abs=1e-9)


@PROPERTY
@given(previous=counts, current=counts, e_prev=exposures, e_curr=exposures)
def test_two_sided_test_is_symmetric(previous: int, current: int, e_prev: float, e_curr: float) -> None:
    forward = compare_counts(previous, current, e_prev, e_curr)
    assert compare_counts(current, previous, e_curr, e_prev) == pytest.approx(forward, abs=1e-12)
    assert 0.0 <= forward <= 1.0


def test_known_cases() -> None:
    assert compare_counts(0, 0) == 1.0
    assert compare_counts(0, 0, 2, 3) == 1.0
    assert compare_counts(7, 7) == 1.0
    assert compare_counts(10, 20, 1, 2) == 1.0  # same rate
    assert compare_counts(5, 25) < 0.001


def test_large_counts_are_fast_and_close_to_the_score_test() -> None:
    start = time.perf_counter()
    p = compare_counts(50_000, 51_000)
    assert time.perf_counter() - start < 1.0
    z = (51_000 - 50_000) / (101_000**0.5)
    assert p == pytest.approx(2 * stats.norm.sf(z), rel=0.02)


@pytest.mark.parametrize("args", [(-1, 3), (3, -1), (1, 2, 0, 1), (1, 2, 1, -2), (float("nan"), 1)])
def test_invalid_arguments_raise(args) -> None:
    with pytest.raises(ValueError):
        compare_counts(*args)


def brute_force(previous: int, current: int) -> float:
    """The E-test's definition summed over both counts' grids (exposures equal): the probability,
    under one common rate, of a pair of counts whose score is at least as extreme as the one seen."""
    rate = (previous + current) / 2
    sd = rate ** 0.5
    grid = np.arange(max(0, int(rate - 10 * sd)), int(rate + 10 * sd) + 1, dtype=float)
    pmf = stats.poisson.pmf(grid, rate)
    seen = abs(current - previous) / (current + previous) ** 0.5
    total = 0.0
    for start in range(0, grid.size, 512):  # rows of x1 at a time: the full square is 16 million pairs
        x1 = grid[start:start + 512, None]
        with np.errstate(invalid="ignore", divide="ignore"):
            score = np.abs(x1 - grid[None, :]) / np.sqrt(x1 + grid[None, :])
        total += float((pmf[start:start + 512, None] * pmf[None, :] * (score >= seen - 1e-12)).sum())
    return total


def test_a_forces_year_of_crime_matches_the_definition() -> None:
    previous, current = 52_000, 51_500  # a force's year of crime
    p = compare_counts(previous, current)
    assert 0.05 < p < 0.5
    assert p == pytest.approx(brute_force(previous, current), rel=1e-8)


@pytest.mark.parametrize("previous,current", [(200_000, 201_200), (1_300_000, 1_303_000)])
def test_a_national_volume_is_quick(previous: int, current: int) -> None:
    """At a large force's and a region's volumes the Poisson tails at thousands of neighbouring
    counts are one cdf and a running sum of the pmf, not thousands of cdfs; the p-value is the
    score test's to within the E-test's small-sample correction."""
    start = time.perf_counter()
    p = compare_counts(previous, current)
    assert time.perf_counter() - start < 0.05
    z = abs(current - previous) / (current + previous) ** 0.5
    assert p == pytest.approx(2 * stats.norm.sf(z), rel=2e-3)


def test_running_tails_agree_with_scipys_own() -> None:
    from crimeplan.stats._etest import _cdf_at, _sf_at

    mean = 200_000.0
    ks = np.arange(198_000, 199_500, dtype=float)  # below the mean: scipy's cdf is exact to 1e-15
    assert _cdf_at(ks, mean) == pytest.approx(stats.poisson.cdf(ks, mean), rel=1e-8)
    ks = np.arange(200_200, 201_500, dtype=float)
    assert _sf_at(ks, mean) == pytest.approx(stats.poisson.sf(ks, mean), rel=1e-7)
    # the ends: below zero nothing, above every count nothing left
    assert _cdf_at(np.array([-1.0, 0.0]), 3.0) == pytest.approx([0.0, np.exp(-3.0)])
    assert _sf_at(np.array([-1.0, 0.0]), 3.0) == pytest.approx([1.0, 1 - np.exp(-3.0)])
