"""Key points say exactly what the data show, and 'significant' only when a test said so."""

from __future__ import annotations

import datetime as dt

import numpy as np

from crimeplan.narrative import SeriesFacts, key_points
from crimeplan.periods import add_months


def months(n: int, start: dt.date = dt.date(2016, 4, 1)) -> list[dt.date]:
    return [add_months(start, i) for i in range(n)]


def facts(values, percent=False, denominators=None, events=(), start=dt.date(2016, 4, 1)) -> SeriesFacts:
    n = len(values)
    return SeriesFacts("m", "All crime", "down", percent, months(n, start), [float(v) for v in values],
                       list(denominators) if denominators is not None else [None] * n,
                       events=list(events))


def by_kind(points):
    return {p.kind: p for p in points}


def test_known_upward_trend_is_reported_as_significant_with_its_size():
    rng = np.random.default_rng(1)
    t = np.arange(96)
    season = 1 + 0.1 * np.sin(2 * np.pi * t / 12)
    values = rng.poisson(1000 * season * 1.10 ** (t / 12))
    kp = by_kind(key_points(facts(values)))["trend"]
    assert "a significant long-term upward trend since April 2016" in kp.text
    assert kp.numbers["ci_low"] <= 10 <= kp.numbers["ci_high"]
    assert kp.test and "GLM" in kp.test


def test_flat_noisy_series_never_claims_significance():
    rng = np.random.default_rng(7)
    values = rng.poisson(200, size=96)
    points = key_points(facts(values))
    trend = by_kind(points)["trend"]
    assert trend.text == "All crime: no statistically significant long-term trend since April 2016."
    assert trend.numbers["p_value"] >= 0.05
    for p in points:
        assert "significant" not in p.text.replace("not statistically significant", "").replace(
            "no statistically significant", ""), p.text


def test_latest_quarter_against_the_same_quarter_last_year():
    # 36 months of 100 a month, then the last quarter at 130 a month: 300 -> 390 is +30%
    values = [100] * 33 + [130] * 3
    kp = by_kind(key_points(facts(values)))["quarter"]
    # 2016/17 Q1 starts Apr 2016, so month 36 ends 2018/19 Q4
    assert kp.text.startswith("All crime increased by 30.0% in 2018/19 Q4 (390) compared with 2017/18 Q4 (300)")
    assert kp.text.endswith("this change is statistically significant.")
    assert kp.numbers["p_value"] < 0.05


def test_low_numbers_are_named_as_the_reason():
    values = [2] * 33 + [3] * 3  # 6 -> 9 offences in a quarter
    kp = by_kind(key_points(facts(values)))["quarter"]
    assert kp.text.endswith("not statistically significant due to the low number of offences.")


def test_known_run_of_decreases():
    quarterly = [300] * 8 + [290, 280, 270]  # three decreases in a row at the end
    values = [v / 3 for q in quarterly for v in (q, q, q)]
    kp = by_kind(key_points(facts(values)))["run"]
    assert kp.text == "All crime: a decrease in each of the last 3 quarters."


def test_known_record_low_and_lowest_since():
    quarterly = [300, 310, 305, 295, 290, 300, 299, 301, 298, 280]
    values = [v / 3 for q in quarterly for v in (q, q, q)]
    kp = by_kind(key_points(facts(values)))["extreme"]
    assert kp.text.startswith("All crime: 2018/19 Q2 is the lowest quarter on record")
    quarterly = [250] + [300 + (i % 3) for i in range(9)] + [260]
    values = [v / 3 for q in quarterly for v in (q, q, q)]
    kp = by_kind(key_points(facts(values)))["extreme"]
    assert kp.text.startswith("All crime: 2018/19 Q3 is the lowest quarter since 2016/17 Q1")


def test_recording_change_is_explained():
    values = [100] * 24 + [140] * 24
    event = (dt.date(2018, 4, 1), "Changes to crime recording rules for stalking and harassment")
    points = key_points(facts(values, events=[event]))
    kp = by_kind(points)["event"]
    assert kp.text == ("All crime: the series steps at April 2018 because of changes to crime recording "
                       "rules for stalking and harassment; figures before then are not comparable.")
    # the trend is measured from the change, over a flat series: not significant
    assert "no statistically significant long-term trend since April 2018" in by_kind(points)["trend"].text


def test_special_cause_on_the_latest_month():
    values = [100, 102, 98, 101, 99, 100, 103, 97, 100, 101, 99, 100, 102, 98, 101, 99, 160]
    kp = by_kind(key_points(facts(values)))["special_cause"]
    assert "outside the process limits, a special cause of concern" in kp.text  # polarity down


def test_percentages_use_percentage_points():
    dens = [1000] * 36
    nums = [700] * 33 + [750] * 3
    kp = by_kind(key_points(facts(nums, percent=True, denominators=dens)))["quarter"]
    assert kp.text.startswith("All crime increased by 5.0 percentage points in 2018/19 Q4 (75.0%)")
