"""Aspirations, position wording and the executive summary (seed 001's MSG section)."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from crimeplan.compare.peers import (
    Aspiration,
    describe_aspiration,
    evaluate_aspiration,
    ordinal,
    parse_aspiration,
    peer_comparison,
    position_change,
    position_text,
)
from crimeplan.narrative import SummaryItem, executive_summary, join_list

# Eight forces, polarity up, values 8..1: position p holds value 9 − p; mean = 36 / 8 = 4.5;
# top quartile = positions 1..2.
EIGHT = {f"F{p}": float(9 - p) for p in range(1, 9)}


def _at(position: int, polarity: str = "up"):
    vals = EIGHT if polarity == "up" else {f: 9 - v for f, v in EIGHT.items()}
    return peer_comparison(f"F{position}", vals, polarity, unit="value")


# ---------------------------------------------------------------------------------------------
# aspirations


@pytest.mark.parametrize(("aspiration", "position", "expected"), [
    ({"kind": "msg_position", "position": 4}, 4, "met"),       # 4th, aiming for 4th
    ({"kind": "msg_position", "position": 4}, 3, "met"),       # better than aimed
    ({"kind": "msg_position", "position": 4}, 5, "not met"),
    ({"kind": "upper_quartile"}, 2, "met"),                    # positions 1-2 of 8
    ({"kind": "upper_quartile"}, 3, "not met"),
    ({"kind": "msg_average"}, 4, "met"),                       # value 5 >= mean 4.5
    ({"kind": "msg_average"}, 5, "not met"),                   # value 4 < 4.5
    ({"kind": "best_in_msg"}, 1, "met"),
    ({"kind": "best_in_msg"}, 2, "not met"),
    ({"kind": "target", "value": 6.0}, 3, "met"),              # value 6 >= 6
    ({"kind": "target", "value": 6.0}, 4, "not met"),          # value 5 < 6
    (None, 1, "no aspiration"),
])
def test_every_aspiration_kind(aspiration, position: int, expected: str) -> None:
    assert evaluate_aspiration(aspiration, _at(position)) == expected
    if aspiration is not None:
        assert evaluate_aspiration(Aspiration(**aspiration), _at(position)) == expected


@pytest.mark.parametrize(("aspiration", "position", "expected"), [
    # polarity down: values are 1..8 by position, mean 4.5
    ({"kind": "msg_average"}, 4, "met"),              # value 4 <= 4.5
    ({"kind": "msg_average"}, 5, "not met"),          # value 5 > 4.5
    ({"kind": "target", "value": 3.0}, 3, "met"),     # 3 <= 3
    ({"kind": "target", "value": 3.0}, 4, "not met"), # 4 > 3
])
def test_aspirations_follow_polarity(aspiration, position: int, expected: str) -> None:
    assert evaluate_aspiration(aspiration, _at(position, "down")) == expected


def test_at_the_average_exactly_is_met() -> None:
    r = peer_comparison("H", {"A": 1.0, "H": 2.0, "C": 3.0}, "down", unit="value")
    assert evaluate_aspiration({"kind": "msg_average"}, r) == "met"


def test_shared_first_place_is_best_in_msg() -> None:
    r = peer_comparison("H", {"H": 5.0, "X": 5.0, "Y": 1.0}, "up", unit="value")
    assert evaluate_aspiration({"kind": "best_in_msg"}, r) == "met"


def test_rank_by_value_position_aspiration() -> None:
    # officer sickness, polarity down, "7th in MSG" where 8th is best. Polarity position 2 is
    # value rank 8 + 1 − 2 = 7 → met; position 3 is rank 6 → not met
    asp = {"kind": "msg_position", "position": 7, "rank_by_value": True}
    assert evaluate_aspiration(asp, _at(2, "down")) == "met"
    assert evaluate_aspiration(asp, _at(3, "down")) == "not met"
    # for an "up" measure the value rank is the position
    assert evaluate_aspiration(asp, _at(7, "up")) == "met"
    assert evaluate_aspiration(asp, _at(8, "up")) == "not met"


def test_aspiration_without_result() -> None:
    assert evaluate_aspiration({"kind": "best_in_msg"}, None) is None
    assert evaluate_aspiration(None, None) == "no aspiration"


@pytest.mark.parametrize(("aspiration", "text"), [
    ({"kind": "msg_position", "position": 4}, "4th in MSG"),
    ({"kind": "msg_position", "position": 2}, "2nd in MSG"),
    ({"kind": "upper_quartile"}, "Upper quartile"),
    ({"kind": "msg_average"}, "MSG average"),
    ({"kind": "best_in_msg"}, "Best in MSG"),
    ({"kind": "target", "value": 75.0}, "Target 75.0"),
    ({"kind": "target", "value": 75}, "Target 75.0"),
    (None, "No aspiration"),
])
def test_describe_aspiration(aspiration, text: str) -> None:
    assert describe_aspiration(aspiration) == text
    # and the wording reads back (seed 001 writes "4th in MSG", "Upper Quartile Rank", "3rd in MSG.")
    assert parse_aspiration(text) == parse_aspiration(aspiration)


@pytest.mark.parametrize(("text", "kind"), [
    ("Upper Quartile Rank", "upper_quartile"), ("3rd in MSG.", "msg_position"), ("Best in MSG", "best_in_msg"),
    ("MSG Average", "msg_average"), ("target: 12.5", "target"),
])
def test_parse_seed_wording(text: str, kind: str) -> None:
    asp = parse_aspiration(text)
    assert asp is not None and asp.kind == kind


@pytest.mark.parametrize("bad", [
    {"kind": "msg_position"},                            # no position
    {"kind": "msg_position", "position": 0},
    {"kind": "target"},                                  # no value
    {"kind": "upper_quartile", "position": 2},           # stray field
    {"kind": "best_in_msg", "rank_by_value": True},
    {"kind": "podium"},
    {"kind": "msg_average", "colour": "red"},
])
def test_bad_aspirations(bad: dict) -> None:
    with pytest.raises(ValidationError):
        Aspiration.model_validate(bad)


def test_unknown_aspiration_text() -> None:
    with pytest.raises(ValueError, match="not an aspiration"):
        parse_aspiration("do better")


# ---------------------------------------------------------------------------------------------
# positions


@pytest.mark.parametrize(("n", "text"), [
    (1, "1st"), (2, "2nd"), (3, "3rd"), (4, "4th"), (8, "8th"), (11, "11th"), (12, "12th"), (13, "13th"),
    (21, "21st"), (22, "22nd"), (23, "23rd"), (101, "101st"), (111, "111th"), (112, "112th"), (0, "0th"),
])
def test_ordinal(n: int, text: str) -> None:
    assert ordinal(n) == text


def test_ordinal_rejects_non_counts() -> None:
    for bad in (-1, 2.0, True):
        with pytest.raises(ValueError):
            ordinal(bad)  # type: ignore[arg-type]


@pytest.mark.parametrize(("previous", "current", "change"), [
    (4, 3, "improved"), (4, 5, "deteriorated"), (2, 2, "unchanged"), (None, 3, None), (3, None, None),
])
def test_position_change(previous, current, change) -> None:
    assert position_change(previous, current) == change


def test_position_text_plain() -> None:
    assert position_text(_at(3)) == "3rd"
    assert position_text(3) == "3rd"


def test_position_text_where_8th_is_best() -> None:
    # seed 001: "Essex is ranked 6th in MSG, where 8th is best" (officer sickness, polarity down):
    # 6th by value descending is polarity position 8 + 1 − 6 = 3
    assert position_text(_at(3, "down"), rank_by_value=True) == "6th (where 8th is best)"
    # "Essex remain second in its MSG, where 8th is best": polarity position 7
    assert position_text(7, 8, "down", rank_by_value=True) == "2nd (where 8th is best)"
    # an "up" measure counted from the highest value needs no note
    assert position_text(_at(3, "up"), rank_by_value=True) == "3rd"
    # counted from the lowest value, an "up" measure's best is the last
    assert position_text(_at(3, "up"), rank_by_value=True, order="ascending") == "6th (where 8th is best)"


def test_position_text_ties_share_the_better_value_rank() -> None:
    # polarity down, values 1, 2, 2, 4 → positions 1, 2, 2, 4 → value ranks 4, 3, 3, 1 (4th best)
    r = peer_comparison("B", {"A": 1.0, "B": 2.0, "C": 2.0, "D": 4.0}, "down", unit="value")
    assert position_text(r, rank_by_value=True) == "3rd (where 4th is best)"


def test_position_text_needs_size_for_value_rank() -> None:
    with pytest.raises(ValueError, match="size"):
        position_text(3, rank_by_value=True)


# ---------------------------------------------------------------------------------------------
# executive summary


def test_join_list() -> None:
    assert join_list([]) == ""
    assert join_list(["a"]) == "a"
    assert join_list(["a", "b"]) == "a and b"
    assert join_list(["a", "b", "c"]) == "a, b and c"


# Seed 001 (2020/21 Q4), in the MSG table's order: aspiration status as the seed's summary gives
# it, positions October 2020 → January 2021 as its table gives them.
SEED_001 = [
    # label, status, previous, current
    ("Public confidence", "not met", 8, 8),
    ("All crime – offences", "not met", 8, 8),
    ("All crime – solved rate", "met", 2, 2),
    ("Violence with injury – offences", "not met", 4, 5),
    ("Violence with injury – solved rate", "not met", 4, 4),
    ("Killed or seriously injured (KSI)", "no aspiration", 7, 6),
    ("Trafficking of drugs – offences", "not met", 4, 3),
    ("Trafficking of drugs – solved rate", "not met", 4, 4),
    ("Homicide – offences", "no aspiration", 4, 7),
    ("Homicide – solved rate", "not met", 2, 3),
    ("Percentage sick – police officers", "met", 6, 6),
    ("Percentage sick – police staff", "not met", 2, 2),
]


def test_executive_summary_seed_001() -> None:
    items = [SummaryItem(label, status, position_change(prev, cur)) for label, status, prev, cur in SEED_001]
    assert executive_summary(items, subject="Essex") == [
        "Essex is meeting its aspiration in 2 areas: All crime – solved rate and "
        "Percentage sick – police officers.",
        "Essex is not meeting its aspiration in 8 areas: Public confidence, All crime – offences, "
        "Violence with injury – offences, Violence with injury – solved rate, "
        "Trafficking of drugs – offences, Trafficking of drugs – solved rate, "
        "Homicide – solved rate and Percentage sick – police staff.",
        "Since the last quarterly update, Essex's MSG position has improved in 2 areas: "
        "Killed or seriously injured (KSI) and Trafficking of drugs – offences.",
        # the seed's own summary names only the two homicide measures here, but its table moves
        # violence with injury offences from 4th to 5th as well
        "Since the last quarterly update, Essex's MSG position has deteriorated in 3 areas: "
        "Violence with injury – offences, Homicide – offences and Homicide – solved rate.",
        "There is no aspiration for Killed or seriously injured (KSI) and Homicide – offences.",
    ]


def test_executive_summary_lists_exactly_the_flagged_measures() -> None:
    # aspirations and results end to end: three measures, polarity up, eight forces
    plan = [("Alpha", {"kind": "best_in_msg"}, 1, 1),          # met, unchanged
            ("Beta", {"kind": "upper_quartile"}, 2, 3),         # not met, deteriorated
            ("Gamma", None, 5, 4)]                               # no aspiration, improved
    items = []
    for label, asp, previous, current in plan:
        r = _at(current)
        items.append((label, evaluate_aspiration(asp, r), position_change(previous, r.position)))
    assert executive_summary(items) == [
        "The force is meeting its aspiration in 1 area: Alpha.",
        "The force is not meeting its aspiration in 1 area: Beta.",
        "Since the last quarterly update, the force's MSG position has improved in 1 area: Gamma.",
        "Since the last quarterly update, the force's MSG position has deteriorated in 1 area: Beta.",
        "There is no aspiration for Gamma.",
    ]


def test_executive_summary_options_and_inputs() -> None:
    items = [{"label": "A.", "aspiration": "met", "position_change": "unchanged"},
             ("B", None, None)]
    assert executive_summary(items, subject="Kent", since=None) == ["Kent is meeting its aspiration in 1 area: A."]
    assert executive_summary([]) == []
    with pytest.raises(ValueError, match="aspiration status"):
        executive_summary([("A", "nearly", None)])
    with pytest.raises(ValueError, match="position change"):
        executive_summary([("A", "met", "up")])


def test_executive_summary_counts_a_long_list_of_measures_without_aspiration() -> None:
    """Twenty labels in one bullet read as noise; the table beside it names them."""
    items = [SummaryItem("A", "not met", None)] + [SummaryItem(f"M{i}", "no aspiration", None) for i in range(20)]
    assert executive_summary(items, subject="Essex", since=None) == [
        "Essex is not meeting its aspiration in 1 area: A.", "The other 20 measures have no aspiration."]
    only = [SummaryItem(f"M{i}", "no aspiration", None) for i in range(6)]
    assert executive_summary(only, since=None) == ["None of the 6 measures has an aspiration."]
    five = [SummaryItem(f"M{i}", "no aspiration", None) for i in range(5)]
    assert executive_summary(five, since=None) == ["There is no aspiration for M0, M1, M2, M3 and M4."]
