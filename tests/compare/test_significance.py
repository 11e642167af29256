"""The export's significance columns agree with a second implementation (statsmodels, scipy)."""

from __future__ import annotations

import math

import pytest
import yaml
from scipy import stats as sps
from statsmodels.stats import rates
from statsmodels.stats.proportion import proportion_confint, proportions_ztest

from crimeplan.compare import compare
from crimeplan.compare.significance import add_significance
from crimeplan.engine import compute_series
from crimeplan.plans import load_plan
from tests.conftest import AREAS
from tests.engine.test_hand_worked import CALLS, CRIMES, EVENTS, PLAN


@pytest.fixture
def table(make_store, tmp_path):
    import datetime as dt

    store = make_store({"areas": AREAS, "crimes": CRIMES, "calls": CALLS, "events": EVENTS},
                       extract=dt.date(2024, 8, 31))
    path = tmp_path / "plan.yaml"
    path.write_text(yaml.safe_dump(PLAN))
    plan = load_plan(path)
    res = add_significance(compare(compute_series(store, plan, "2024-03"), plan, "2024-03"), plan)
    return res[res.area_level == "force"].set_index(["measure_id", "window"])


def test_counts_use_the_poisson_e_test(table):
    row = table.loc[("all_crime", "12m")]  # 7 against 3
    expected = rates.test_poisson_2indep(7, 1, 3, 1, method="etest").pvalue
    assert row.p_value == pytest.approx(expected, abs=1e-9)
    assert row.significant == (expected < 0.05)
    low, high = sps.chi2.ppf(0.025, 14) / 2, sps.chi2.ppf(0.975, 16) / 2  # exact Poisson for x < 10
    assert (row.ci_low, row.ci_high) == (pytest.approx(low), pytest.approx(high))
    assert "E-test" in row.test


def test_percentages_use_the_pooled_z_test_and_wilson(table):
    row = table.loc[("solved_rate", "12m")]  # 5 of 7 against 1 of 3
    _, p = proportions_ztest([5, 1], [7, 3])
    assert row.p_value == pytest.approx(p, abs=1e-9)
    low, high = proportion_confint(5, 7, method="wilson")
    assert row.ci_low == pytest.approx(100 * low) and row.ci_high == pytest.approx(100 * high)
    assert row.assessment == ("significantly better" if p < 0.05 else "no significant change")


def test_not_comparable_rows_get_an_interval_but_no_test(table):
    row = table.loc[("victim_based_crime", "12m")]
    assert not row.comparable and (row.p_value is None or math.isnan(row.p_value))
    assert row.ci_low < 6 < row.ci_high


def test_means_use_welch_from_summary_statistics():
    from crimeplan.compare.significance import _interval, _p_value

    plan = load_plan("monthly-performance")
    m = plan.measure("switchboard_wait_s")
    row = {"current_numerator": 40.0 * 500, "current_denominator": 500, "current_sd": 12.0,
           "previous_numerator": 42.0 * 400, "previous_denominator": 400, "previous_sd": 15.0}
    expected = sps.ttest_ind_from_stats(42.0, 15.0, 400, 40.0, 12.0, 500, equal_var=False).pvalue
    assert _p_value("means", m, row) == pytest.approx(expected, abs=1e-12)
    half = sps.t.ppf(0.975, 499) * 12.0 / math.sqrt(500)
    low, high = _interval("means", m, 40.0 * 500, 500, 12.0)
    assert (low, high) == (pytest.approx(40 - half), pytest.approx(40 + half))
