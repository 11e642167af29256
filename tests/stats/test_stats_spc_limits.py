"""XmR limits: hand calculation, the moving-range outlier screen, rebasing and short-segment warnings."""

import math

import pytest

from crimeplan.stats import spc

CALM = [9, 11, 10] * 5  # mean exactly 10, no special cause


def lines(point) -> dict[str, float]:
    """Return the lines carried by a point as a dict comparable with the hand calculation."""
    return {
        "mean": point.mean,
        "lower_limit": point.lower_limit,
        "upper_limit": point.upper_limit,
        "lower_2sigma": point.lower_2sigma,
        "upper_2sigma": point.upper_2sigma,
    }


def test_limits_by_hand() -> None:
    # Moving ranges 2,1,1 repeating: 14 of them summing to 19, none screened.
    result = spc(CALM, "up")
    mmr = 19 / 14
    expected = {
        "mean": 10.0,
        "lower_limit": 10 - 2.66 * mmr,
        "upper_limit": 10 + 2.66 * mmr,
        "lower_2sigma": 10 - 2 / 3 * 2.66 * mmr,
        "upper_2sigma": 10 + 2 / 3 * 2.66 * mmr,
    }
    for point in result.points:
        assert lines(point) == pytest.approx(expected, rel=1e-12)
    assert result.rules == (None,) * 15 and result.variation_icon == "common_cause"


def test_limits_match_plain_python_on_a_messy_series(hand_limits) -> None:
    values = [23, 31, 18, 27, 40, 22, 25, 29, 19, 33, 26, 24, 35, 21, 28]
    expected = hand_limits(values)
    expected.pop("mmr")
    assert lines(spc(values, "down").points[0]) == pytest.approx(expected, rel=1e-12)


def test_one_huge_moving_range_is_screened_out() -> None:
    values = [*CALM, 30]
    # Ranges: the 14 calm ones (sum 19) and 20. Unscreened mean 39/15 = 2.6; 20 > 3.267 * 2.6, so dropped.
    mean, mmr = 180 / 16, 19 / 14
    last = spc(values, "up").points[-1]
    assert last.mean == pytest.approx(11.25, rel=1e-12)
    assert last.upper_limit == pytest.approx(mean + 2.66 * mmr, rel=1e-12)
    assert last.lower_limit == pytest.approx(mean - 2.66 * mmr, rel=1e-12)
    assert last.upper_limit != pytest.approx(mean + 2.66 * 39 / 15)  # the unscreened value
    assert last.rule == "outside_limits"


def test_a_range_just_under_the_screen_is_kept(hand_limits) -> None:
    values = [10, 11] * 7 + [14]  # 13 ranges of 1 and one of 3: mean 16/14, screen 3.73, so 3 is kept
    assert spc(values, "up").points[0].upper_limit == pytest.approx(hand_limits(values)["upper_limit"])
    assert hand_limits(values)["mmr"] == pytest.approx(16 / 14)


def test_rebasing_gives_each_segment_its_own_limits() -> None:
    high = [19, 21, 20] * 5
    result = spc(CALM + high, "up", rebase_at=[15])
    mmr = 19 / 14  # the 10 -> 19 jump across the rebase is not a moving range of either segment
    first, second = result.points[0], result.points[15]
    assert (first.segment, second.segment) == (0, 1)
    assert (first.mean, second.mean) == pytest.approx((10.0, 20.0))
    assert second.upper_limit == pytest.approx(20 + 2.66 * mmr, rel=1e-12)
    assert first.upper_limit == pytest.approx(10 + 2.66 * mmr, rel=1e-12)
    assert result.rules == (None,) * 30 and result.rebase_at == (15,)
    # Without the rebase the 10 -> 19 range is screened and every point falls outside the limits.
    assert set(spc(CALM + high, "up").rules) == {"outside_limits"}


def test_runs_do_not_cross_a_rebase() -> None:
    values = [9, 11, 10] * 3 + [7, 8, 9, 10] + [11, 12, 13] + [10, 9, 11, 10, 9, 11] * 2
    assert "trend" in spc(values, "up").rules
    assert "trend" not in spc(values, "up", rebase_at=13).rules


def test_short_segment_warnings() -> None:
    assert spc(CALM[:13], "up").warnings == ()
    (warning,) = spc(CALM[:12], "up").warnings
    assert "12 point" in warning and "13" in warning
    (warning,) = spc(CALM + CALM[:10], "up", rebase_at=[15]).warnings
    assert warning.startswith("segment 1") and "10 point" in warning


def test_degenerate_segments() -> None:
    one = spc([5.0], "up")
    assert math.isnan(one.points[0].upper_limit) and one.points[0].rule is None
    flat = spc([4] * 15, "up", target=4)
    assert flat.points[0].upper_limit == flat.points[0].lower_limit == 4.0
    assert flat.rules == (None,) * 15 and flat.assurance_icon == "inconsistent"


@pytest.mark.parametrize(
    "kwargs",
    [
        {"values": [], "polarity": "up"},
        {"values": [1, 2, float("inf")], "polarity": "up"},
        {"values": [1, 2, 3], "polarity": "higher"},
        {"values": [1, 2, 3], "polarity": "up", "rebase_at": [0]},
        {"values": [1, 2, 3], "polarity": "up", "rebase_at": [3]},
        {"values": [1, 2, 3], "polarity": "up", "rebase_at": [1.5]},
        {"values": [1, 2, 3], "polarity": "up", "run_length": 2},
        {"values": [1, 2, 3], "polarity": "up", "target": float("inf")},
    ],
)
def test_invalid_arguments_raise(kwargs) -> None:
    with pytest.raises(ValueError):
        spc(**kwargs)
