"""Random series: XmR lines and rules agree with a brute-force sliding-window re-implementation.

The series may hold missing values (None) and the limits may be fixed on a baseline or left unscreened.
"""

import itertools
import math
import os

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from crimeplan.stats import spc

# Random examples locally; the same fixed examples in CI so a run is reproducible.
PROPERTY = settings(
    max_examples=200, deadline=None, derandomize=bool(os.environ.get("CI")),
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)


def _gt(a: float | None, b: float | None) -> bool:
    """Return a > b, False when either is missing (a missing value meets no condition)."""
    return a is not None and b is not None and a > b


def brute_force(xs: list[float | None], lim: dict[str, float], k: int) -> list[tuple[str, int] | None]:
    """Return (rule, direction) per point by scanning every window, higher-precedence rules first."""
    n = len(xs)
    names = ("outside_limits", "trend", "two_of_three", "shift")
    flags: dict[str, list[int]] = {name: [0] * n for name in names}
    for i, x in enumerate(xs):
        flags["outside_limits"][i] = _gt(x, lim["upper_limit"]) - _gt(lim["lower_limit"], x)
    for s in range(n - k + 1):
        w = xs[s : s + k]
        for sign in (1, -1):
            if all(_gt(b, a) if sign > 0 else _gt(a, b) for a, b in itertools.pairwise(w)):
                for i in range(s, s + k):
                    flags["trend"][i] = sign  # a later run wins a shared turning point
            if all(_gt(x, lim["mean"]) if sign > 0 else _gt(lim["mean"], x) for x in w):
                for i in range(s, s + k):
                    flags["shift"][i] = sign
    for s in range(n - 2):
        w = range(s, s + 3)
        for sign, line in ((1, "upper_2sigma"), (-1, "lower_2sigma")):
            if not all(_gt(xs[i], lim["mean"]) if sign > 0 else _gt(lim["mean"], xs[i]) for i in w):
                continue
            beyond = [i for i in w if (_gt(xs[i], lim[line]) if sign > 0 else _gt(lim[line], xs[i]))]
            if len(beyond) >= 2:
                for i in beyond:
                    flags["two_of_three"][i] = sign
    return [next(((name, f[i]) for name, f in flags.items() if f[i]), None) for i in range(n)]


@PROPERTY
@given(
    xs=st.lists(st.one_of(st.integers(0, 30), st.integers(0, 30), st.integers(0, 30), st.none()),
                min_size=2, max_size=40),
    k=st.integers(3, 8),
    cut=st.floats(0, 1),
    polarity=st.sampled_from(["up", "down", "neutral"]),
    fix=st.one_of(st.none(), st.integers(2, 20)),
    screen=st.booleans(),
)
def test_matches_brute_force(hand_limits, xs, k, cut, polarity, fix, screen) -> None:
    at = int(cut * len(xs))
    rebase = [at] if 2 <= at <= len(xs) - 2 else []
    result = spc(xs, polarity, rebase_at=rebase, run_length=k, fix_after_n_points=fix, screen_outliers=screen)
    bounds = [0, *rebase, len(xs)]
    for start, stop in itertools.pairwise(bounds):
        part = [None if x is None else float(x) for x in xs[start:stop]]
        base = part[: fix or len(part)]
        lim = hand_limits(base, screen)  # nan lines when the baseline has no value or no moving range
        expected = brute_force(part, lim, k)
        for j, (point, want) in enumerate(zip(result.points[start:stop], expected)):
            if part[j] is None:
                assert math.isnan(point.upper_limit) and math.isnan(point.mean) and point.rule is None
            else:
                assert math.isclose(point.upper_limit, lim["upper_limit"], abs_tol=1e-9) or (
                    math.isnan(point.upper_limit) and math.isnan(lim["upper_limit"]))
                assert math.isclose(point.lower_2sigma, lim["lower_2sigma"], abs_tol=1e-9) or (
                    math.isnan(point.lower_2sigma) and math.isnan(lim["lower_2sigma"]))
            assert point.baseline == (j < len(base) and part[j] is not None)
            got = None if point.rule is None else (point.rule, 1 if point.direction == "high" else -1)
            assert got == want, (point.index, xs)
    last = result.points[-1]
    if last.special_cause is None:
        assert result.variation_icon == "common_cause"
    else:
        assert result.variation_icon == f"{last.special_cause}_{last.direction}"
