"""Significance and intervals for each results row, by the measure's kind.

Each kind (crimeplan.kinds) chooses its family: counts (Poisson E-test, Byar/exact Poisson
interval), percentages (pooled two-proportion z test, Wilson interval) or means (Welch's t test,
t interval). Per-head figures and figures that arrive without counts get no test (the columns
stay empty and say why).
"""

from __future__ import annotations

import math
from typing import Any

import pandas as pd

from crimeplan import stats
from crimeplan.compare.values import missing, records
from crimeplan.kinds import FAMILIES, Family
from crimeplan.plans.model import Measure, Plan

EXTRA_COLUMNS = ["test", "previous_ci_low", "previous_ci_high", "assessment"]


def test_kind(m: Measure, row: dict[str, Any]) -> str | None:
    """Which family of test a row gets: counts, proportions, means or None (the measure kind says)."""
    family = _family(m, row)
    return family.name if family else None


def _family(m: Measure, row: dict[str, Any]) -> Family | None:
    choose = m.kind.test
    assert choose is not None  # every kind has one (crimeplan.kinds checks on register)
    return choose(m, row)


def _interval(kind: str, m: Measure, num: Any, den: Any, sd: Any) -> tuple[float | None, float | None]:
    """The interval of a family of test ("counts", "proportions", "means") for one year's figures."""
    return FAMILIES[kind].interval(m, num, den, sd)


def _p_value(kind: str, m: Measure, r: dict[str, Any]) -> float | None:
    """The p-value of a family's test of this year against last, or None when it cannot run."""
    return FAMILIES[kind].p_value(m, r)


NOT_TESTED = "not tested: "


def why_untested(m: Measure | None, r: dict[str, Any]) -> str:
    """The `test` value of a comparable row no test applies to: why, in a reader's words."""
    if r.get("status") == "peers":
        return NOT_TESTED + "a figure from the peers table, without the counts behind it"
    if m is None:
        return NOT_TESTED + "no counts behind the figures"
    return NOT_TESTED + m.kind.untested


def add_significance(table: pd.DataFrame, plan: Plan) -> pd.DataFrame:
    """Fill significant, p_value, ci_low, ci_high (and the previous interval, test, assessment)."""
    rows = records(table)
    known = {m.id for _, m in plan.measures()}
    for r in rows:
        if r["measure_id"] not in known:
            if r.get("comparable") is True and missing(r.get("test")):
                r["test"] = why_untested(None, r)
            continue
        m = plan.measure(r["measure_id"])
        family = _family(m, r)
        r.update({"test": None, "previous_ci_low": None, "previous_ci_high": None, "assessment": None})
        if family is None:
            if r.get("comparable") is True:
                r["test"] = why_untested(m, r)
            continue
        r["ci_low"], r["ci_high"] = _interval(family.name, m, r.get("current_numerator"),
                                              r.get("current_denominator"), r.get("current_sd"))
        r["previous_ci_low"], r["previous_ci_high"] = _interval(
            family.name, m, r.get("previous_numerator"), r.get("previous_denominator"), r.get("previous_sd"))
        if not r.get("comparable"):
            continue
        p = _p_value(family.name, m, r)
        if p is None or math.isnan(p):
            r["test"] = why_untested(m, r)
            continue
        r["p_value"] = p
        r["significant"] = bool(p < 0.05)
        r["test"] = stats.TEST_NAMES[family.test]
        if not r["significant"]:
            r["assessment"] = "no significant change"
        else:
            r["assessment"] = (f"significantly {r['direction']}" if r.get("direction") in ("better", "worse")
                               else "no significant change")
    out = pd.DataFrame.from_records(rows, columns=list(table.columns) + [
        c for c in EXTRA_COLUMNS if c not in table.columns])
    for col in EXTRA_COLUMNS:
        if col not in out:
            out[col] = None
    return out
