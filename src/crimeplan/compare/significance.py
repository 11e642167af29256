"""Significance and intervals for each results row, by the measure's kind.

Counts: Poisson E-test and Byar/exact Poisson interval.  Percentages: pooled two-proportion
z test and Wilson interval.  Means: Welch's t test and t interval.  Per-head figures and
figures that arrive without counts get no test (the columns stay empty and say why).
"""

from __future__ import annotations

import math
from typing import Any

import pandas as pd

from crimeplan import stats
from crimeplan.compare.values import missing, records
from crimeplan.plans.model import Measure, Plan

COUNT_KINDS = {"count", "distinct_count", "repeat_ids"}
PERCENT_KINDS = {"proportion", "share_meeting", "reoffending"}
EXTRA_COLUMNS = ["test", "previous_ci_low", "previous_ci_high", "assessment"]


def _ok(*values: Any) -> bool:
    return not any(missing(v) for v in values)


def test_kind(m: Measure, row: dict[str, Any]) -> str | None:
    """Which family of test a row gets: counts, proportions, means or None."""
    if m.aggregation in COUNT_KINDS:
        return "counts"
    if m.aggregation in PERCENT_KINDS:
        return "proportions"
    if m.aggregation == "mean":
        return "means"
    if m.aggregation == "aggregate":
        if m.unit == "percent" and _ok(row.get("current_numerator"), row.get("current_denominator")):
            return "proportions"
        if m.unit == "count" and _ok(row.get("current_numerator")):
            return "counts"
    return None


def _interval(kind: str, m: Measure, num: Any, den: Any, sd: Any) -> tuple[float | None, float | None]:
    if kind == "counts" and _ok(num):
        low, high = stats.count_ci(num)
        if m.unit == "rate_per_1000" and _ok(den) and den:
            return 1000 * low / den, 1000 * high / den
        return m.scale * low, m.scale * high
    if kind == "proportions" and _ok(num, den) and den:
        low, high = stats.proportion_ci(num, den)
        return 100 * low, 100 * high
    if kind == "means" and _ok(num, den, sd) and den and den >= 2:
        return stats.mean_ci(m.scale * num / den, sd, den)
    return None, None


def _p_value(kind: str, m: Measure, r: dict[str, Any]) -> float | None:
    fields: list[Any] = [r.get(k) for k in ("current_numerator", "current_denominator",
                                            "previous_numerator", "previous_denominator")]
    cn, cd, pn, pd_ = fields
    if kind == "counts" and _ok(cn, pn):
        if m.unit == "rate_per_1000" and _ok(cd, pd_):
            return stats.compare_counts(pn, cn, previous_exposure=pd_, current_exposure=cd)
        return stats.compare_counts(pn, cn)
    if kind == "proportions" and _ok(cn, cd, pn, pd_) and cd and pd_:
        return stats.compare_proportions(pn, pd_, cn, cd)
    if (kind == "means" and _ok(cn, cd, pn, pd_, r.get("current_sd"), r.get("previous_sd"))
            and cd >= 2 and pd_ >= 2):
        return stats.compare_means(m.scale * pn / pd_, r["previous_sd"], pd_,
                                   m.scale * cn / cd, r["current_sd"], cd)
    return None


TEST_FOR = {"counts": "compare_counts", "proportions": "compare_proportions", "means": "compare_means"}
NOT_TESTED = "not tested: "


def why_untested(m: Measure | None, r: dict[str, Any]) -> str:
    """The `test` value of a comparable row no test applies to: why, in a reader's words."""
    if r.get("status") == "peers":
        return NOT_TESTED + "a figure from the peers table, without the counts behind it"
    if m is None:
        return NOT_TESTED + "no counts behind the figures"
    if m.aggregation == "severity_score":
        return NOT_TESTED + "a weighted score has no simple count distribution to test"
    if m.aggregation == "per_head":
        return NOT_TESTED + "an average per person over person-months, not counts"
    if m.aggregation == "sum":
        return NOT_TESTED + "a total of amounts, not a count of events"
    if m.aggregation == "aggregate":
        return NOT_TESTED + "the figure arrived already counted, without the counts behind it"
    if m.aggregation == "mean":
        return NOT_TESTED + "too few values for a t test"
    return NOT_TESTED + "a count of zero or no counts in one year"


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
        kind = test_kind(m, r)
        r.update({"test": None, "previous_ci_low": None, "previous_ci_high": None, "assessment": None})
        if kind is None:
            if r.get("comparable") is True:
                r["test"] = why_untested(m, r)
            continue
        r["ci_low"], r["ci_high"] = _interval(kind, m, r.get("current_numerator"),
                                              r.get("current_denominator"), r.get("current_sd"))
        r["previous_ci_low"], r["previous_ci_high"] = _interval(
            kind, m, r.get("previous_numerator"), r.get("previous_denominator"), r.get("previous_sd"))
        if not r.get("comparable"):
            continue
        p = _p_value(kind, m, r)
        if p is None or math.isnan(p):
            r["test"] = why_untested(m, r)
            continue
        r["p_value"] = p
        r["significant"] = bool(p < 0.05)
        r["test"] = stats.TEST_NAMES[TEST_FOR[kind]]
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
