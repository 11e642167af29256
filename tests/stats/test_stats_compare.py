"""Two-proportion z test and Welch's t test against statsmodels and scipy."""

import math
import os

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from scipy import stats
from statsmodels.stats.proportion import proportions_ztest

from crimeplan.stats import compare_means, compare_proportions

# Random examples locally; the same fixed examples in CI so a run is reproducible.
PROPERTY = settings(
    max_examples=150, deadline=None, derandomize=bool(os.environ.get("CI")),
    suppress_health_check=[HealthCheck.too_slow],
)


@PROPERTY
@given(data=st.data(), n_prev=st.integers(1, 100_000), n_curr=st.integers(1, 100_000))
def test_proportions_match_statsmodels(data: st.DataObject, n_prev: int, n_curr: int) -> None:
    x_prev = data.draw(st.integers(0, n_prev))
    x_curr = data.draw(st.integers(0, n_curr))
    assume(0 < x_prev + x_curr < n_prev + n_curr)
    _, expected = proportions_ztest([x_curr, x_prev], [n_curr, n_prev])
    assert compare_proportions(x_prev, n_prev, x_curr, n_curr) == pytest.approx(expected, abs=1e-9)


def test_proportion_edge_cases() -> None:
    assert compare_proportions(0, 10, 0, 20) == 1.0
    assert compare_proportions(10, 10, 20, 20) == 1.0
    assert math.isnan(compare_proportions(0, 0, 3, 10))
    with pytest.raises(ValueError):
        compare_proportions(11, 10, 3, 10)


sds = st.floats(0.01, 1e4)
ns = st.integers(2, 10_000)
means = st.floats(-1e4, 1e4)


@PROPERTY
@given(m1=means, s1=sds, n1=ns, m2=means, s2=sds, n2=ns)
def test_means_match_scipy_welch(m1: float, s1: float, n1: int, m2: float, s2: float, n2: int) -> None:
    expected = stats.ttest_ind_from_stats(m1, s1, n1, m2, s2, n2, equal_var=False).pvalue
    assert compare_means(m1, s1, n1, m2, s2, n2) == pytest.approx(expected, abs=1e-9)


def test_mean_edge_cases() -> None:
    assert math.isnan(compare_means(1.0, 1.0, 1, 2.0, 1.0, 10))
    assert compare_means(3.0, 0.0, 5, 3.0, 0.0, 8) == 1.0
    assert compare_means(3.0, 0.0, 5, 4.0, 0.0, 8) == 0.0
    with pytest.raises(ValueError):
        compare_means(1.0, -1.0, 5, 2.0, 1.0, 5)
