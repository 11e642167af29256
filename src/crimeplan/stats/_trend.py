"""Long-run trend of a seasonal series: quasi-Poisson or quasi-binomial GLM with a linear time term."""

from __future__ import annotations

import math
import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

import numpy as np

if TYPE_CHECKING:
    from statsmodels.genmod.families import Family

from ._validate import as_finite_array

#: Series shorter than this many points are not analysed (besides the two-full-years rule).
MIN_POINTS = 8

#: Pearson dispersion below this is treated as an exact fit.
_EXACT = 1e-20

_TESTS = {
    "count": "quasi-Poisson GLM, Wald t test on the time term",
    "proportion": "quasi-binomial GLM, Wald t test on the time term",
}


Direction = Literal["increasing", "decreasing", "flat"]

@dataclass(frozen=True)
class TrendResult:
    """Estimated percentage change per year (odds for proportions) with its CI and test."""

    pct_change_per_year: float
    ci_low: float
    ci_high: float
    p_value: float
    significant: bool
    direction: Direction
    n_periods: int
    test: str
    sufficient_data: bool = True
    note: str | None = None


def _unestimated(n: int, kind: str, note: str) -> TrendResult:
    """Return a result that carries no estimate, only the reason why."""
    nan = math.nan
    return TrendResult(nan, nan, nan, nan, False, "flat", n, _TESTS[kind], False, note)


def _exact_fit(slope: float, n: int, kind: str) -> TrendResult:
    """Return the result for a series the model fits with no residual noise at all."""
    note = "the model fits the series exactly (no noise)"
    if abs(slope) < 1e-9:
        return TrendResult(0.0, 0.0, 0.0, 1.0, False, "flat", n, _TESTS[kind], True, note)
    pct = 100 * math.expm1(slope)
    direction: Direction = "increasing" if slope > 0 else "decreasing"
    return TrendResult(pct, pct, pct, 0.0, True, direction, n, _TESTS[kind], True, note)


def _design(n: int, periods_per_year: int) -> np.ndarray:
    """Return the design matrix: intercept, time in years, and season dummies given two full years."""
    years = np.arange(n) / periods_per_year
    cols = [np.ones(n), years]
    if periods_per_year > 1 and n >= 2 * periods_per_year:
        season = np.arange(n) % periods_per_year
        cols += [(season == s).astype(float) for s in range(1, periods_per_year)]
    return np.column_stack(cols)


def _prepare(
    values: np.ndarray, kind: str, denominators: Sequence[float] | None
) -> tuple[np.ndarray, Family, np.ndarray | None, str | None]:
    """Return (endog, family, exposures or trials, degenerate-reason) for the GLM, validating inputs."""
    # the GLM's own modules, not statsmodels.api (which imports every model and plot: 0.5 s more)
    from statsmodels.genmod import families  # heavy: imported when first used
    if np.any(values < 0):
        raise ValueError("values must be >= 0")
    den = None if denominators is None else as_finite_array(denominators, "denominators")
    if den is not None and den.shape != values.shape:
        raise ValueError("denominators must have the same length as values")
    if kind == "count":
        if den is not None and np.any(den <= 0):
            raise ValueError("denominators (exposures) must be > 0")
        reason = "all counts are zero" if values.sum() == 0 else None
        return values, families.Poisson(), den, reason
    if den is None:
        raise ValueError("kind='proportion' needs denominators (the number of trials)")
    if np.any(den < values):
        raise ValueError("values (successes) must not exceed denominators (trials)")
    total, trials = values.sum(), den.sum()
    reason = "every proportion is 0 or every proportion is 1" if total in (0, trials) else None
    # Proportions with the trials as variance weights: statsmodels' two-column (successes, failures)
    # form scales the Pearson dispersion by the trials, so its scale="X2" is wrong there.
    share = np.divide(values, den, out=np.zeros_like(values), where=den > 0)
    return share, families.Binomial(), den, reason


def _fit_slope(
    endog: np.ndarray, exog: np.ndarray, family: Family, weights: np.ndarray | None, kind: str
) -> tuple[float, float, float, float]:
    """Return the time coefficient, its quasi-likelihood standard error, residual df and dispersion."""
    from statsmodels.genmod.generalized_linear_model import GLM  # heavy: imported when first used
    rows = np.ones(endog.size, dtype=bool) if kind == "count" or weights is None else weights > 0
    extra: dict[str, np.ndarray] = {}
    if weights is not None:
        extra = {"offset": np.log(weights)} if kind == "count" else {"var_weights": weights[rows]}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        # Fit at scale 1 and apply the dispersion by hand: the same numbers as fit(scale="X2"),
        # which fails outright on a perfect fit (its first deviance divides by a zero scale).
        fit = GLM(endog[rows], exog[rows], family=family, **extra).fit()
    df = float(fit.df_resid)
    dispersion = float(fit.pearson_chi2) / df if df > 0 else math.nan
    return float(fit.params[1]), float(fit.bse[1]) * math.sqrt(dispersion), df, dispersion


def trend(
    values: Sequence[float | None],
    periods_per_year: int,
    kind: Literal["count", "proportion"] = "count",
    denominators: Sequence[float | None] | None = None,
) -> TrendResult:
    """Return the yearly % change (counts: rate ratio; proportions: odds ratio) from a seasonal quasi-GLM."""
    from scipy import stats  # heavy: imported when first used
    # a missing value (None or NaN: a month never supplied) is left out of the fit; the points
    # around it keep their places in time and season
    if kind not in _TESTS:
        raise ValueError(f"kind must be 'count' or 'proportion', got {kind!r}")
    if isinstance(periods_per_year, bool) or not isinstance(periods_per_year, (int, np.integer)):
        raise ValueError(f"periods_per_year must be an integer, got {periods_per_year!r}")
    if periods_per_year < 1:
        raise ValueError("periods_per_year must be >= 1")
    raw = np.array([math.nan if v is None else float(v) for v in values], dtype=float)
    present = ~np.isnan(raw)
    trials: list[float] | None = None
    if denominators is not None:
        dens = np.array([math.nan if d is None else float(d) for d in denominators], dtype=float)
        if dens.shape != raw.shape:
            raise ValueError("denominators must have the same length as values")
        present &= ~np.isnan(dens)
        trials = list(dens[present])
    y = as_finite_array(raw[present], "values")
    endog, family, weights, reason = _prepare(y, kind, trials)
    n = int(y.size)
    needed = max(MIN_POINTS, 2 * int(periods_per_year))
    if n < needed:
        return _unestimated(n, kind, f"not enough data: {n} periods, need at least {needed}")
    if reason is not None:
        return _unestimated(n, kind, f"no trend can be estimated: {reason}")
    exog = _design(raw.size, int(periods_per_year))[present]
    slope, se, df, dispersion = _fit_slope(endog, exog, family, weights, kind)
    if math.isfinite(slope) and 0 <= dispersion < _EXACT:
        return _exact_fit(slope, n, kind)
    if not (math.isfinite(slope) and math.isfinite(se) and se > 0 and df > 0):
        return _unestimated(n, kind, "no trend can be estimated: the model did not give a finite slope")
    q = float(stats.t.isf(0.025, df))
    p_value = float(2 * stats.t.sf(abs(slope / se), df))
    significant = p_value < 0.05
    direction: Direction = "flat" if not significant else ("increasing" if slope > 0 else "decreasing")
    pct = 100 * math.expm1(slope)
    low, high = 100 * math.expm1(slope - q * se), 100 * math.expm1(slope + q * se)
    return TrendResult(pct, low, high, p_value, significant, direction, n, _TESTS[kind])
