"""Cases ported from NHSRplotthedots 0.2.2 (github.com/nhs-r-community/NHSRplotthedots), literal values.

Each test names the reference file it comes from. Where a reference test only checks that two results
differ, the figures asserted here were worked by hand from the reference's data and say so.
"""

import numpy as np
import pytest

from crimeplan.stats import _spc_rules, spc
from crimeplan.stats._spc_limits import SegmentLimits
from crimeplan.stats._spc_rules import shift, trend, two_of_three

# R: set.seed(123); rnorm(48). The first 20 are the `y` column printed in
# tests/testthat/_snaps/ptd_spc_standard.md; all 48 are R's draws (Mersenne-Twister, inversion).
RNORM_123 = [
    -0.56047565, -0.23017749, 1.55870831, 0.07050839, 0.12928774, 1.71506499, 0.46091621, -1.26506123,
    -0.68685285, -0.44566197, 1.22408180, 0.35981383, 0.40077145, 0.11068272, -0.55584113, 1.78691314,
    0.49785048, -1.96661716, 0.70135590, -0.47279141, -1.06782371, -0.21797491, -1.02600445, -0.72889123,
    -0.62503927, -1.68669331, 0.83778704, 0.15337312, -1.13813694, 1.25381492, 0.42646422, -0.29507148,
    0.89512566, 0.87813349, 0.82158108, 0.68864025, 0.55391765, -0.06191171, -0.30596266, -0.38047100,
    -0.69470698, -0.20791728, -1.26539635, 2.16895597, 1.20796200, -1.12310858, -0.40288484, -0.46665535,
]
Y20 = RNORM_123[:20]


def limits(result, i=0) -> tuple[float, float, float]:
    """Return (mean, lower limit, upper limit) at point i."""
    p = result.points[i]
    return p.mean, p.lower_limit, p.upper_limit


# --- tests/testthat/_snaps/ptd_spc_standard.md ("it returns expected values") -----------------------

def test_snapshot_limits() -> None:
    r1 = spc(Y20, "up")
    assert limits(r1) == pytest.approx((0.1416238, -3.01138, 3.294627), abs=5e-7)
    signs = [1 if p.value > p.mean else -1 for p in r1.points[:15]]
    assert signs == [-1, -1, 1, -1, -1, 1, 1, -1, -1, -1, 1, 1, 1, -1, -1]
    assert r1.rules == (None,) * 20


def test_snapshot_screening_on_and_off() -> None:
    y = list(Y20)
    y[14] = 10  # R: data$y[15] <- 10
    r2 = spc(y, "up")
    assert limits(r2) == pytest.approx((0.6694159, -2.383666, 3.722497), abs=5e-7)
    r3 = spc(y, "up", screen_outliers=False)
    assert limits(r3) == pytest.approx((0.6694159, -4.596625, 5.935457), abs=5e-7)
    assert r3.screen_outliers is False


def test_fixed_after_twelve_points() -> None:
    # test-ptd_spc_standard.R "setting fix_after_n_points changes the calculations" checks only that
    # the limits change; these figures are worked by hand from its data (the first 12 values).
    s0, s1 = spc(Y20, "up"), spc(Y20, "up", fix_after_n_points=12)
    assert limits(s1) != pytest.approx(limits(s0))
    for i in range(20):  # held for every point, including the 8 after the baseline
        assert limits(s1, i) == pytest.approx((0.19417934, -2.6073998129, 2.9957584929), abs=1e-9)
    assert s1.baseline_indices == tuple(range(12))
    assert [p.baseline for p in s1.points] == [True] * 12 + [False] * 8
    assert spc(Y20, "up", fix_before_index=12).points[19].upper_limit == s1.points[19].upper_limit


def test_rebase_groups() -> None:
    # test-ptd_spc_standard.R "it sets the rebase_group field": a rebase at the 11th row gives groups
    # 0 x 10 and 1 x 10; the limits of each group are worked by hand.
    r = spc(Y20, "up", rebase_at=10, warning_threshold=10)
    assert [p.segment for p in r.points] == [0] * 10 + [1] * 10
    assert limits(r, 0) == pytest.approx((0.074625645, -2.6005854054, 2.7498366954), abs=1e-9)
    assert limits(r, 10) == pytest.approx((0.208621962, -3.2790054461, 3.6962493701), abs=1e-9)
    assert r.warnings == ()


def test_two_in_three_on_opposite_sides_is_common_cause() -> None:
    # test-ptd_spc_standard.R "it only reports special cause for 2of3 points close to limits when they
    # are on the same side of the mean".
    data = [1.0, -1.0] * 8
    data[14], data[15] = 5.5, -5.5
    r = spc(data, "up")
    assert r.rules[-2:] == (None, None) and r.special_causes[-2:] == (None, None)


# --- vignettes/deviations.Rmd ("Treatment of outlying points") -------------------------------------

@pytest.mark.parametrize(("screen", "upl", "lpl"), [(True, 4.6, -0.72), (False, 6.95, -3.06)])
def test_vignette_screen_outliers(screen: bool, upl: float, lpl: float) -> None:
    data = [1, 2, 1, 2, 10, 1, 2, 1, 2, 1, 2, 1, 2, 1, 2, 1, 2, 1]
    r = spc(data, "up", screen_outliers=screen)
    mean, low, high = limits(r)
    assert (round(high, 2), round(mean, 2), round(low, 2)) == (upl, 1.94, lpl)
    assert r.special_causes == (None,) * 4 + ("improvement",) + (None,) * 13


# --- tests/testthat/test-ptd_calculate_point_type.R (the rules, on prepared inputs) -----------------
# The reference feeds its rule helpers "close to limits" and "relative to mean" vectors; the same
# inputs are built here as values against limits with mean 0, 2-sigma lines at +-2 and limits at +-3.
LIM = SegmentLimits(0.0, 3 / 2.66, -3.0, 3.0, -2.0, 2.0)


def _values(close: list[int], rtm: list[int]) -> list[float]:
    """Return values that are close to a limit (2.5 from the mean) or not (1) on the given side."""
    return [s * (2.5 if c else 1.0) for c, s in zip(close, rtm)]


@pytest.mark.parametrize(
    ("close", "rtm", "flagged"),
    [
        ([1, 0, 1], [1, 1, 1], [1, 0, 1]),
        ([0, 1, 1], [1, 1, 1], [0, 1, 1]),
        ([1, 1, 0], [1, 1, 1], [1, 1, 0]),
        ([0, 0, 1, 0, 1, 0, 0], [1] * 7, [0, 0, 1, 0, 1, 0, 0]),
        ([0, 0, 1, 1, 0, 0, 0], [1] * 7, [0, 0, 1, 1, 0, 0, 0]),
        ([1, 0, 0, 1], [1] * 4, [0, 0, 0, 0]),
        ([1, 0, 0, 1, 1], [1] * 5, [0, 0, 0, 1, 1]),
        # "... when points are on opposite sides of the mean"
        ([1, 0, 1], [1, -1, 1], [0, 0, 0]),
        ([0, 1, 1], [1, -1, 1], [0, 0, 0]),
        ([1, 1, 0], [1, -1, 1], [0, 0, 0]),
        ([0, 0, 1, 0, 1, 0, 0], [1, -1, 1, -1, 1, -1, 1], [0] * 7),
        ([0, 0, 1, 1, 0, 0, 0], [-1, 1, -1, 1, -1, 1, -1], [0] * 7),
    ],
)
def test_two_in_three(close, rtm, flagged) -> None:
    out = two_of_three(np.array(_values(close, rtm)), LIM)
    assert list(np.abs(out)) == flagged


@pytest.mark.parametrize(
    ("rtm", "flagged"),
    [
        ([1] * 6, [0] * 6),
        ([1] * 6 + [-1], [0] * 7),
        ([1] * 8 + [-1], [1] * 8 + [0]),
        ([-1] * 8 + [1], [-1] * 8 + [0]),
    ],
)
def test_seven_points_one_side_of_the_mean(rtm, flagged) -> None:
    assert list(shift(np.array(rtm, dtype=float), LIM, 7)) == flagged


@pytest.mark.parametrize(
    ("y", "flagged"),
    [
        ([1, 2, 3, 4, 5, 6], [0] * 6),
        ([1, 2, 3, 3, 4, 5, 6], [0] * 7),  # a tie breaks the trend
        ([1, 2, 3, 4, 5, 6, 7], [1] * 7),
        ([2, 1, 2, 3, 4, 5, 6, 7, 3], [0] + [1] * 7 + [0]),
        ([7, 6, 5, 4, 3, 2, 1], [-1] * 7),
        ([2, 7, 6, 5, 4, 3, 2, 1, 3], [0] + [-1] * 7 + [0]),
    ],
)
def test_seven_point_trend(y, flagged) -> None:
    assert list(trend(np.array(y, dtype=float), 7)) == flagged


def test_precedence_of_the_rules(monkeypatch) -> None:
    # ptd_special_cause_type works as expected: with each rule's flags stubbed, limits beat trends,
    # trends beat two-in-three, two-in-three beats the run of seven, nothing else is common cause.
    # (The reference stubs "Below LCL" as +1 at the 6th point with the point below the mean; here a
    # flag carries its own side, so it is -1.)
    stubs = {
        "trend": [1, 1, 0, 0, 0, 0, 0, 0],
        "shift": [0, 0, 1, 1, 0, 0, 0, 0],
        "two_of_three": [0, 0, 0, 0, -1, 0, 0, 0],
        "outside_limits": [0, 0, 0, 0, 0, -1, -1, 0],
    }
    for name, flags in stubs.items():
        monkeypatch.setattr(_spc_rules, name, lambda *args, f=flags: np.array(f))
    r = spc([1, 2, 3, 4, 5, 6, 7, 8], "up")
    assert [(p.rule, p.direction) for p in r.points] == [
        ("trend", "high"), ("trend", "high"), ("shift", "high"), ("shift", "high"),
        ("two_of_three", "low"), ("outside_limits", "low"), ("outside_limits", "low"), (None, None),
    ]


# --- tests/testthat/test-ptd_calculate_assurance_type.R --------------------------------------------

def _segment(lpl: float, upl: float, n: int = 13) -> list[float]:
    """Return n alternating values whose XmR limits are exactly (lpl, upl) up to rounding."""
    mean, d = (lpl + upl) / 2, (upl - lpl) / 2 / (2.66 * 2)
    return [mean + (d if i % 2 else -d) for i in range(n)]


A, B, C = (1, 3), (5, 7), (1, 5)  # the lpl / upl of groups a, b and c; target 4


@pytest.mark.parametrize(
    ("polarity", "icons"),
    [
        ("up", ["fail", "pass", "inconsistent"]),
        ("down", ["pass", "fail", "inconsistent"]),
        ("neutral", [None, None, None]),
    ],
)
def test_assurance_by_group(polarity: str, icons: list) -> None:
    assert [spc(_segment(*g), polarity, target=4).assurance_icon for g in (A, B, C)] == icons


@pytest.mark.parametrize(
    ("order", "icon"), [((A, B, C), "inconsistent"), ((B, C, A), "pass"), ((C, A, B), "fail")]
)
def test_assurance_uses_the_last_rebase_group(order, icon: str) -> None:
    values = [v for g in order for v in _segment(*g)]
    assert spc(values, "down", target=4, rebase_at=[13, 26]).assurance_icon == icon


# --- tests/testthat/test-geom_ptd_icon.R ("ptd_get_icons transforms the data correctly") -----------
Y24 = RNORM_123[:24]
UP5 = Y24[:12] + [v + 5 for v in RNORM_123[24:36]]  # d$y[d$f == 1] <- rnorm(12, 5)
DOWN5 = Y24[:12] + [v - 5 for v in RNORM_123[36:48]]  # then d$y[d$f == 1] <- rnorm(12, -5)


@pytest.mark.parametrize(
    ("values", "polarity", "target", "variation", "assurance"),
    [
        (Y24, "up", None, "common_cause", None),  # s1
        (Y24, "up", 0.5, "common_cause", "inconsistent"),  # s2
        (UP5, "up", -3, "improvement_high", "pass"),  # s5
        (UP5, "down", -3, "concern_high", "fail"),  # s6
        (DOWN5, "up", 3, "concern_low", "fail"),  # s7
        (DOWN5, "down", 3, "improvement_low", "pass"),  # s8
        (DOWN5, "neutral", 3, "neutral_low", None),  # s9
    ],
)
def test_icons(values, polarity, target, variation, assurance) -> None:
    r = spc(values, polarity, target=target, warning_threshold=0)
    assert (r.variation_icon, r.assurance_icon) == (variation, assurance)


# --- tests/testthat/test-ptd_add_short_group_warnings.R (warning_threshold = 12) --------------------

def test_short_group_warnings() -> None:
    (warning,) = spc(RNORM_123[:11], "up", warning_threshold=12).warnings
    assert warning.startswith("segment 0 (points 0 to 10) has only 11 point(s)")
    assert spc(RNORM_123[:12], "up", warning_threshold=12).warnings == ()
    assert spc(RNORM_123[:40], "up", rebase_at=20, warning_threshold=12).warnings == ()
    (warning,) = spc(RNORM_123[:40], "up", rebase_at=35, warning_threshold=12).warnings
    assert warning.startswith("segment 1 (points 35 to 39) has only 5 point(s)")
    # R/ptd_add_short_group_warnings.R: the default threshold is 13.
    assert len(spc(RNORM_123[:12], "up").warnings) == 1 and spc(RNORM_123[:13], "up").warnings == ()
