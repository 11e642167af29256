"""Random series: XmR lines and rules agree with a brute-force sliding-window re-implementation."""

import os

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from crimeplan.stats import spc

# Random examples locally; the same fixed examples in CI so a run is reproducible.
PROPERTY = settings(
    max_examples=150, deadline=None, derandomize=bool(os.environ.get("CI")),
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)


def brute_force(xs: list[float], lim: dict[str, float], k: int) -> list[tuple[str, int] | None]:
    """Return (rule, direction) per point by scanning every window, higher-precedence rules first."""
    n = len(xs)
    names = ("outside_limits", "trend", "two_of_three", "shift")
    flags: dict[str, list[int]] = {name: [0] * n for name in names}
    for i, x in enumerate(xs):
        flags["outside_limits"][i] = (x > lim["upper_limit"]) - (x < lim["lower_limit"])
    for s in range(n - k + 1):
        w = xs[s : s + k]
        for sign in (1, -1):
            if all(sign * (b - a) > 0 for a, b in zip(w, w[1:])):
                for i in range(s, s + k):
                    flags["trend"][i] = flags["trend"][i] or sign  # a turning point keeps the run it ends
            if all(sign * (x - lim["mean"]) > 0 for x in w):
                for i in range(s, s + k):
                    flags["shift"][i] = sign
    for s in range(max(n - 2, 1)):
        for sign, line in ((1, "upper_2sigma"), (-1, "lower_2sigma")):
            beyond = [i for i in range(s, min(s + 3, n)) if sign * (xs[i] - lim[line]) > 0]
            if len(beyond) >= 2:
                for i in beyond:
                    flags["two_of_three"][i] = sign
    out: list[tuple[str, int] | None] = []
    for i in range(n):
        out.append(next(((name, f[i]) for name, f in flags.items() if f[i]), None))
    return out


@PROPERTY
@given(
    xs=st.lists(st.integers(0, 30), min_size=2, max_size=40),
    k=st.integers(3, 8),
    cut=st.floats(0, 1),
    polarity=st.sampled_from(["up", "down", "neutral"]),
)
def test_matches_brute_force(hand_limits, xs: list[int], k: int, cut: float, polarity: str) -> None:
    at = int(cut * len(xs))
    rebase = [at] if 2 <= at <= len(xs) - 2 else []
    result = spc(xs, polarity, rebase_at=rebase, run_length=k)
    bounds = [0, *rebase, len(xs)]
    for start, stop in zip(bounds, bounds[1:]):
        part = [float(x) for x in xs[start:stop]]
        lim = hand_limits(part)
        expected = brute_force(part, lim, k)
        for point, want in zip(result.points[start:stop], expected):
            assert abs(point.upper_limit - lim["upper_limit"]) < 1e-9
            assert abs(point.lower_2sigma - lim["lower_2sigma"]) < 1e-9
            got = None if point.rule is None else (point.rule, 1 if point.direction == "high" else -1)
            assert got == want, (point.index, xs)
    last = result.points[-1]
    if last.special_cause is None:
        assert result.variation_icon == "common_cause"
    else:
        assert result.variation_icon == f"{last.special_cause}_{last.direction}"
