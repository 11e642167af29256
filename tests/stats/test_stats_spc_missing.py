"""Missing values, the fixed baseline and their combination with rebasing (figures worked by hand).

NHSRplotthedots has no test with a missing value; its handling (R/ptd_spc_standard.R: means and moving
ranges with na.rm, a range beside NA is NA; R/ptd_calculate_point_type.R: no run or window of three
through an NA) is what these tests pin down.
"""

import math

import numpy as np
import pytest

from crimeplan.stats import spc

CALM = [9, 11, 10] * 5  # moving ranges 2, 1, 1 repeating
BASE = [9, 11, 10]


def fired(values, polarity="up", **kwargs) -> dict[int, str]:
    """Return {index: rule} for the points where a rule fired."""
    return {p.index: p.rule for p in spc(values, polarity, **kwargs).points if p.rule}


def test_a_missing_point_is_left_out_not_taken_as_zero() -> None:
    values: list[float | None] = list(CALM)
    values[7] = None  # an 11; the ranges 6-7 (2) and 7-8 (1) go with it: 12 ranges summing to 16
    result = spc(values, "up")
    first, gap = result.points[0], result.points[7]
    assert first.mean == pytest.approx(139 / 14, rel=1e-12)
    assert first.upper_limit == pytest.approx(139 / 14 + 2.66 * 16 / 12, rel=1e-12)
    assert first.lower_2sigma == pytest.approx(139 / 14 - 2 / 3 * 2.66 * 16 / 12, rel=1e-12)
    assert math.isnan(gap.value)
    assert all(math.isnan(x) for x in (gap.mean, gap.lower_limit, gap.upper_limit, gap.lower_2sigma,
                                       gap.upper_2sigma))
    assert (gap.rule, gap.direction, gap.special_cause, gap.baseline) == (None, None, None, False)
    assert result.rules == (None,) * 15
    assert spc([*CALM[:7], 0, *CALM[8:]], "up").points[0].mean == pytest.approx(139 / 15)  # a zero is data


@pytest.mark.parametrize("gap", [None, float("nan"), np.nan])
def test_none_and_nan_are_both_missing(gap) -> None:
    values = [*CALM[:7], gap, *CALM[8:]]
    assert spc(values, "up").points[0].mean == pytest.approx(139 / 14)
    assert spc(np.array(values, dtype=float), "up").points[0].mean == pytest.approx(139 / 14)


def test_pandas_missing_values() -> None:
    pd = pytest.importorskip("pandas")
    series = pd.Series([*CALM[:7], None, *CALM[8:]], dtype="Float64")  # holds pd.NA
    assert spc(series, "up").points[0].mean == pytest.approx(139 / 14)


def test_a_run_on_one_side_does_not_continue_across_a_gap() -> None:
    above, below = [10.5, 11.5] * 3, [8.5, 9.5] * 6  # mean exactly 10 without the gap
    assert fired([*above, None, *above, *below]) == {i: "shift" for i in range(13, 25)}
    assert fired([*above, 11, *above, *below]) == {i: "shift" for i in range(25)}


def test_a_trend_does_not_continue_across_a_gap() -> None:
    assert fired(BASE * 4 + [7, 8, 9, 10, 11, 12, 13] + [10, 9, 11] * 2) == {i: "trend" for i in range(12, 19)}
    assert fired(BASE * 4 + [7, 8, 9, None, 10, 11, 12, 13] + [10, 9, 11] * 2) == {}


def test_no_window_of_three_through_a_gap() -> None:
    assert fired(BASE * 4 + [11, 13.5, 13.5, 11] + BASE * 4) == {13: "two_of_three", 14: "two_of_three"}
    assert fired(BASE * 4 + [11, 13.5, None, 13.5, 11] + BASE * 4) == {}


def test_a_missing_last_point() -> None:
    result = spc([*CALM, None], "up", target=5)
    assert result.variation_icon == "common_cause"  # as NHSRplotthedots: an NA row is common cause
    assert result.assurance_icon == "pass"  # from the last segment's limits, 10 - 2.66 * 19/14 = 6.39
    assert "the last point is missing" in result.warnings[-1]


def test_all_missing() -> None:
    result = spc([None, None, None], "up", target=1)
    assert all(math.isnan(p.mean) and p.rule is None for p in result.points)
    assert result.assurance_icon is None and result.baseline_indices == ()
    assert result.warnings[0].startswith("segment 0 (points 0 to 2) has only 0 point(s)")


def test_rebasing_at_and_around_missing_points() -> None:
    high = [19, 21, 20] * 5
    result = spc([*CALM, None, *high], "up", rebase_at=15)
    assert [p.segment for p in result.points] == [0] * 15 + [1] * 16
    assert result.points[16].mean == pytest.approx(20.0)
    assert result.points[16].upper_limit == pytest.approx(20 + 2.66 * 19 / 14, rel=1e-12)
    assert result.rules == (None,) * 31
    # the short-segment warning counts the points that carry a value
    (warning,) = spc([*CALM, *([None] * 3), *high[:10]], "up", rebase_at=15).warnings
    assert warning.startswith("segment 1 (points 15 to 27) has only 10 point(s)")


# --- a fixed baseline -------------------------------------------------------------------------------

def test_fixed_limits_hold_while_new_points_arrive() -> None:
    ys = [9, 11, 10, 9, 11, 10, 9, 11, 10, 9, 11, 10]  # mean 10, ranges 2,1,1 ... : 11 summing to 15
    upper = 10 + 2.66 * 15 / 11
    for extra in ([], [10, 12], [10, 12, 30]):
        result = spc(ys + extra, "up", fix_after_n_points=12, warning_threshold=12)
        assert result.points[-1].upper_limit == pytest.approx(upper, rel=1e-12)
        assert result.baseline_indices == tuple(range(12))
    assert spc([*ys, 10, 12, 30], "up", fix_after_n_points=12).rules[-1] == "outside_limits"


def test_a_gap_inside_the_baseline() -> None:
    ys = [9, 11, 10, None, 11, 10, 9, 11, 10, 9, 11, 10, 50, 50]
    result = spc(ys, "up", fix_after_n_points=12)
    # 11 values summing to 111; ranges: 2, 1 before the gap and 1, 1, 2, 1, 1, 2, 1 after it (9, sum 12)
    assert result.points[0].mean == pytest.approx(111 / 11, rel=1e-12)
    assert result.points[0].upper_limit == pytest.approx(111 / 11 + 2.66 * 12 / 9, rel=1e-12)
    assert result.baseline_indices == (0, 1, 2, 4, 5, 6, 7, 8, 9, 10, 11)
    assert result.rules[-2:] == ("outside_limits", "outside_limits")
    assert "has only 11 point(s)" in result.warnings[0]


def test_fixed_baseline_with_rebasing() -> None:
    values = CALM + [19, 21, 20] * 5
    per_segment = spc(values, "up", rebase_at=15, fix_after_n_points=6)  # 6 points of each segment
    assert per_segment.baseline_indices == (*range(6), *range(15, 21))
    assert per_segment.points[14].upper_limit == pytest.approx(10 + 2.66 * 7 / 5, rel=1e-12)
    assert per_segment.points[29].upper_limit == pytest.approx(20 + 2.66 * 7 / 5, rel=1e-12)
    at_plan_start = spc(values, "up", rebase_at=15, fix_before_index=20)  # only segment 1 is cut
    assert at_plan_start.baseline_indices == tuple(range(20))
    assert at_plan_start.points[0].upper_limit == pytest.approx(10 + 2.66 * 19 / 14, rel=1e-12)
    assert at_plan_start.points[29].mean == pytest.approx(20.0)  # 19, 21, 20, 19, 21
    assert at_plan_start.points[29].upper_limit == pytest.approx(20 + 2.66 * 6 / 4, rel=1e-12)
    assert at_plan_start.warnings == ("segment 1 (points 15 to 29) has only 5 point(s); "
                                      "limits need at least 13 to be reliable",)
    assert (at_plan_start.fix_before_index, at_plan_start.fix_after_n_points) == (20, None)


def test_fix_before_an_index_past_the_end_uses_every_point() -> None:
    assert spc(CALM, "up", fix_before_index=40).points[0] == spc(CALM, "up").points[0]
    assert spc(CALM, "up").baseline_indices == tuple(range(15))
    assert spc(CALM, "up").to_records()[0]["baseline"] is True


@pytest.mark.parametrize(
    "kwargs",
    [
        {"fix_after_n_points": 12, "fix_before_index": 12},
        {"fix_after_n_points": 1},
        {"fix_after_n_points": 2.5},
        {"fix_before_index": 1},
        {"warning_threshold": -1},
        {"screen_outliers": "no"},
    ],
)
def test_invalid_options_raise(kwargs) -> None:
    with pytest.raises(ValueError):
        spc(CALM, "up", **kwargs)
