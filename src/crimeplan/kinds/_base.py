"""What a measure kind declares, and the small pieces several kinds share."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Literal, Protocol

from crimeplan.periods import Window

# the parts a monthly aggregation may return, keyed as the engine's monthly series names them
NUMERATOR, DENOMINATOR, SUMSQ, NUMERATOR_LFL, NUMERATOR_AGED = "n", "d", "q", "l", "a"
PARTS = {NUMERATOR: "numerator", DENOMINATOR: "denominator", SUMSQ: "sumsq",
         NUMERATOR_LFL: "numerator_lfl", NUMERATOR_AGED: "numerator_aged"}
# the plan fields a kind may need or refuse, in the order a plan is checked
PLAN_FIELDS = ("field", "numerator", "numerator_date")


class MeasureLike(Protocol):
    """The parts of a plan measure a kind reads (crimeplan.plans.model.Measure has them all)."""

    @property
    def id(self) -> str: ...
    @property
    def source(self) -> str: ...
    @property
    def filter(self) -> str | None: ...
    @property
    def field(self) -> str | None: ...
    @property
    def numerator(self) -> str | None: ...
    @property
    def numerator_date(self) -> str | None: ...
    @property
    def min_rows(self) -> int: ...
    @property
    def follow_up_months(self) -> int: ...
    @property
    def mature_after_months(self) -> int: ...
    @property
    def scale(self) -> float: ...
    @property
    def unit(self) -> str: ...
    @property
    def event_date(self) -> str | None: ...


@dataclass(frozen=True)
class Scan:
    """What the engine hands a monthly aggregation: the table, the measure's filter, a condition maker."""

    table: Any  # Ibis table with the derived columns and `_month`
    where: Any  # the measure's filter as a boolean column (true when it has none)
    meets: Callable[[str | None], Any]  # a filter text of the plan → boolean column
    cutoff: dt.date | None  # like for like: the last day a later event counts in last year's window


@dataclass(frozen=True)
class Span:
    """What the engine hands a window query: one window's rows, the whole table, the area keys."""

    data: Any  # rows of the window that meet the measure's filter
    full: Any  # every row of the table (later events may fall after the window)
    keys: list[str]  # group-by columns of the area level ([] for the force)
    window: Window
    cutoff: dt.date | None


@dataclass(frozen=True)
class Family:
    """A family of significance tests: its interval and its test of this year against last."""

    name: str  # "counts", "proportions", "means"
    test: str  # the stats function, a key of stats.TEST_NAMES
    interval: Callable[[MeasureLike, Any, Any, Any], tuple[float | None, float | None]]
    p_value: Callable[[MeasureLike, Mapping[str, Any]], float | None]


Monthly = Callable[[MeasureLike, Scan], dict[str, Any]]
WindowQuery = Callable[[MeasureLike, Span], tuple[Any, Any | None]]
Value = Callable[[MeasureLike, float | None, float | None, int, float | None], float | None]
TestOf = Callable[[MeasureLike, Mapping[str, Any]], Family | None]


@dataclass(frozen=True)
class Kind:
    """One `aggregation` of a plan measure: everything the plan, engine and comparisons ask of it."""

    name: str
    summary: str  # one line: what the figure is
    # plan validation
    needs: frozenset[str] = frozenset()  # plan fields that must be given (of PLAN_FIELDS)
    refuses: frozenset[str] = frozenset()  # plan fields that must not be given
    source: str | None = None  # the one source table it reads, when only one will do
    source_why: str = ""  # why, in the plan error ("weighs crimes by offence_code")
    units: frozenset[str] | None = None  # units allowed; None: any
    units_why: str = ""  # why, in the plan error ("gives a percentage")
    # computing
    decomposable: bool = True  # monthly numerators and denominators add up to any window
    monthly: Monthly | None = None  # decomposable: its parts of the shared monthly scan
    window_query: WindowQuery | None = None  # not decomposable: numerator (and denominator) per window
    window_denominator: bool = False  # the window query counts a denominator (an empty window: 0)
    weights: bool = False  # reads the crime severity weight of each row
    columns: frozenset[str] = frozenset()  # canonical columns read besides filter, numerator, field
    matures: bool = False  # its numerator waits for a later event (the like-for-like rules apply)
    arrives_counted: bool = False  # figures come counted, with their own periods (the aggregates table)
    # how months combine into a window: numerators summed; the denominator summed ("counted"),
    # dropped ("none": a total), or the population ("population": a score per head)
    denominator: Literal["counted", "none", "population"] = "counted"
    spread: Callable[[MeasureLike, float, float, float], float | None] | None = None  # sd from n, Σx, Σx²
    value: Value | None = None  # the figure from numerator, denominator, months, reported value
    additive: bool = False  # parts add up to their total (disclosure's parts_of)
    row_count: bool = False  # a count of rows: charted and narrated as a headline count
    numerator_word: str | None = None  # the breakdown table's word for its numerator ("Meeting")
    # significance
    test: TestOf | None = None  # the family of test a results row gets, or None
    untested: str = "a count of zero or no counts in one year"  # why a comparable row has no test

    def hooks(self) -> dict[str, Callable[..., Any]]:
        """The callables the engine and compare call on this kind, by name; refuses a kind lacking one."""
        need: dict[str, Any] = {"value": self.value, "test": self.test}
        if self.decomposable:
            need["monthly"] = self.monthly
        elif not self.arrives_counted:  # figures that arrive counted are read, not queried
            need["window_query"] = self.window_query
        lacking = [k for k, v in need.items() if not callable(v)]
        if lacking:
            raise ValueError(f"measure kind {self.name} lacks {', '.join(lacking)}")
        return need


def missing(value: object) -> bool:
    """True for None and NaN."""
    return value is None or (isinstance(value, float) and math.isnan(value))


def present(*values: Any) -> bool:
    """True when none of the values is None or NaN."""
    return not any(missing(v) for v in values)


def always(family: Family | None) -> TestOf:
    """A test choice that does not depend on the row: the kind's one family (or none)."""
    def choose(m: MeasureLike, row: Mapping[str, Any]) -> Family | None:
        return family
    return choose


def one(cond: Any) -> Any:
    """1 where a condition holds, else 0 (to sum)."""
    return cond.ifelse(1, 0)


def field_total(m: MeasureLike, scan: Scan) -> Any:
    """Σ `field` over the rows that meet the filter and have it (a sum; a per-head numerator)."""
    assert m.field is not None  # plan validation: these kinds need `field`
    value = scan.table[m.field]
    return (scan.where & value.notnull()).ifelse(value, 0).sum()


def group(table: Any, keys: list[str], **metrics: Any) -> Any:
    """Group by keys (or aggregate the whole table when there are none)."""
    return table.group_by(keys).aggregate(**metrics) if keys else table.aggregate(**metrics)


def with_ids(m: MeasureLike, span: Span) -> tuple[str, Any]:
    """The id column a kind counts and the window's rows that have one."""
    fld = m.field
    assert fld is not None  # plan validation: these kinds need `field`
    return fld, span.data.filter(span.data[fld].notnull())


def scaled_total(m: MeasureLike, numerator: float | None, denominator: float | None,
                 months: int, reported: float | None) -> float | None:
    """A total (of rows, ids or amounts): scaled, or per 1,000 people for unit rate_per_1000."""
    if numerator is None or math.isnan(numerator):
        return None
    if m.unit == "rate_per_1000":
        return 1000.0 * numerator / denominator if denominator else None
    return m.scale * numerator


def percentage(m: MeasureLike, numerator: float | None, denominator: float | None,
               months: int, reported: float | None) -> float | None:
    """Numerator as a percentage of denominator (0-100)."""
    if numerator is None or math.isnan(numerator):
        return None
    return 100.0 * numerator / denominator if denominator else None


def scaled_ratio(m: MeasureLike, numerator: float | None, denominator: float | None,
                 months: int, reported: float | None) -> float | None:
    """Numerator over denominator, scaled (a mean; a score per head)."""
    if numerator is None or math.isnan(numerator):
        return None
    return m.scale * numerator / denominator if denominator else None
