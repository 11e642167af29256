"""peer_comparison: positions, quartiles, averages, change required, significance, small numbers.

Every expected figure is worked by hand in the comment beside the data.
"""

from __future__ import annotations

import math

import pytest

from crimeplan.compare.peers import PeerResult, peer_comparison, quartile_of

# An Essex-style all-crime table (seed 001: "79.35 per 1,000 pop.", "-18,586 offences").
# Rates per 1,000, polarity down (fewer offences is better):
#   ascending: A 60.10 (1), B 64.60 (2), C 66.00 (3), D 68.00 (4), E 70.00 (5), F 72.00 (6),
#              G 74.75 (7), Home 79.35 (8)
#   sum = 60.10 + 64.60 + 66.00 + 68.00 + 70.00 + 72.00 + 74.75 + 79.35 = 554.80; mean = 69.35
#   top quartile: positions 1..ceil(8/4) = 1..2, so the target is position 2's value, 64.60.
ALL_CRIME = {"A": 60.10, "B": 64.60, "C": 66.00, "D": 68.00, "E": 70.00, "F": 72.00,
             "G": 74.75, "Home": 79.35}
POPULATION = 1_858_600  # so 1 per 1,000 is 1,858.6 offences


def test_result_is_frozen() -> None:
    r = peer_comparison("Home", ALL_CRIME, "down")
    assert isinstance(r, PeerResult)
    with pytest.raises(AttributeError):
        r.position = 1  # type: ignore[misc]


def test_rate_gap_times_population_gives_offences() -> None:
    r = peer_comparison("Home", ALL_CRIME, "down", population=POPULATION)
    assert (r.position, r.size, r.quartile) == (8, 8, 4)
    assert r.average == pytest.approx(69.35)
    assert r.top_quartile_position == 2 and r.top_quartile_value == pytest.approx(64.60)
    assert r.change_unit == "count"
    # to the average: (69.35 - 79.35) × 1,858,600 / 1,000 = -10.00 × 1,858.6 = -18,586 offences
    assert r.change_to_average == pytest.approx(-18_586.0)
    # to the top quartile: (64.60 - 79.35) × 1,858.6 = -14.75 × 1,858.6 = -27,414.35 offences
    assert r.change_to_top_quartile == pytest.approx(-27_414.35)
    assert f"{r.change_to_average:,.0f} offences" == "-18,586 offences"


def test_rate_without_population_stays_per_1000() -> None:
    r = peer_comparison("Home", ALL_CRIME, "down")
    assert r.change_unit == "rate_per_1000"
    assert r.change_to_average == pytest.approx(-10.0)  # 69.35 - 79.35
    assert r.change_to_top_quartile == pytest.approx(-14.75)  # 64.60 - 79.35


def test_population_may_be_a_dict() -> None:
    pops = {f: 1_000_000 for f in ALL_CRIME} | {"Home": POPULATION}
    r = peer_comparison("Home", ALL_CRIME, "down", population=pops)
    assert r.change_to_average == pytest.approx(-18_586.0)


def test_other_rate_bases() -> None:
    # per 100,000: gap -10.00 × 500,000 / 100,000 = -50 offences
    r = peer_comparison("Home", ALL_CRIME, "down", population=500_000, unit="rate_per_100000")
    assert r.change_unit == "count" and r.change_to_average == pytest.approx(-50.0)


# A solved rate in percent (seed 001: "18.20%  1.2% points  2.0% points"), polarity up:
#   descending: S1 23.0 (1), S2 20.2 (2), S3 19.6 (3), S4 19.4 (4), S5 19.0 (5), S6 18.6 (6),
#               Home 18.2 (7), S7 17.2 (8)
#   sum = 23.0 + 20.2 + 19.6 + 19.4 + 19.0 + 18.6 + 18.2 + 17.2 = 155.2; mean = 19.4
SOLVED = {"S1": 23.0, "S2": 20.2, "S3": 19.6, "S4": 19.4, "S5": 19.0, "S6": 18.6,
          "Home": 18.2, "S7": 17.2}


def test_percent_gap_in_percentage_points() -> None:
    r = peer_comparison("Home", SOLVED, "up", unit="percent", population=1_858_600)
    assert (r.position, r.quartile) == (7, 4)
    assert r.change_unit == "percentage_points"
    assert r.change_to_average == pytest.approx(1.2)  # 19.4 - 18.2
    assert r.change_to_top_quartile == pytest.approx(2.0)  # 20.2 (position 2) - 18.2


def test_value_units_for_other_measures() -> None:
    # casualties per 100M vehicle km, polarity down: 0.795 home among
    # 0.60 (1), 0.70 (2), 0.75 (3), 0.795 (4); mean = 2.845 / 4 = 0.71125; top quartile = 1..ceil(4/4)=1
    vals = {"P": 0.60, "Q": 0.70, "R": 0.75, "Home": 0.795}
    r = peer_comparison("Home", vals, "down", population=1_858_600, unit="casualties_per_100m_vkm")
    assert r.change_unit == "casualties_per_100m_vkm"
    assert r.change_to_average == pytest.approx(0.71125 - 0.795)
    assert r.change_to_top_quartile == pytest.approx(0.60 - 0.795)
    assert r.significance is None and r.small_numbers is False


def test_none_when_already_better_than_average_or_in_top_quartile() -> None:
    # Home = 16.2% solved, polarity up, best of: 16.2 (1), 15.0 (2), 14.0 (3), 12.0 (4) ...
    vals = {"Home": 16.2, "B": 15.0, "C": 14.0, "D": 12.0, "E": 11.0, "F": 10.0, "G": 9.0, "H": 8.0}
    r = peer_comparison("Home", vals, "up", unit="percent")
    assert r.position == 1 and r.quartile == 1
    assert r.change_to_average is None and r.change_to_top_quartile is None
    # better than average (mean 11.9) but 3rd of 8: top quartile is 1..2, target 15.0 -> +1.0 pp
    vals["Home"] = 14.0
    vals["C"] = 16.2
    r = peer_comparison("Home", vals, "up", unit="percent")
    assert r.change_to_average is None
    assert r.change_to_top_quartile == pytest.approx(1.0)


def test_equal_to_average_counts_as_there() -> None:
    # mean of 1, 2, 3 = 2; the home force sits on it
    r = peer_comparison("H", {"A": 1.0, "H": 2.0, "C": 3.0}, "up", unit="value")
    assert r.average == 2.0 and r.change_to_average is None


# ---------------------------------------------------------------------------------------------
# positions: competition ranking, ties share the best position


def test_ties_share_the_best_position_up() -> None:
    # polarity up, descending: A 9 (1), B 7 (2), C 7 (2), D 5 (4)  -> "1, 2, 2, 4"
    r = peer_comparison("C", {"A": 9, "B": 7, "C": 7, "D": 5}, "up", unit="value")
    assert r.position == 2
    assert [(m.force, m.position) for m in r.values] == [("A", 1), ("B", 2), ("C", 2), ("D", 4)]
    assert [m.home for m in r.values] == [False, False, True, False]


def test_ties_share_the_best_position_down() -> None:
    # polarity down, ascending: D 5 (1), B 7 (2), C 7 (2), A 9 (4)
    r = peer_comparison("A", {"A": 9, "B": 7, "C": 7, "D": 5}, "down", unit="value")
    assert r.position == 4
    assert [(m.force, m.position) for m in r.values] == [("D", 1), ("B", 2), ("C", 2), ("A", 4)]
    r = peer_comparison("B", {"A": 9, "B": 7, "C": 7, "D": 5}, "down", unit="value")
    assert r.position == 2


def test_a_tie_for_first_is_first() -> None:
    # 3 forces on 4.0 share 1st; the next is 4th
    r = peer_comparison("H", {"H": 4.0, "X": 4.0, "Y": 4.0, "Z": 3.0}, "up", unit="value")
    assert r.position == 1
    assert [m.position for m in r.values] == [1, 1, 1, 4]


def test_float_noise_is_a_tie() -> None:
    # 0.1 + 0.2 = 0.30000000000000004: the same figure, so the same position
    r = peer_comparison("H", {"H": 0.1 + 0.2, "X": 0.3, "Y": 0.1}, "up", unit="value")
    assert r.position == 1


# ---------------------------------------------------------------------------------------------
# quartiles: quartile q holds positions ceil((q-1)N/4)+1 .. ceil(qN/4)


@pytest.mark.parametrize(("n", "expected"), [
    # N = 8: bounds ceil(8/4)=2, ceil(16/4)=4, ceil(24/4)=6, 8 -> 1-2 | 3-4 | 5-6 | 7-8
    (8, [1, 1, 2, 2, 3, 3, 4, 4]),
    # N = 7: bounds ceil(1.75)=2, ceil(3.5)=4, ceil(5.25)=6, 7 -> 1-2 | 3-4 | 5-6 | 7
    (7, [1, 1, 2, 2, 3, 3, 4]),
    # N = 9: bounds ceil(2.25)=3, ceil(4.5)=5, ceil(6.75)=7, 9 -> 1-3 | 4-5 | 6-7 | 8-9
    (9, [1, 1, 1, 2, 2, 3, 3, 4, 4]),
    # N = 4: one position per quartile
    (4, [1, 2, 3, 4]),
])
def test_quartile_boundaries(n: int, expected: list[int]) -> None:
    assert [quartile_of(p, n) for p in range(1, n + 1)] == expected


@pytest.mark.parametrize(("n", "home_position", "quartile", "tq_position"), [
    (8, 2, 1, 2), (8, 3, 2, 2), (8, 7, 4, 2), (7, 2, 1, 2), (7, 3, 2, 2), (9, 3, 1, 3), (9, 4, 2, 3),
])
def test_quartile_and_top_quartile_target_from_peer_comparison(n: int, home_position: int,
                                                               quartile: int, tq_position: int) -> None:
    # values n, n-1, ..., 1 with polarity up: position p holds value n + 1 - p
    vals = {f"F{p}": float(n + 1 - p) for p in range(1, n + 1)}
    r = peer_comparison(f"F{home_position}", vals, "up", unit="value")
    assert (r.position, r.quartile, r.top_quartile_position) == (home_position, quartile, tq_position)
    assert r.top_quartile_value == n + 1 - tq_position
    if home_position > tq_position:
        # reaching the value at position tq makes the home force tie for it
        assert r.change_to_top_quartile == pytest.approx(home_position - tq_position)
    else:
        assert r.change_to_top_quartile is None


def test_top_quartile_value_with_ties() -> None:
    # polarity down, N = 8, ascending: A 1 (1), B 2 (2), C 2 (2), D 3 (4) ... the value at slot 2 is 2
    vals = {"A": 1, "B": 2, "C": 2, "D": 3, "E": 4, "F": 5, "G": 6, "H": 7}
    r = peer_comparison("H", vals, "down", unit="value")
    assert r.top_quartile_value == 2 and r.change_to_top_quartile == pytest.approx(2 - 7)
    assert peer_comparison("C", vals, "down", unit="value").quartile == 1  # shares 2nd


# ---------------------------------------------------------------------------------------------
# averages


def test_weighted_and_mean_averages_for_rates() -> None:
    # A: 100 offences / 1,000 people = 100 per 1,000; B: 300 / 10,000 = 30; C: 50 / 1,000 = 50
    # mean = (100 + 30 + 50) / 3 = 60; weighted = (100 + 300 + 50) / (1,000 + 10,000 + 1,000) × 1,000
    #      = 450 / 12,000 × 1,000 = 37.5
    vals = {"A": 100.0, "B": 30.0, "C": 50.0}
    counts = {"A": 100, "B": 300, "C": 50}
    pops = {"A": 1_000, "B": 10_000, "C": 1_000}
    assert peer_comparison("A", vals, "down", population=pops, counts=counts).average == pytest.approx(60.0)
    w = peer_comparison("A", vals, "down", population=pops, counts=counts, average="weighted")
    assert w.average == pytest.approx(37.5) and w.average_method == "weighted"
    # populations can be derived from count × 1,000 / rate (1,000, 10,000, 1,000 again)
    assert peer_comparison("A", vals, "down", counts=counts, average="weighted").average == pytest.approx(37.5)
    # a single population is the home force's alone; B's and C's come from count × 1,000 / rate
    # (were 1,000 applied to all three: 450 / 3,000 × 1,000 = 150)
    assert peer_comparison("A", vals, "down", population=1_000, counts=counts,
                           average="weighted").average == pytest.approx(37.5)
    # or given as (count, population) pairs
    pairs = {f: (counts[f], pops[f]) for f in vals}
    assert peer_comparison("A", vals, "down", counts=pairs, average="weighted").average == pytest.approx(37.5)


def test_weighted_and_mean_averages_for_percentages() -> None:
    # A 10/20 = 50%, B 90/100 = 90%, C 1/10 = 10%; mean = 150 / 3 = 50
    # weighted = (10 + 90 + 1) / (20 + 100 + 10) × 100 = 101 / 130 × 100 = 77.6923...
    vals = {"A": 50.0, "B": 90.0, "C": 10.0}
    counts = {"A": (10, 20), "B": (90, 100), "C": (1, 10)}
    assert peer_comparison("A", vals, "up", unit="percent", counts=counts).average == pytest.approx(50.0)
    w = peer_comparison("A", vals, "up", unit="percent", counts=counts, average="weighted")
    assert w.average == pytest.approx(101 / 130 * 100)
    assert w.average == pytest.approx(77.692307692)
    # A at 50% is now below the weighted average: +27.69 pp to reach it
    assert w.change_to_average == pytest.approx(101 / 130 * 100 - 50)


def test_weighted_average_needs_every_force() -> None:
    with pytest.raises(ValueError, match="C"):
        peer_comparison("A", {"A": 1.0, "B": 2.0, "C": 3.0}, "up", counts={"A": 1, "B": 2},
                        population={"A": 1000, "B": 1000}, average="weighted")
    with pytest.raises(ValueError, match="rate_per_N or percent"):
        peer_comparison("A", {"A": 1.0, "B": 2.0}, "up", unit="value", counts={"A": 1, "B": 2},
                        average="weighted")


# ---------------------------------------------------------------------------------------------
# significance against the average, from the home force's 95% interval

PEERS_100 = {"P1": 95.0, "P2": 97.0, "P3": 99.0, "P4": 100.0, "P5": 101.0, "P6": 103.0, "P7": 105.0}


def _byar(x: float, z: float = 1.959963984540054) -> tuple[float, float]:
    """Byar's limits worked from the textbook formula, for the expected values below."""
    low = x * (1 - 1 / (9 * x) - z / (3 * math.sqrt(x))) ** 3
    x1 = x + 1
    return low, x1 * (1 - 1 / (9 * x1) + z / (3 * math.sqrt(x1))) ** 3


@pytest.mark.parametrize(("count", "polarity", "expected"), [
    # 1,200 offences in 10,000 people = 120 per 1,000; Byar 95%: (1133.06, 1269.87) → (113.3, 127.0);
    # the average of the seven peers and the home is (700 + 120) / 8 = 102.5 < 113.3: higher
    (1200, "down", "worse"),
    (1200, "up", "better"),
    # 1,050 → 105; Byar (987.4, 1115.5) → (98.7, 111.5); average (700 + 105) / 8 = 100.6: inside
    (1050, "down", "similar"),
    # 900 → 90; Byar (842.2, 960.8) → (84.2, 96.1); average (700 + 90) / 8 = 98.75 > 96.1: lower
    (900, "down", "better"),
    (900, "up", "worse"),
])
def test_rate_significance(count: int, polarity: str, expected: str) -> None:
    vals = PEERS_100 | {"Home": count / 10.0}
    r = peer_comparison("Home", vals, polarity, population=10_000, counts={"Home": count})
    low, high = _byar(count)
    assert r.interval == pytest.approx((low / 10, high / 10), rel=1e-12)
    assert r.significance == expected
    assert r.home_count == count and r.small_numbers is False


def test_rate_significance_without_population_uses_the_implied_one() -> None:
    # population = 1,200 × 1,000 / 120 = 10,000, as above
    vals = PEERS_100 | {"Home": 120.0}
    r = peer_comparison("Home", vals, "down", counts={"Home": 1200})
    assert r.significance == "worse"


def test_percent_significance_uses_wilson() -> None:
    # 180 solved of 1,000 = 18.0%. Wilson 95%, z = 1.959964, p = 0.18, n = 1,000:
    #   centre = (0.18 + z²/2000) / (1 + z²/1000) = 0.181920 / 1.003841 = 0.181224
    #   half   = z·√(0.18·0.82/1000 + z²/4e6) / 1.003841 = 0.0237977
    #   → (15.74%, 20.50%)
    # average with the home: (7 × 22.5 + 18) / 8 = 21.9375 > 20.50 → lower → worse (up)
    vals = {f"P{i}": 22.5 for i in range(7)} | {"Home": 18.0}
    r = peer_comparison("Home", vals, "up", unit="percent", counts={"Home": (180, 1000)})
    assert r.interval == pytest.approx((15.742689, 20.502223), abs=1e-6)
    assert r.significance == "worse"
    assert r.home_count == 1000  # the cases behind the percentage
    # the denominator can be implied by the value: 180 × 100 / 18 = 1,000
    assert peer_comparison("Home", vals, "up", unit="percent", counts={"Home": 180}).interval == r.interval


def test_significance_998_is_stricter() -> None:
    # 1,080 offences in 10,000 = 108 per 1,000; average (700 + 108) / 8 = 101.0
    # 95% Byar lower = 1016.54 → 101.65 > 101.0 → higher → worse (down)
    # 99.8% Byar (z = 3.0902) lower = 981.28 → 98.13 < 101.0 → similar
    vals = PEERS_100 | {"Home": 108.0}
    r = peer_comparison("Home", vals, "down", population=10_000, counts={"Home": 1080})
    assert r.average == pytest.approx(101.0)
    assert r.significance == "worse" and r.significance_998 == "similar"


def test_no_counts_no_significance() -> None:
    r = peer_comparison("Home", ALL_CRIME, "down", population=POPULATION)
    assert r.significance is None and r.significance_998 is None and r.interval is None
    assert r.small_numbers is False


def test_percent_over_100_has_no_interval() -> None:
    # 20 homicides solved in the window against 19 recorded = 105.3%: not a binomial proportion
    vals = {"Home": 105.3, "A": 90.0, "B": 80.0, "C": 100.0}
    r = peer_comparison("Home", vals, "up", unit="percent", counts={"Home": (20, 19)})
    assert r.interval is None and r.significance is None
    assert r.small_numbers is False  # 19 cases is not below 10


# ---------------------------------------------------------------------------------------------
# small numbers


def test_small_count_is_flagged() -> None:
    # 7 homicides in 1,850,000 people = 0.00378 per 1,000; 7 < 10
    vals = {"Home": 7 / 1850, "A": 0.010, "B": 0.012, "C": 0.008}
    r = peer_comparison("Home", vals, "down", population=1_850_000, counts={"Home": 7})
    assert r.small_numbers is True
    # exact 95%: (2.81, 14.42) / 1,850 → (0.00152, 0.00780): reaches 0.00378 but not 0.012, so
    # with the threshold lowered to 5 nothing fires
    r = peer_comparison("Home", vals, "down", population=1_850_000, counts={"Home": 7}, small_count=5)
    assert r.small_numbers is False


def test_interval_spanning_every_value_is_small_numbers() -> None:
    # 12 offences in 10,000 people = 1.2 per 1,000, Byar 95%: (6.19, 20.96) → (0.619, 2.096)
    # peers 0.8 .. 1.6 lie inside it → small numbers even though 12 >= 10
    vals = {"Home": 1.2, "A": 0.8, "B": 1.0, "C": 1.6}
    r = peer_comparison("Home", vals, "down", population=10_000, counts={"Home": 12})
    assert r.small_numbers is True and r.significance == "similar"
    # peers 0.3 .. 3.0 reach outside it → not flagged
    vals = {"Home": 1.2, "A": 0.3, "B": 1.0, "C": 3.0}
    assert peer_comparison("Home", vals, "down", population=10_000, counts={"Home": 12}).small_numbers is False


def test_small_count_threshold_is_adjustable() -> None:
    # 12 offences, peers spread wide so only the count rule can fire
    vals = {"Home": 1.2, "A": 0.3, "B": 1.0, "C": 3.0}
    r = peer_comparison("Home", vals, "down", population=10_000, counts={"Home": 12}, small_count=20)
    assert r.small_numbers is True


# ---------------------------------------------------------------------------------------------
# bad input


@pytest.mark.parametrize(("kwargs", "match"), [
    ({"home": "Nowhere"}, "home force"),
    ({"polarity": "sideways"}, "polarity"),
    ({"average": "median"}, "average"),
    ({"values": {"Home": 1.0, "A": float("nan")}}, "finite"),
    ({"values": {"Home": 1.0, "A": None}}, "number"),
    ({"population": -5}, "population"),
])
def test_bad_input_raises(kwargs: dict, match: str) -> None:
    args = {"home": "Home", "values": {"Home": 1.0, "A": 2.0}, "polarity": "up"} | kwargs
    with pytest.raises(ValueError, match=match):
        peer_comparison(**args)
