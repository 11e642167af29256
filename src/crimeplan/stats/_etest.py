"""Two-sided Poisson E-test for a change in rate (Krishnamoorthy & Thomson 2004)."""

from __future__ import annotations

import math

import numpy as np

from ._validate import check_count, check_positive

# Probability mass left out at each end of the outer sum; far below the 1e-9 agreement we promise.
_TAIL = 1e-17


def _score(x1: np.ndarray, x2: np.ndarray, c: float) -> np.ndarray:
    """Return the score statistic (x1 - c x2) / sqrt(c (x1 + x2)) under H0: equal rates (0 at 0, 0)."""
    num = x1 - c * x2
    den = np.sqrt(c * (x1 + x2))
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(den > 0, num / np.where(den > 0, den, 1.0), 0.0)


# Poisson cdf, sf and pmf straight from scipy.special: the functions scipy.stats.poisson calls
# (pdtr, pdtrc, exp(xlogy - gammaln - mu)), without its argument checks per call, which cost
# far more than the sums themselves over a results table's few hundred tests.
def _cdf(k: np.ndarray, mean: float) -> np.ndarray:
    """Return P(X <= k) for X ~ Poisson(mean) (0 below 0)."""
    from scipy import special  # heavy: imported when first used
    return np.where(k >= 0, special.pdtr(np.maximum(k, 0), mean), 0.0)


def _sf(k: np.ndarray, mean: float) -> np.ndarray:
    """Return P(X > k) for X ~ Poisson(mean) (1 below 0)."""
    from scipy import special  # heavy: imported when first used
    return np.where(k >= 0, special.pdtrc(np.maximum(k, 0), mean), 1.0)


def _pmf(k: np.ndarray, mean: float) -> np.ndarray:
    """Return P(X = k) for X ~ Poisson(mean), k >= 0."""
    from scipy import special  # heavy: imported when first used
    return np.exp(special.xlogy(k, mean) - special.gammaln(k + 1) - mean)


def _tail_at(ks: np.ndarray, mean: float, upper: bool) -> np.ndarray:
    """Return P(X > k) if upper else P(X <= k) at each k for X ~ Poisson(mean): one exact tail, then pmf sums."""
    # the E-test asks at thousands of neighbouring counts for a force's year of crime, and the
    # pmf costs a fiftieth of the cdf each; below 0, P(X <= k) is 0 and P(X > k) is 1
    out = np.full(ks.shape, 1.0 if upper else 0.0)
    ok = ks >= 0
    k = ks[ok].astype(np.int64)
    if not k.size:
        return out
    first, last = int(k.min()), int(k.max())
    exact = _sf if upper else _cdf
    if last - first > 4 * k.size + 64:  # far apart: each on its own
        out[ok] = exact(k.astype(float), mean)
        return out
    pmf = _pmf(np.arange(first + 1, last + 1, dtype=float), mean)  # P(X = first + 1 ... last)
    if upper:  # summed from the greatest k down, so a far upper tail keeps its relative precision
        running = exact(np.array([float(last)]), mean) + np.concatenate((np.cumsum(pmf[::-1])[::-1], [0.0]))
    else:
        running = np.cumsum(np.concatenate((exact(np.array([float(first)]), mean), pmf)))
    out[ok] = np.minimum(running[k - first], 1.0)
    return out


def _cdf_at(ks: np.ndarray, mean: float) -> np.ndarray:
    """Return P(X <= k) at each k for X ~ Poisson(mean) (0 below 0)."""
    return _tail_at(ks, mean, upper=False)


def _sf_at(ks: np.ndarray, mean: float) -> np.ndarray:
    """Return P(X > k) at each k for X ~ Poisson(mean) (1 below 0)."""
    return _tail_at(ks, mean, upper=True)


def _support(mean: float) -> tuple[int, int]:
    """Return a range of counts outside which a Poisson(mean) variable has less than _TAIL mass each side."""
    step = max(10, int(math.sqrt(mean)))
    log_tail = math.log(_TAIL)
    # the same steps as a loop would take, tried 64 at a time: the first one past the tail wins
    with np.errstate(divide="ignore"):  # log(0): far past the tail
        hi = int(mean) + step
        while True:
            tries = hi + step * np.arange(64)
            past = np.flatnonzero(np.log(_sf(tries, mean)) <= log_tail)
            if past.size:
                hi = int(tries[past[0]])
                break
            hi = int(tries[-1]) + step
        lo = max(int(mean) - step, 0)
        tries = np.maximum(lo - step * np.arange(64), 0)
        past = np.flatnonzero((tries == 0) | (np.log(_cdf(tries, mean)) <= log_tail))
        lo = int(tries[past[0]]) if past.size else 0
    return lo, hi


def _tail_bounds(x1: np.ndarray, t: float, c: float, tol: float) -> tuple[np.ndarray, np.ndarray]:
    """Return, per x1, the largest x2 with T >= t and the smallest x2 with T <= -t (T falls as x2 rises)."""
    root = t * np.sqrt(t * t + 4 * x1 * (1 + c))
    lo_guess = np.floor((2 * x1 + t * t - root) / (2 * c))
    hi_guess = np.ceil((2 * x1 + t * t + root) / (2 * c))
    # the five candidates around each root at once (rows: shifts), the exact integer boundary kept
    shifts = np.arange(-2, 3)[:, None]
    cand = lo_guess + shifts
    ok = (cand >= 0) & (_score(x1, np.maximum(cand, 0), c) >= t - tol)
    lower = np.where(ok, cand, -1.0).max(axis=0)
    cand = np.maximum(hi_guess + shifts, 0)
    ok = _score(x1, cand, c) <= -t + tol
    upper = np.where(ok, cand, np.inf).min(axis=0)
    return lower, upper


def compare_counts(
    previous: float,
    current: float,
    previous_exposure: float = 1,
    current_exposure: float = 1,
) -> float:
    """Return the two-sided Poisson E-test p-value for a change in rate between two periods."""
    y1 = check_count(current, "current")
    y2 = check_count(previous, "previous")
    n1 = check_positive(current_exposure, "current_exposure")
    n2 = check_positive(previous_exposure, "previous_exposure")
    if y1 == 0 and y2 == 0:
        return 1.0
    c = n1 / n2  # expected current / previous ratio under H0, times counts
    t_obs = abs(float(_score(np.array(y1), np.array(y2), c)))
    tol = 1e-12 * max(1.0, t_obs)
    if t_obs <= tol:
        return 1.0
    # Means under H0 from the constrained maximum likelihood estimate of the common rate.
    rate = (y1 + y2) / (n1 + n2)
    mean1, mean2 = n1 * rate, n2 * rate
    lo, hi = _support(mean1)
    x1 = np.arange(lo, hi + 1, dtype=float)
    lower, upper = _tail_bounds(x1, t_obs, c, tol)
    p_low = _cdf_at(lower, mean2)  # lower is -1 where no count is that low: 0
    has_upper = np.isfinite(upper)
    p_high = np.where(has_upper, _sf_at(np.where(has_upper, upper, 0) - 1, mean2), 0.0)
    p = float(np.sum(_pmf(x1, mean1) * (p_low + p_high)))
    return min(1.0, max(0.0, p)) if math.isfinite(p) else math.nan
