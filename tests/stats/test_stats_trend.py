"""Seasonal quasi-GLM trend: known slopes, false-positive rate, and agreement with statsmodels."""

import math

import numpy as np
import pytest
import statsmodels.api as sm

from crimeplan.stats import TrendResult, trend

MONTHS = np.arange(96)  # eight years of monthly data
SEASON = 1 + 0.3 * np.sin(2 * np.pi * MONTHS / 12)


def poisson_series(seed: int, pct_per_year: float, level: float = 60.0) -> np.ndarray:
    """Return monthly Poisson counts with seasonality and the given yearly growth."""
    mu = level * SEASON * (1 + pct_per_year / 100) ** (MONTHS / 12)
    return np.random.default_rng(seed).poisson(mu)


def test_known_increase_is_recovered() -> None:
    result = trend(poisson_series(2024, 10.0), 12)
    assert result.ci_low < 10.0 < result.ci_high
    assert result.significant and result.direction == "increasing" and result.p_value < 1e-6
    assert result.n_periods == 96 and result.sufficient_data
    assert result.test == "quasi-Poisson GLM, Wald t test on the time term"


def test_known_decrease_is_recovered() -> None:
    result = trend(poisson_series(7, -8.0), 12)
    assert result.ci_low < -8.0 < result.ci_high and result.direction == "decreasing"


def test_flat_series_rarely_significant() -> None:
    poisson = [trend(poisson_series(seed, 0.0), 12).significant for seed in range(40)]
    # Overdispersed counts (negative binomial, variance about 4x the mean): the quasi scale must cope.
    rng = np.random.default_rng(99)
    mu = 60.0 * SEASON
    overdispersed = [trend(rng.negative_binomial(20, 20 / (20 + mu)), 12).significant for _ in range(40)]
    assert np.mean(poisson) <= 0.15 and np.mean(overdispersed) <= 0.15


def test_matches_a_direct_statsmodels_fit() -> None:
    y = poisson_series(5, 4.0)
    season = MONTHS % 12
    exog = np.column_stack([np.ones(96), MONTHS / 12] + [(season == s).astype(float) for s in range(1, 12)])
    fit = sm.GLM(y, exog, family=sm.families.Poisson()).fit(scale="X2", use_t=True)
    low, high = np.exp(fit.conf_int()[1]) - 1
    result = trend(y, 12)
    assert result.p_value == pytest.approx(fit.pvalues[1], rel=1e-6)
    assert (result.ci_low, result.ci_high) == pytest.approx((100 * low, 100 * high), rel=1e-6)
    assert result.pct_change_per_year == pytest.approx(100 * math.expm1(fit.params[1]), rel=1e-9)


def test_proportions_report_the_odds_ratio() -> None:
    rng = np.random.default_rng(11)
    trials = rng.integers(150, 300, 96)
    logit = -0.4 + np.log(1.10) * MONTHS / 12 + 0.2 * np.sin(2 * np.pi * MONTHS / 12)
    successes = rng.binomial(trials, 1 / (1 + np.exp(-logit)))
    result = trend(successes, 12, kind="proportion", denominators=trials)
    assert result.ci_low < 10.0 < result.ci_high and result.direction == "increasing"
    assert result.test.startswith("quasi-binomial")
    flat = [
        trend(np.random.default_rng(s).binomial(trials, 0.4), 12, "proportion", trials).significant
        for s in range(30)
    ]
    assert np.mean(flat) <= 0.15


def test_count_denominators_act_as_exposure() -> None:
    population = 1000 * 1.10 ** (MONTHS / 12)
    counts = np.random.default_rng(3).poisson(0.05 * population * SEASON)
    assert trend(counts, 12).direction == "increasing"
    per_head = trend(counts, 12, denominators=population)
    assert per_head.ci_low < 0.0 < per_head.ci_high


@pytest.mark.parametrize(("n", "ppy"), [(23, 12), (7, 1), (3, 4), (0, 12)])
def test_too_short_series(n: int, ppy: int) -> None:
    result = trend([5] * n, ppy)
    assert isinstance(result, TrendResult)
    assert not result.significant and math.isnan(result.p_value) and not result.sufficient_data
    assert "not enough data" in result.note and result.direction == "flat"


def test_yearly_series_has_no_season_terms() -> None:
    y = [100, 104, 111, 113, 122, 128, 131, 140, 146, 150]
    fit = sm.GLM(np.array(y), sm.add_constant(np.arange(10.0)), family=sm.families.Poisson()).fit(
        scale="X2", use_t=True
    )
    assert trend(y, 1).p_value == pytest.approx(fit.pvalues[1], rel=1e-6)


def test_degenerate_series() -> None:
    zeros = trend([0] * 24, 12)
    assert not zeros.sufficient_data and math.isnan(zeros.p_value)
    constant = trend([5] * 24, 12)
    assert (constant.pct_change_per_year, constant.p_value, constant.direction) == (0.0, 1.0, "flat")


@pytest.mark.parametrize(
    "kwargs",
    [
        {"kind": "rate"},
        {"kind": "proportion"},
        {"kind": "proportion", "denominators": [1] * 24},
        {"denominators": [1] * 3},
        {"periods_per_year": 0},
        {"periods_per_year": 12.0},
        {"values": [-1] + [2] * 23},
    ],
)
def test_invalid_arguments_raise(kwargs) -> None:
    args = {"values": [2] * 24, "periods_per_year": 12, **kwargs}
    with pytest.raises(ValueError):
        trend(**args)
