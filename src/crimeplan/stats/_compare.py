"""Two-sample comparisons of proportions and of means from summary statistics."""

from __future__ import annotations

import math

from ._validate import check_count


def compare_proportions(x_prev: float, n_prev: float, x_curr: float, n_curr: float) -> float:
    """Return the two-sided pooled two-proportion z test p-value (1.0 when pooled p is 0 or 1)."""
    from scipy import stats  # heavy: imported when first used
    x1, n1 = check_count(x_prev, "x_prev"), check_count(n_prev, "n_prev")
    x2, n2 = check_count(x_curr, "x_curr"), check_count(n_curr, "n_curr")
    if x1 > n1 or x2 > n2:
        raise ValueError("successes must not exceed trials")
    if n1 == 0 or n2 == 0:
        return math.nan
    pooled = (x1 + x2) / (n1 + n2)
    if pooled <= 0.0 or pooled >= 1.0:
        return 1.0
    se = math.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2))
    z = (x2 / n2 - x1 / n1) / se
    return float(2 * stats.norm.sf(abs(z)))


def compare_means(
    mean_prev: float,
    sd_prev: float,
    n_prev: float,
    mean_curr: float,
    sd_curr: float,
    n_curr: float,
) -> float:
    """Return the two-sided Welch t test p-value from summary statistics (nan when either n < 2)."""
    from scipy import stats  # heavy: imported when first used
    m1, m2 = float(mean_prev), float(mean_curr)
    if not (math.isfinite(m1) and math.isfinite(m2)):
        raise ValueError("means must be finite")
    s1, s2 = check_count(sd_prev, "sd_prev"), check_count(sd_curr, "sd_curr")
    n1, n2 = check_count(n_prev, "n_prev"), check_count(n_curr, "n_curr")
    if n1 < 2 or n2 < 2:
        return math.nan
    v1, v2 = s1 * s1 / n1, s2 * s2 / n2
    if v1 + v2 == 0:
        return 1.0 if m1 == m2 else 0.0
    t = (m2 - m1) / math.sqrt(v1 + v2)
    df = (v1 + v2) ** 2 / (v1 * v1 / (n1 - 1) + v2 * v2 / (n2 - 1))
    return float(2 * stats.t.sf(abs(t), df))
