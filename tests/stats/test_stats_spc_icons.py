"""Variation and assurance icons, and the shape of SPCResult."""

import dataclasses

import pytest

from crimeplan.stats import SPCResult, spc

CALM = [9, 11, 10] * 5  # mean 10, limits 10 ± 2.66 * 19/14 = (6.39, 13.61)
HIGH_LAST = [*CALM, 30]
LOW_LAST = [*CALM, -10]


@pytest.mark.parametrize(
    ("values", "polarity", "icon"),
    [
        (CALM, "up", "common_cause"),
        (CALM, "neutral", "common_cause"),
        (HIGH_LAST, "up", "improvement_high"),
        (LOW_LAST, "down", "improvement_low"),
        (HIGH_LAST, "down", "concern_high"),
        (LOW_LAST, "up", "concern_low"),
        (HIGH_LAST, "neutral", "neutral_high"),
        (LOW_LAST, "neutral", "neutral_low"),
    ],
)
def test_variation_icon_of_the_last_point(values, polarity, icon) -> None:
    assert spc(values, polarity).variation_icon == icon


def test_variation_icon_from_a_trend_uses_the_trend_direction() -> None:
    falling = [9, 11, 10] * 4 + [13, 12, 11, 10, 9, 8, 7]
    assert spc(falling, "neutral").variation_icon == "neutral_low"
    assert spc(falling, "down").variation_icon == "improvement_low"


@pytest.mark.parametrize(
    ("polarity", "target", "icon"),
    [
        ("up", 5, "pass"),
        ("up", 15, "fail"),
        ("up", 10, "inconsistent"),
        ("down", 15, "pass"),
        ("down", 5, "fail"),
        ("down", 10, "inconsistent"),
    ],
)
def test_assurance_icon(polarity, target, icon) -> None:
    assert spc(CALM, polarity, target=target).assurance_icon == icon


def test_assurance_edge_cases() -> None:
    upper = spc(CALM, "up").points[-1].upper_limit
    assert spc(CALM, "up", target=upper).assurance_icon == "inconsistent"  # on a limit: not always met
    assert spc(CALM, "up").assurance_icon is None
    neutral = spc(CALM, "neutral", target=5)
    assert neutral.assurance_icon is None and any("neutral" in w for w in neutral.warnings)


def test_assurance_uses_the_last_segment() -> None:
    values = CALM + [19, 21, 20] * 5
    assert spc(values, "up", target=15, rebase_at=[15]).assurance_icon == "pass"
    assert spc(values[:15], "up", target=15).assurance_icon == "fail"


def test_result_carries_points_and_options() -> None:
    result = spc(CALM, "down", target=12, rebase_at=[13, 13], run_length=6)
    assert isinstance(result, SPCResult)
    assert (result.polarity, result.target, result.rebase_at, result.run_length) == ("down", 12.0, (13,), 6)
    assert result.values == tuple(float(v) for v in CALM)
    record = result.to_records()[0]
    assert set(record) >= {"value", "mean", "lower_limit", "upper_limit", "lower_2sigma", "upper_2sigma",
                           "rule", "special_cause"}
    with pytest.raises(dataclasses.FrozenInstanceError):
        result.variation_icon = "x"  # type: ignore[misc]
    hash(result)
