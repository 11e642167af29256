"""Funnel-plot control limits around a group average, the PHEindicatormethods way.

A funnel limit for a denominator n is the value an area of that size would need to be just
significantly different from the average: the observed value whose own interval just touches the
average. That is how PHEindicatormethods builds its funnels (``calculate_funnel_limits``) and
flags areas (``assign_funnel_significance``), so a point outside the limits is exactly a point
whose interval excludes the average. See docs/peers.md.

* proportions, ``method="wilson"`` (PHE): the Wilson score interval of p̂ just reaches the average
  p̄ when p̂ = p̄ ± z·√(p̄(1−p̄)/n) (closed form), clipped to [0, 1];
  ``method="exact"``: the Clopper–Pearson (beta) interval of x/n just reaches p̄.
* rates, ``method="exact"`` (PHE's funnels): the exact (Garwood) Poisson interval of the observed
  count x just reaches the expected count E = average × n / multiplier;
  ``method="byar"``: the same with ``crimeplan.stats.count_ci`` (exact below 10, Byar from 10), the
  rule PHE uses for flagging and crimeplan uses for a force's own interval.

Observed counts are treated as continuous, so the limits are smooth in n (PHE tabulates whole
event counts and draws lines between them).
"""

from __future__ import annotations

import math
from collections.abc import Callable

from crimeplan.stats import count_ci

#: The two funnel levels and the keys they have in ``funnel_limits``' answer.
LEVELS: dict[str, float] = {"95": 0.95, "99.8": 0.998}

_KINDS = ("proportion", "rate")
_DEFAULT_MULTIPLIER = {"proportion": 100.0, "rate": 1000.0}
_METHODS = {"proportion": ("wilson", "exact"), "rate": ("exact", "byar")}


def _z(confidence: float) -> float:
    """Two-sided standard normal critical value."""
    from scipy import stats as st  # heavy: imported when first used
    return float(st.norm.isf((1.0 - confidence) / 2.0))


def _root(f: Callable[[float], float], lo: float, hi: float) -> float:
    """Where increasing f crosses 0 in [lo, hi] (f(lo) <= 0 <= f(hi)); a jump is returned as its point."""
    from scipy import optimize  # heavy: imported when first used
    flo, fhi = f(lo), f(hi)
    if flo >= 0:
        return lo
    if fhi <= 0:
        return hi
    return float(optimize.brentq(f, lo, hi, xtol=1e-12, rtol=4 * 2.220446049250313e-16, maxiter=500))


def _grow(f: Callable[[float], float], start: float) -> float:
    """A point where increasing f is positive, doubling from start."""
    hi = max(start, 1.0)
    while f(hi) <= 0:
        hi *= 2.0
    return hi


# ---------------------------------------------------------------------------------------------
# proportions: limits as fractions


def _proportion_wilson(p: float, n: float, confidence: float) -> tuple[float, float]:
    half = _z(confidence) * math.sqrt(p * (1.0 - p) / n)
    return (max(0.0, p - half), min(1.0, p + half))


def _proportion_exact(p: float, n: float, confidence: float) -> tuple[float, float]:
    from scipy import stats as st  # heavy: imported when first used
    a = (1.0 - confidence) / 2.0

    # upper limit: the x/n whose Clopper-Pearson lower bound, beta(a; x, n-x+1), equals p
    def cp_low(x: float) -> float:
        return 0.0 if x <= 0 else float(st.beta.ppf(a, x, n - x + 1.0))

    # lower limit: the x/n whose Clopper-Pearson upper bound, beta(1-a; x+1, n-x), equals p
    def cp_high(x: float) -> float:
        return 1.0 if x >= n else float(st.beta.isf(a, x + 1.0, n - x))

    upper = n if p >= cp_low(n) else _root(lambda x: cp_low(x) - p, 0.0, n)
    lower = 0.0 if p <= cp_high(0.0) else _root(lambda x: cp_high(x) - p, 0.0, n)
    return (lower / n, upper / n)


# ---------------------------------------------------------------------------------------------
# rates: limits as counts for an expected count E


def _rate_exact(expected: float, confidence: float) -> tuple[float, float]:
    from scipy import special  # heavy: imported when first used

    a = (1.0 - confidence) / 2.0
    if expected == 0:
        return (0.0, 0.0)
    # Garwood lower bound of x is gamma.ppf(a, x): it equals E where P(Gamma(x) <= E) = a, i.e.
    # the regularised lower incomplete gamma P(x, E) = a, which falls as x grows.
    def low_minus_e(x: float) -> float:
        return a - float(special.gammainc(x, expected)) if x > 0 else -1.0

    upper = _root(low_minus_e, 0.0, _grow(low_minus_e, expected + 10.0 * math.sqrt(expected) + 10.0))
    # Garwood upper bound of x is gamma.isf(a, x + 1); it equals E where Q(x + 1, E) = a.
    def high_minus_e(x: float) -> float:
        return float(special.gammaincc(x + 1.0, expected)) - a

    lower = 0.0 if high_minus_e(0.0) >= 0 else _root(high_minus_e, 0.0, expected)
    return (lower, upper)


def _rate_byar(expected: float, confidence: float) -> tuple[float, float]:
    if expected == 0:
        return (0.0, 0.0)

    def low_minus_e(x: float) -> float:
        return count_ci(x, confidence)[0] - expected

    def high_minus_e(x: float) -> float:
        return count_ci(x, confidence)[1] - expected

    upper = _root(low_minus_e, 0.0, _grow(low_minus_e, expected + 10.0 * math.sqrt(expected) + 10.0))
    lower = 0.0 if high_minus_e(0.0) >= 0 else _root(high_minus_e, 0.0, expected)
    return (lower, upper)


# ---------------------------------------------------------------------------------------------


def _check(average: float, denominator: float, kind: str, multiplier: float | None,
           method: str | None) -> tuple[float, float, float, str]:
    if kind not in _KINDS:
        raise ValueError(f"kind must be 'proportion' or 'rate', got {kind!r}")
    mult = _DEFAULT_MULTIPLIER[kind] if multiplier is None else float(multiplier)
    if not math.isfinite(mult) or mult <= 0:
        raise ValueError(f"multiplier must be a finite number > 0, got {multiplier!r}")
    method = _METHODS[kind][0] if method is None else method
    if method not in _METHODS[kind]:
        raise ValueError(f"method for {kind} must be one of {_METHODS[kind]}, got {method!r}")
    avg, n = float(average), float(denominator)
    if not math.isfinite(avg) or avg < 0:
        raise ValueError(f"average must be a finite number >= 0, got {average!r}")
    if not math.isfinite(n) or n <= 0:
        raise ValueError(f"denominator must be a finite number > 0, got {denominator!r}")
    if kind == "proportion" and avg > mult:
        raise ValueError(f"a proportion's average must not exceed the multiplier ({mult:g}), got {average!r}")
    return avg, n, mult, method


def funnel_limits(average: float, denominator: float, kind: str = "proportion",
                  multiplier: float | None = None, method: str | None = None) -> dict[str, float]:
    """Funnel limits at 95% and 99.8% around ``average`` for an area of size ``denominator``.

    ``average`` and the limits are in display units: ``average / multiplier`` is the proportion
    (``kind="proportion"``, multiplier 100 by default, so percentages) or events per head
    (``kind="rate"``, multiplier 1000 by default, so rates per 1,000). ``denominator`` is the
    number of cases (proportion) or the population (rate).

    Returns ``{"average", "denominator", "expected", "lower_95", "upper_95", "lower_99_8",
    "upper_99_8"}``; ``expected`` is average × denominator / multiplier (the expected numerator).
    """
    avg, n, mult, method = _check(average, denominator, kind, multiplier, method)
    out: dict[str, float] = {"average": avg, "denominator": n, "expected": avg * n / mult}
    for key, confidence in LEVELS.items():
        if kind == "proportion":
            p = avg / mult
            low, high = (_proportion_wilson if method == "wilson" else _proportion_exact)(p, n, confidence)
            low, high = low * mult, high * mult
        else:
            low, high = (_rate_exact if method == "exact" else _rate_byar)(avg * n / mult, confidence)
            low, high = low * mult / n, high * mult / n
        out[f"lower_{key.replace('.', '_')}"] = low
        out[f"upper_{key.replace('.', '_')}"] = high
    return out


def funnel_flag(value: float, average: float, denominator: float, kind: str = "proportion",
                multiplier: float | None = None, polarity: str = "up", level: float = 0.998,
                method: str | None = None) -> str:
    """``better``, ``worse`` or ``similar``: is ``value`` outside the funnel at ``level`` (0.998 or 0.95)?

    A value strictly above the upper limit is high, strictly below the lower limit low; high is
    better when ``polarity`` is ``up``. On a limit counts as similar.
    """
    if polarity not in ("up", "down"):
        raise ValueError(f"polarity must be 'up' or 'down', got {polarity!r}")
    keys = {0.95: "95", 0.998: "99_8"}
    key = next((k for lvl, k in keys.items() if math.isclose(float(level), lvl)), None)
    if key is None:
        raise ValueError(f"level must be 0.95 or 0.998, got {level!r}")
    v = float(value)
    if not math.isfinite(v):
        raise ValueError(f"value must be a finite number, got {value!r}")
    limits = funnel_limits(average, denominator, kind, multiplier, method)
    if v > limits[f"upper_{key}"]:
        high = True
    elif v < limits[f"lower_{key}"]:
        high = False
    else:
        return "similar"
    return "better" if high == (polarity == "up") else "worse"


__all__ = ["LEVELS", "funnel_flag", "funnel_limits"]
