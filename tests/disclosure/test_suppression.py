"""Public editions: no count below the threshold, and no total that gives one back."""

from __future__ import annotations

import itertools

import pandas as pd

from crimeplan.disclosure import suppress

AREAS = pd.DataFrame({"district": ["a1", "a2", "a3", "b1", "b2"],
                      "lpa": ["A", "A", "A", "B", "B"], "force": "F", "population": 1})


def table(counts: dict[str, int]) -> pd.DataFrame:
    """One count measure: districts as given, LPA and force totals summed from them."""
    rows = []
    for d, n in counts.items():
        rows.append(("district", d, n))
    for lpa in ("A", "B"):
        rows.append(("lpa", lpa, sum(n for d, n in counts.items() if d.upper().startswith(lpa))))
    rows.append(("force", "F", sum(counts.values())))
    return pd.DataFrame([{"measure_id": "m", "window": "12m", "area_level": lvl, "area": a,
                          "current_value": float(n), "current_numerator": float(n),
                          "previous_numerator": 50.0, "previous_value": 50.0} for lvl, a, n in rows])


def shown(t: pd.DataFrame) -> dict[str, float | None]:
    return dict(zip(t.area, t.current_value))


def test_primary_and_secondary_suppression_by_hand():
    out = suppress(table({"a1": 3, "a2": 40, "a3": 60, "b1": 20, "b2": 30}), AREAS, threshold=5)
    s = shown(out)
    # a1 = 3 is withheld; A = 103 is shown, so a2 (the smaller of a2, a3) must go too
    assert s["a1"] is None and s["a2"] is None and s["a3"] == 60 and s["A"] == 103
    assert s["b1"] == 20 and s["F"] == 153


def test_zero_is_not_disclosive():
    s = shown(suppress(table({"a1": 0, "a2": 40, "a3": 60, "b1": 20, "b2": 30}), AREAS))
    assert s["a1"] == 0


def test_a_small_lpa_drags_another_lpa_with_it():
    # B = 4 (b1 1, b2 3): both districts withheld and B itself; F shown, so A must be withheld too
    s = shown(suppress(table({"a1": 40, "a2": 40, "a3": 60, "b1": 1, "b2": 3}), AREAS))
    assert s["B"] is None and s["A"] is None and s["F"] == 144


def test_no_unsuppressed_small_count_and_no_differencing_on_many_tables():
    for counts in itertools.product([0, 2, 5, 12], repeat=4):  # 256 tables (b2 fixed)
        t = table(dict(zip(["a1", "a2", "a3", "b1", "b2"], (*counts, 3))))
        out = suppress(t, AREAS, threshold=5)
        visible = out[out.current_value.notna()]
        assert not ((visible.current_value > 0) & (visible.current_value < 5)).any()
        # every hidden cell: its group (siblings + total) never has it as the only unknown
        hidden = set(out[out.current_value.isna()].area)
        groups = [(["a1", "a2", "a3"], "A"), (["b1", "b2"], "B"), (["A", "B"], "F")]
        for parts, total in groups:
            unknown = [p for p in parts if p in hidden]
            if total not in hidden:
                assert len(unknown) != 1, (counts, parts, unknown)
