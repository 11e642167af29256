"""Each special-cause rule fires exactly where expected, with ties, on-mean points and precedence."""

import pytest

from crimeplan.stats import spc

BASE = [9, 11, 10]  # a calm pattern: no rule fires on repeats of it


def fired(values, polarity="up", **kwargs) -> dict[int, str]:
    """Return {index: rule} for the points where a rule fired."""
    return {p.index: p.rule for p in spc(values, polarity, **kwargs).points if p.rule}


def test_rule_1_a_point_outside_the_limits(hand_limits) -> None:
    values = BASE * 5
    values[7] = 20  # ranges 11 and 10 around it are screened out: mean moving range 16/12
    lim = hand_limits(values)
    assert lim["mean"] == pytest.approx(10.6) and lim["mmr"] == pytest.approx(4 / 3)
    assert values[7] > lim["upper_limit"] and all(lim["lower_2sigma"] < v < lim["upper_2sigma"] for v in BASE)
    point = spc(values, "down").points[7]
    assert fired(values) == {7: "outside_limits"}
    assert (point.direction, point.special_cause) == ("high", "concern")


def test_rule_2_a_run_of_seven_rising(hand_limits) -> None:
    values = BASE * 3 + [7, 8, 9, 10, 11, 12, 13] + [10, 9, 11] * 2
    lim = hand_limits(values)
    assert lim["lower_limit"] < 7 and lim["upper_limit"] > 13 and lim["upper_2sigma"] > 12
    assert fired(values) == {i: "trend" for i in range(9, 16)}
    assert {spc(values, "up").points[i].special_cause for i in range(9, 16)} == {"improvement"}


def test_rule_2_a_tie_breaks_the_run() -> None:
    values = BASE * 3 + [7, 8, 9, 9, 10, 11, 12, 13] + [10, 9, 11] * 2
    assert fired(values) == {}


def test_rule_2_run_length_six() -> None:
    values = BASE * 3 + [8, 9, 10, 11, 12, 13] + [10, 9, 11] * 2
    assert fired(values) == {}
    assert fired(values, run_length=6) == {i: "trend" for i in range(9, 15)}


def test_rule_2_a_falling_run_and_a_shared_turning_point() -> None:
    values = BASE * 4 + [7, 8, 9, 10, 11, 12, 13, 12, 11, 10, 9, 8, 7] + BASE * 4
    points = spc(values, "up").points
    assert fired(values) == {i: "trend" for i in range(12, 25)}
    # The peak ends the rising run and starts the falling one: it takes the new (falling) run's
    # direction, as NHSRplotthedots 0.2 does (R/ptd_calculate_point_type.R, "use right side").
    assert [p.direction for p in points[12:25]] == ["high"] * 6 + ["low"] * 7
    assert points[20].special_cause == "concern"


def test_rule_2_direction_follows_the_trend_not_the_side_of_the_mean() -> None:
    values = [14, 16, 15] * 4 + [11.8, 12.3, 12.8, 13.3, 13.8, 14.3, 14.8] + [14, 16, 15] * 2
    first = spc(values, "up").points[12]
    assert first.value < first.mean
    assert (first.rule, first.direction, first.special_cause) == ("trend", "high", "improvement")


def test_rule_3_two_of_three_beyond_two_sigma(hand_limits) -> None:
    values = BASE * 4 + [13.5, 11, 13.5] + BASE * 4
    lim = hand_limits(values)
    assert lim["upper_2sigma"] < 13.5 < lim["upper_limit"] and lim["mean"] < 11
    assert fired(values) == {12: "two_of_three", 14: "two_of_three"}  # the middle point is not flagged
    low = BASE * 4 + [6.5, 9.5, 6.5] + BASE * 4
    lim = hand_limits(low)
    assert lim["lower_limit"] < 6.5 < lim["lower_2sigma"]
    assert fired(low, "down") == {12: "two_of_three", 14: "two_of_three"}
    assert spc(low, "down").points[12].special_cause == "improvement"


def test_rule_3_needs_both_points_within_three_and_on_one_side() -> None:
    assert fired(BASE * 4 + [13.5, 10, 10, 13.5] + BASE * 4) == {}
    assert fired(BASE * 4 + [13.5, 6.5] + BASE * 4) == {}


def test_rule_3_needs_the_whole_window_on_one_side_of_the_mean(hand_limits) -> None:
    # The middle point (10) is below the mean (10.26): NHSRplotthedots flags nothing (issue #143,
    # tests/testthat/test-ptd_calculate_point_type.R, "opposite sides of the mean").
    values = BASE * 4 + [13.5, 10, 13.5] + BASE * 4
    lim = hand_limits(values)
    assert lim["mean"] > 10 and lim["upper_2sigma"] < 13.5 < lim["upper_limit"]
    assert fired(values) == {}
    assert fired(BASE * 4 + [13.5, 13.5, 11] + BASE * 4) == {12: "two_of_three", 13: "two_of_three"}


def test_rule_3_counts_a_point_beyond_the_limits() -> None:
    assert fired(BASE * 4 + [11, 18, 13.5] + BASE * 4) == {13: "outside_limits", 14: "two_of_three"}


# Mean exactly 10: twelve points above (+0.5, +1.5) balance twelve below (-0.5, -1.5).
ABOVE = [10.5, 11.5] * 3
BELOW = [9.5, 8.5] * 6


def test_rule_4_a_run_on_one_side_and_a_point_on_the_mean_breaks_it(hand_limits) -> None:
    values = [*ABOVE, 10, *ABOVE, *BELOW]
    lim = hand_limits(values)
    assert lim["mean"] == 10 and lim["lower_2sigma"] < 8.5 and lim["upper_2sigma"] > 11.5
    assert fired(values) == {i: "shift" for i in range(13, 25)}
    assert fired(values, run_length=6) == {i: "shift" for i in range(25) if i != 6}
    nudged = [*ABOVE, 10.5, *ABOVE, *BELOW]  # the same point just above the mean joins the runs
    assert fired(nudged) == {i: "shift" for i in range(25)}


def test_precedence_outside_limits_beats_trend() -> None:
    values = BASE * 4 + [8, 9, 10, 11, 12, 13, 20] + BASE * 2
    assert fired(values) == {**{i: "trend" for i in range(12, 18)}, 18: "outside_limits"}
