"""The test families a kind chooses from: counts, proportions, means (intervals and tests as stats gives them).

Counts: Poisson E-test and Byar/exact Poisson interval.  Percentages: pooled two-proportion z
test and Wilson interval.  Means: Welch's t test and t interval.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from crimeplan import stats
from crimeplan.kinds._base import Family, MeasureLike
from crimeplan.kinds._base import present as _ok


def _counts(r: Mapping[str, Any]) -> list[Any]:
    return [r.get(k) for k in ("current_numerator", "current_denominator",
                               "previous_numerator", "previous_denominator")]


def _count_interval(m: MeasureLike, num: Any, den: Any, sd: Any) -> tuple[float | None, float | None]:
    if not _ok(num):
        return None, None
    low, high = stats.count_ci(num)
    if m.unit == "rate_per_1000" and _ok(den) and den:
        return 1000 * low / den, 1000 * high / den
    return m.scale * low, m.scale * high


def _count_test(m: MeasureLike, r: Mapping[str, Any]) -> float | None:
    cn, cd, pn, pd_ = _counts(r)
    if not _ok(cn, pn):
        return None
    if m.unit == "rate_per_1000" and _ok(cd, pd_):
        return stats.compare_counts(pn, cn, previous_exposure=pd_, current_exposure=cd)
    return stats.compare_counts(pn, cn)


def _proportion_interval(m: MeasureLike, num: Any, den: Any, sd: Any) -> tuple[float | None, float | None]:
    if not (_ok(num, den) and den):
        return None, None
    low, high = stats.proportion_ci(num, den)
    return 100 * low, 100 * high


def _proportion_test(m: MeasureLike, r: Mapping[str, Any]) -> float | None:
    cn, cd, pn, pd_ = _counts(r)
    if _ok(cn, cd, pn, pd_) and cd and pd_:
        return stats.compare_proportions(pn, pd_, cn, cd)
    return None


def _mean_interval(m: MeasureLike, num: Any, den: Any, sd: Any) -> tuple[float | None, float | None]:
    if _ok(num, den, sd) and den and den >= 2:
        return stats.mean_ci(m.scale * num / den, sd, den)
    return None, None


def _mean_test(m: MeasureLike, r: Mapping[str, Any]) -> float | None:
    cn, cd, pn, pd_ = _counts(r)
    if _ok(cn, cd, pn, pd_, r.get("current_sd"), r.get("previous_sd")) and cd >= 2 and pd_ >= 2:
        return stats.compare_means(m.scale * pn / pd_, r["previous_sd"], pd_,
                                   m.scale * cn / cd, r["current_sd"], cd)
    return None


COUNTS = Family("counts", "compare_counts", _count_interval, _count_test)
PROPORTIONS = Family("proportions", "compare_proportions", _proportion_interval, _proportion_test)
MEANS = Family("means", "compare_means", _mean_interval, _mean_test)
FAMILIES = {f.name: f for f in (COUNTS, PROPORTIONS, MEANS)}
