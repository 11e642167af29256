"""Funnel-plot limits, checked against values computed independently here with scipy.stats.

A limit is the observed value whose own interval just touches the average (the
PHEindicatormethods construction), so each check recomputes that interval bound at the returned
limit from normal / beta / chi-squared quantiles and expects the average back.
"""

from __future__ import annotations

import math

import pytest
from scipy import stats as st

from crimeplan.compare.peers import funnel_flag, funnel_limits, peer_comparison
from crimeplan.stats import count_ci, proportion_ci

# two-sided levels: 95% → 0.025 in each tail, 99.8% → 0.001 in each tail
TAILS = {"95": 0.025, "99_8": 0.001}


# ---------------------------------------------------------------------------------------------
# proportions


@pytest.mark.parametrize(("average", "n"), [(30.0, 100), (10.0, 50), (50.0, 1000), (18.2, 4321)])
def test_proportion_wilson_limits(average: float, n: int) -> None:
    # PHE's proportion funnel: p̄ ± z·√(p̄(1−p̄)/n), z = Φ⁻¹(0.975) = 1.95996 or Φ⁻¹(0.999) = 3.09023;
    # e.g. 30% of 100: 0.30 ± 1.95996·√(0.21/100) = 0.30 ± 0.089817 → (21.018%, 38.982%)
    lim = funnel_limits(average, n, "proportion")
    p = average / 100
    for key, tail in TAILS.items():
        half = st.norm.isf(tail) * math.sqrt(p * (1 - p) / n)
        assert lim[f"lower_{key}"] == pytest.approx(100 * max(0.0, p - half), rel=1e-12, abs=1e-12)
        assert lim[f"upper_{key}"] == pytest.approx(100 * min(1.0, p + half), rel=1e-12)
    assert lim["expected"] == pytest.approx(p * n)


def test_proportion_wilson_worked_example() -> None:
    lim = funnel_limits(30.0, 100)
    assert lim["lower_95"] == pytest.approx(21.018317, abs=1e-6)
    assert lim["upper_95"] == pytest.approx(38.981683, abs=1e-6)
    # 99.8%: 0.30 ± 3.090232·0.0458258 = 0.30 ± 0.141612
    assert lim["lower_99_8"] == pytest.approx(15.838777, abs=1e-6)
    assert lim["upper_99_8"] == pytest.approx(44.161223, abs=1e-6)


def test_proportion_wilson_limit_is_where_the_wilson_interval_touches_the_average() -> None:
    # the same limits seen the other way: the Wilson interval of the limit reaches 30% exactly
    lim = funnel_limits(30.0, 100)
    assert proportion_ci(lim["upper_95"], 100)[0] == pytest.approx(0.30, abs=1e-12)
    assert proportion_ci(lim["lower_95"], 100)[1] == pytest.approx(0.30, abs=1e-12)


def test_proportion_limits_clip_at_0_and_100() -> None:
    # 5% of 20: 0.05 − 1.96·√(0.0475/20) = 0.05 − 0.0955 < 0 → 0
    lim = funnel_limits(5.0, 20)
    assert lim["lower_95"] == 0.0 and lim["lower_99_8"] == 0.0
    lim = funnel_limits(95.0, 20)
    assert lim["upper_95"] == 100.0


@pytest.mark.parametrize(("average", "n"), [(30.0, 100), (10.0, 50), (50.0, 1000), (2.0, 300)])
def test_proportion_exact_limits_against_beta_quantiles(average: float, n: int) -> None:
    # Clopper-Pearson: lower bound of x/n = Beta⁻¹(α/2; x, n−x+1), upper = Beta⁻¹(1−α/2; x+1, n−x)
    lim = funnel_limits(average, n, "proportion", method="exact")
    p = average / 100
    for key, tail in TAILS.items():
        x_up = lim[f"upper_{key}"] * n / 100
        assert st.beta.ppf(tail, x_up, n - x_up + 1) == pytest.approx(p, rel=1e-9)
        x_low = lim[f"lower_{key}"] * n / 100
        if x_low > 0:
            assert st.beta.ppf(1 - tail, x_low + 1, n - x_low) == pytest.approx(p, rel=1e-9)
        else:  # even 0 of n has an interval reaching p̄: 1 − (α/2)^(1/n) >= p̄
            assert 1 - tail ** (1 / n) >= p


def test_proportion_exact_is_wider_than_wilson() -> None:
    w, e = funnel_limits(30.0, 100), funnel_limits(30.0, 100, method="exact")
    assert e["lower_95"] < w["lower_95"] and e["upper_95"] > w["upper_95"]


# ---------------------------------------------------------------------------------------------
# rates


@pytest.mark.parametrize(("average", "population"), [(50.0, 20_000), (79.35, 1_858_600), (2.0, 3_000),
                                                     (0.01, 1_850_000), (5.0, 1_000)])
def test_rate_exact_limits_against_chi2_quantiles(average: float, population: int) -> None:
    # Garwood limits of a count x: lower χ²(α/2; 2x)/2, upper χ²(1−α/2; 2x+2)/2.
    # The upper funnel limit is the x whose lower limit equals E = average × population / 1,000,
    # the lower funnel limit the x whose upper limit equals E (0 if even x = 0 reaches E).
    lim = funnel_limits(average, population, "rate")
    e = average * population / 1000
    assert lim["expected"] == pytest.approx(e)
    for key, tail in TAILS.items():
        x_up = lim[f"upper_{key}"] * population / 1000
        assert st.chi2.ppf(tail, 2 * x_up) / 2 == pytest.approx(e, rel=1e-9)
        x_low = lim[f"lower_{key}"] * population / 1000
        if x_low > 0:
            assert st.chi2.ppf(1 - tail, 2 * x_low + 2) / 2 == pytest.approx(e, rel=1e-9)
        else:
            assert st.chi2.ppf(1 - tail, 2) / 2 >= e


def test_rate_exact_limit_lands_on_a_whole_count() -> None:
    # choose E as the exact lower limit of 20 events: E = χ²(0.025; 40)/2 = 12.2165;
    # then 20 events is exactly the upper 95% funnel limit: 20 / 10,000 × 1,000 = 2.0 per 1,000
    e = st.chi2.ppf(0.025, 40) / 2
    assert e == pytest.approx(12.21652, abs=1e-5)
    lim = funnel_limits(e * 1000 / 10_000, 10_000, "rate")
    assert lim["upper_95"] == pytest.approx(2.0, rel=1e-9)
    # and E as the exact upper limit of 3 events: χ²(0.975; 8)/2 = 8.7673 → lower limit 0.3 per 1,000
    e = st.chi2.ppf(0.975, 8) / 2
    lim = funnel_limits(e * 1000 / 10_000, 10_000, "rate")
    assert lim["lower_95"] == pytest.approx(0.3, rel=1e-9)


def test_small_expected_count_has_no_lower_limit() -> None:
    # E = 1: x = 0 has upper limit χ²(0.975; 2)/2 = −ln(0.025) = 3.689 > 1, so nothing is significantly low
    lim = funnel_limits(1.0, 1_000, "rate")
    assert lim["lower_95"] == 0.0 and lim["lower_99_8"] == 0.0
    assert math.log(1 / 0.025) == pytest.approx(st.chi2.ppf(0.975, 2) / 2)


def test_rate_byar_method_inverts_count_ci() -> None:
    lim = funnel_limits(50.0, 20_000, "rate", method="byar")
    e = 1000.0
    x_up, x_low = lim["upper_95"] * 20, lim["lower_95"] * 20
    assert count_ci(x_up)[0] == pytest.approx(e, rel=1e-9)
    assert count_ci(x_low)[1] == pytest.approx(e, rel=1e-9)
    assert count_ci(lim["upper_99_8"] * 20, 0.998)[0] == pytest.approx(e, rel=1e-9)
    # at E = 1,000 Byar and exact agree to 1 in 10⁵
    ex = funnel_limits(50.0, 20_000, "rate")
    for k in ("lower_95", "upper_95", "lower_99_8", "upper_99_8"):
        assert lim[k] == pytest.approx(ex[k], rel=1e-4)


def test_funnel_narrows_as_the_population_grows() -> None:
    widths = [funnel_limits(50.0, n, "rate")["upper_99_8"] - funnel_limits(50.0, n, "rate")["lower_99_8"]
              for n in (1_000, 10_000, 100_000, 1_000_000)]
    assert widths == sorted(widths, reverse=True)


def test_multiplier_changes_the_display_units() -> None:
    per_1000 = funnel_limits(50.0, 20_000, "rate")
    per_100k = funnel_limits(5000.0, 20_000, "rate", multiplier=100_000)
    assert per_100k["upper_95"] == pytest.approx(100 * per_1000["upper_95"])
    as_fraction = funnel_limits(0.3, 100, "proportion", multiplier=1)
    assert as_fraction["upper_95"] == pytest.approx(funnel_limits(30.0, 100)["upper_95"] / 100)


# ---------------------------------------------------------------------------------------------
# flags


@pytest.mark.parametrize(("value", "polarity", "level", "expected"), [
    # 30% of 100: 95% limits (21.02, 38.98), 99.8% limits (15.84, 44.16)
    (40.0, "up", 0.95, "better"),
    (40.0, "up", 0.998, "similar"),
    (45.0, "up", 0.998, "better"),
    (45.0, "down", 0.998, "worse"),
    (20.0, "up", 0.95, "worse"),
    (20.0, "down", 0.95, "better"),
    (20.0, "down", 0.998, "similar"),
    (30.0, "up", 0.95, "similar"),
])
def test_funnel_flag(value: float, polarity: str, level: float, expected: str) -> None:
    assert funnel_flag(value, 30.0, 100, "proportion", polarity=polarity, level=level) == expected


def test_a_value_on_the_limit_is_similar() -> None:
    lim = funnel_limits(30.0, 100)
    assert funnel_flag(lim["upper_95"], 30.0, 100, level=0.95) == "similar"


def test_funnel_flag_agrees_with_peer_significance() -> None:
    # the Byar funnel at 95% flags exactly what the home interval (count_ci) flags
    peers = {"P1": 95.0, "P2": 97.0, "P3": 99.0, "P4": 100.0, "P5": 101.0, "P6": 103.0, "P7": 105.0}
    for count in range(980, 1141, 10):
        vals = peers | {"Home": count / 10}
        r = peer_comparison("Home", vals, "down", population=10_000, counts={"Home": count})
        flag = funnel_flag(count / 10, r.average, 10_000, "rate", polarity="down", level=0.95, method="byar")
        assert flag == r.significance, count


@pytest.mark.parametrize(("args", "match"), [
    ((30.0, 100, "ratio"), "kind"),
    ((30.0, 0, "proportion"), "denominator"),
    ((-1.0, 100, "proportion"), "average"),
    ((130.0, 100, "proportion"), "exceed"),
])
def test_bad_funnel_input(args: tuple, match: str) -> None:
    with pytest.raises(ValueError, match=match):
        funnel_limits(*args)
    with pytest.raises(ValueError, match="method"):
        funnel_limits(30.0, 100, "proportion", method="byar")
    with pytest.raises(ValueError, match="level"):
        funnel_flag(30.0, 30.0, 100, level=0.9)
