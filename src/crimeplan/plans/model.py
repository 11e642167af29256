"""Plans as typed models: plan → areas of focus (priorities) → measures."""

from __future__ import annotations

import ast
import datetime as dt
import functools
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from crimeplan.contract.schema import TABLES
from crimeplan.kinds import PLAN_FIELDS, Kind, kind_of
from crimeplan.plans import expr
from crimeplan.plans.aspiration import parse_aspiration

Unit = Literal["count", "percent", "rate_per_1000", "mean", "hours", "days", "seconds", "minutes",
               "gbp_millions", "score"]
Window = Literal["12m", "quarter", "month", "fytd"]

# Columns a filter may use besides the table's own: computed in the engine.
DERIVED: dict[str, dict[str, str]] = {
    "crimes": {"solved": "outcome is a positive outcome (types 1-4, 6-8)",
               "youth": "offender aged under 18", "victim_based": "a victim-based offence group"},
    "incidents": {"response_minutes": "minutes from opened_at to attended_at"},
    "calls": {},
    "casualties": {"ksi": "killed or seriously injured"},
}
# The canonical columns each derived column is computed from (a source that lacks them lacks it).
DERIVED_FROM: dict[str, tuple[str, ...]] = {
    "solved": ("outcome_type",), "youth": ("offender_age",), "victim_based": ("offence_group",),
    "response_minutes": ("opened_at", "attended_at"), "ksi": ("severity",),
}
# A numerator that reads these columns is dated by a later event: the outcome (CONTRACT.md §4).
LATER_EVENT_DATE: dict[str, str] = {"solved": "outcome_date", "outcome_type": "outcome_date",
                                    "outcome_date": "outcome_date"}


@functools.lru_cache(maxsize=1024)
def _parsed(text: str) -> ast.expr:
    """A filter text parsed once (it was checked when the plan was read); read, never changed."""
    return ast.parse(text.strip(), mode="eval").body


def _names(text: str) -> frozenset[str]:
    """The names a filter text uses."""
    return frozenset(expr.names(_parsed(text)))


DERIVED_TYPES = {"response_minutes": "float"}  # the rest of DERIVED are conditions


def _types(source: str) -> dict[str, str]:
    """Column name → contract type of a source, derived columns included."""
    out: dict[str, str] = {c.name: c.type for c in TABLES[source].columns}
    out.update({k: DERIVED_TYPES.get(k, "bool") for k in DERIVED.get(source, {})})
    return out


class Strict(BaseModel):
    """Models refuse unknown keys so a typo in a plan is an error, not a silent default."""

    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)


class SPCOptions(Strict):
    """How a measure's XmR charts are drawn (NHS Making Data Count options)."""

    # limits from the months up to this one (e.g. the plan's start), held while new data arrive
    baseline_until: dt.date | None = None
    # or: limits from the first N points of the chart, held after them
    baseline_points: int | None = Field(default=None, ge=2)
    # leave out moving ranges above 3.267 × their mean when calculating limits (off = the Excel tool)
    screen_outliers: bool = True
    # warn when limits rest on fewer points than this
    warning_threshold: int = Field(default=13, ge=0)

    @model_validator(mode="after")
    def _one_baseline(self) -> SPCOptions:
        if self.baseline_until is not None and self.baseline_points is not None:
            raise ValueError("give baseline_until or baseline_points, not both")
        return self


class Measure(Strict):
    """One measure: where its data come from and how it is counted, shown and compared."""

    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    label: str
    source: str
    filter: str | None = None
    # a measure kind's name (crimeplan.kinds: count, proportion, mean, ...)
    aggregation: str = "count"
    field: str | None = None
    numerator: str | None = None
    numerator_date: str | None = None
    min_rows: int = Field(default=2, ge=1, le=1000)
    follow_up_months: int = Field(default=6, ge=1, le=120)
    scale: float = Field(default=1.0, gt=0, le=1e9)
    aggregate_mode: Literal["sum", "latest"] = "latest"
    unit: Unit = "count"
    decimals: int = Field(default=0, ge=0, le=4)
    polarity: Literal["up", "down"] = "down"
    windows: list[Window] = Field(default_factory=lambda: list[Window](["12m"]))
    lag_months: int = Field(default=0, ge=0, le=24)
    not_comparable_before: dt.date | None = None
    # the column dating the later event a numerator waits for (e.g. outcome_date); found from the
    # numerator when not given, so a solved rate is always compared like for like
    matures_by: str | None = None
    # monthly points count events within this many months of the month's end; younger months
    # are provisional (left out of SPC limits, trends and "on record" claims)
    mature_after_months: int = Field(default=6, ge=0, le=36)
    spc: SPCOptions = Field(default_factory=SPCOptions)
    footnotes: list[str] = Field(default_factory=list)
    # the annual table's Further Info cell for this measure (e.g. where to read more)
    further_info: str | None = None
    headline: bool = False
    breakdown: bool = False
    survey: bool = False
    # disclosure control: this measure is one part of another measure's total ("ksi_all"), in a
    # named split when the total has several ("ksi_all by road_user"); see Plan._parts_of
    parts_of: str | None = Field(default=None, pattern=r"^[a-z][a-z0-9_]*( by [a-z][a-z0-9_]*)?$")

    @field_validator("source")
    @classmethod
    def _known_source(cls, value: str) -> str:
        if value not in TABLES:
            raise ValueError(f"unknown source table {value!r}; known: {', '.join(sorted(TABLES))}")
        return value

    @field_validator("aggregation")
    @classmethod
    def _known_kind(cls, value: str) -> str:
        kind_of(value)  # an unknown kind is refused, naming the known ones
        return value

    @property
    def kind(self) -> Kind:
        """The measure kind of its `aggregation`: what it needs, computes and is tested by."""
        return kind_of(self.aggregation)

    @model_validator(mode="after")
    def _consistent(self) -> Measure:
        cols = set(TABLES[self.source].column_names) | set(DERIVED.get(self.source, {}))
        for text, what in ((self.filter, "filter"), (self.numerator, "numerator")):
            if text:
                try:
                    expr.typecheck(expr.parse(text, cols), _types(self.source))
                except expr.ExprError as exc:
                    raise ValueError(f"{what}: {exc}") from None
        kind, name = self.kind, self.aggregation
        for plan_field in PLAN_FIELDS:
            given = getattr(self, plan_field)
            if plan_field in kind.needs and not given:
                raise ValueError(f"aggregation {name} needs `{plan_field}`")
            if plan_field in kind.refuses and given:
                raise ValueError(f"aggregation {name} does not use `{plan_field}`: leave it out")
            if plan_field == "field" and plan_field in kind.needs and self.field not in cols:
                raise ValueError(f"field {self.field!r} is not a column of {self.source}")
        if kind.source is not None and self.source != kind.source:
            raise ValueError(f"aggregation {name} {kind.source_why} (source: {kind.source})")
        if self.numerator_date and self.numerator_date not in cols:
            raise ValueError(f"numerator_date {self.numerator_date!r} is not a column of {self.source}")
        if self.matures_by and self.matures_by not in cols:
            raise ValueError(f"matures_by {self.matures_by!r} is not a column of {self.source}")
        if kind.units is not None and self.unit not in kind.units:
            raise ValueError(f"aggregation {name} {kind.units_why}: set unit: {' or '.join(sorted(kind.units))}")
        return self

    @property
    def decomposable(self) -> bool:
        """Monthly numerators and denominators add up to any window."""
        return self.kind.decomposable

    @property
    def event_date(self) -> str | None:
        """The column dating the later event the numerator waits for, or None (see `matures_by`)."""
        if self.matures_by:
            return self.matures_by
        if self.numerator_date or not self.numerator or self.source != "crimes":
            return None
        names = _names(self.numerator)
        dated = sorted({LATER_EVENT_DATE[n] for n in names if n in LATER_EVENT_DATE})
        return dated[0] if dated else None

    @property
    def matures(self) -> bool:
        """The numerator is dated by a later event: re-offending, or an outcome by the extract date."""
        return self.kind.matures or self.event_date is not None

    def needed_columns(self) -> set[str]:
        """The canonical columns this measure reads (derived columns traced to their sources)."""
        names: set[str] = set()
        for text in (self.filter, self.numerator):
            if text:
                names |= _names(text)
        for col in (self.field, self.numerator_date, self.event_date):
            if col:
                names.add(col)
        names |= self.kind.columns
        out: set[str] = set()
        for n in names:
            out |= set(DERIVED_FROM.get(n, (n,)))
        return out

    def values_required(self, column: str) -> set[str] | None:
        """The values of `column` the filter keeps (`c == 'x'`, `c in [...]`), or None when it does not say."""
        if not self.filter:
            return None
        found: set[str] | None = None
        for node in ast.walk(_parsed(self.filter)):
            if not (isinstance(node, ast.Compare) and len(node.ops) == 1):
                continue
            left, op, right = node.left, node.ops[0], node.comparators[0]
            if isinstance(right, ast.Name) and isinstance(left, ast.Constant):
                left, right = right, left
            if not (isinstance(left, ast.Name) and left.id == column):
                continue
            if isinstance(op, ast.Eq) and isinstance(right, ast.Constant):
                values = {str(right.value)}
            elif isinstance(op, ast.In) and isinstance(right, (ast.List, ast.Tuple)):
                values = {str(e.value) for e in right.elts if isinstance(e, ast.Constant)}
            else:
                continue
            found = values if found is None else found | values
        return found

    @property
    def part_of(self) -> tuple[str, str] | None:
        """(total measure id, split name) when this measure is declared a part of a total."""
        if not self.parts_of:
            return None
        total, _, split = self.parts_of.partition(" by ")
        return total, split

    @property
    def is_percent(self) -> bool:
        """Shown as a percentage, compared in percentage points."""
        return self.unit == "percent"


class Commitment(Strict):
    """A "We will" commitment of a Police and Crime Plan priority, and who owns it."""

    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    text: str
    who: str
    who_uncertain: bool = False


class Reference(Strict):
    """A fixed comparison line under a table (e.g. the economically active population's share)."""

    label: str
    value: float


class AreaTable(Strict):
    """A table a priority shows besides its performance table, declared in the plan.

    `by_financial_year_month`: each measure's monthly values, a row per financial year and a
    column per month, with this year's variance to last (seed 003's sickness hours).
    `this_year_last_year`: each measure's latest figure against the year before and the % point
    difference, under one heading, with an optional reference line (seed 003's workforce diversity).
    """

    kind: Literal["by_financial_year_month", "this_year_last_year"]
    measures: list[str] = Field(min_length=1)
    title: str | None = None  # the heading of the first column (this_year_last_year)
    reference: Reference | None = None


class AreaOfFocus(Strict):
    """An area of focus (monthly report) or priority (Police and Crime Plan)."""

    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    number: int | None = None
    title: str
    objective: str | None = None
    # the annual table's Further Info on the priority's first row (e.g. where to read more)
    further_info: str | None = None
    measures: list[Measure] = Field(default_factory=list)
    commitments: list[Commitment] = Field(default_factory=list)
    notes: list[str] = Field(default_factory=list)
    tables: list[AreaTable] = Field(default_factory=list)

    @model_validator(mode="after")
    def _tables_name_own_measures(self) -> AreaOfFocus:
        own = {m.id for m in self.measures}
        for t in self.tables:
            unknown = [mid for mid in t.measures if mid not in own]
            if unknown:
                raise ValueError(f"tables: {t.kind} names {unknown}, not measures of area {self.id!r}")
        return self


class MSGMeasure(Strict):
    """A measure compared across the Most Similar Group, from the peers table."""

    id: str  # the peers table's measure_id
    label: str
    priority: str | None = None
    unit: Literal["rate_per_1000", "percent", "value"] = "rate_per_1000"
    polarity: Literal["up", "down"] = "down"
    decimals: int = Field(default=2, ge=0, le=4)
    aspiration: str | None = None  # e.g. "4th in MSG", "Upper quartile", "MSG average", "Best in MSG", "Target 75"
    rank_by_value: bool = False  # print positions as "6th (where 8th is best)"
    noun: str = "offences"
    commentary: str | None = None

    @field_validator("aspiration")
    @classmethod
    def _known_aspiration(cls, value: str | None) -> str | None:
        if value is not None:
            try:
                parse_aspiration(value)
            except (ValueError, TypeError) as exc:
                raise ValueError(f"aspiration {value!r} is not understood: {exc}") from None
        return value


class MSG(Strict):
    """The force's Most Similar Group: the home force, its peers and what is compared."""

    home: str
    # empty until the analyst copies in the HMICFRS group; the report then says none is named
    peers: list[str] = Field(default_factory=list)
    average: Literal["mean", "weighted"] = "mean"
    # what the MSG table's colours mark: each aspiration met / not met (seed 001), or the force
    # better / worse / the same as the MSG average (seed 000)
    colour_by: Literal["aspiration", "msg_average"] = "aspiration"
    measures: list[MSGMeasure]


class Force(Strict):
    """The force a plan is for (written by `crimeplan init`): its name and LPAs with their districts."""

    name: str
    lpas: dict[str, list[str]] = Field(default_factory=dict)


class Plan(Strict):
    """A plan: its title, areas of focus and (optionally) its Most Similar Group comparison."""

    id: str
    title: str
    description: str | None = None
    force: Force | None = None
    areas_of_focus: list[AreaOfFocus] = Field(default_factory=list)
    msg: MSG | None = None
    # report metadata: version, unit, author, owner, sensitivity, public_sensitivity
    metadata: dict[str, str] = Field(default_factory=dict)
    disclosure_threshold: int = Field(default=5, ge=1)
    commentary: str | None = None  # a CSV beside the plan: commitment,quarter,text,who
    # who may see the force's own figures (docs/accounts.md): every signed-in account, or only
    # accounts scoped to the whole force (an LPA or district account then sees its own areas only)
    force_figures: Literal["all_signed_in", "force_scope"] = "all_signed_in"
    # every force in the store, each against its Most Similar Group (docs/scaling.md)
    national: bool = False

    @model_validator(mode="before")
    @classmethod
    def _workforce_moved(cls, data: Any) -> Any:
        if isinstance(data, dict) and "workforce" in data:
            raise ValueError("workforce: is no longer read; give the population line as `reference:` "
                             "on the priority's `tables:` entry (docs/writing-measures.md, 'Tables')")
        return data

    @model_validator(mode="after")
    def _one_force(self) -> Plan:
        """The force is named once: an MSG block's home is the plan's force."""
        from crimeplan.contract.forces import same_force

        if self.force and self.msg and not same_force(self.msg.home, self.force.name):
            raise ValueError(f"msg.home {self.msg.home!r} is not the plan's force {self.force.name!r}")
        return self

    @model_validator(mode="after")
    def _unique_ids(self) -> Plan:
        seen: set[str] = set()
        commitments: set[str] = set()
        for area in self.areas_of_focus:
            for m in area.measures:
                if m.id in seen:
                    raise ValueError(f"measure id {m.id!r} appears twice")
                seen.add(m.id)
            for c in area.commitments:
                if c.id in commitments:
                    raise ValueError(f"commitment id {c.id!r} appears twice")
                commitments.add(c.id)
        return self

    @model_validator(mode="after")
    def _parts_of(self) -> Plan:
        """A part and its total count the same things the same way, over the same windows."""
        by_id = {m.id: m for _, m in self.measures()}
        for m in by_id.values():
            if m.part_of is None:
                continue
            total_id = m.part_of[0]
            total = by_id.get(total_id)
            where = f"measure {m.id!r}: parts_of {total_id!r}"
            if total is None or total_id == m.id:
                raise ValueError(f"{where} names no other measure of this plan")
            if not m.kind.additive or total.aggregation != m.aggregation:
                raise ValueError(f"{where}: a part and its total must both be counts (or proportions of "
                                 f"the same numerator), not {m.aggregation} and {total.aggregation}")
            same = {"source": (m.source, total.source), "unit": (m.unit, total.unit),
                    "windows": (sorted(m.windows), sorted(total.windows)),
                    "lag_months": (m.lag_months, total.lag_months), "numerator": (m.numerator, total.numerator),
                    "field": (m.field, total.field)}
            for name, (mine, theirs) in same.items():
                if mine != theirs:
                    raise ValueError(f"{where}: {name} differs ({mine!r} against {theirs!r})")
            seen: set[str] = {m.id}
            cur: Measure | None = total
            while cur is not None and cur.part_of is not None:  # a chain of totals must end
                if cur.id in seen:
                    raise ValueError(f"{where}: parts_of goes round in a circle")
                seen.add(cur.id)
                cur = by_id.get(cur.part_of[0])
        return self

    def commitments(self) -> list[tuple[AreaOfFocus, Commitment]]:
        """Every (priority, commitment) pair in plan order."""
        return [(a, c) for a in self.areas_of_focus for c in a.commitments]

    def measures(self) -> list[tuple[AreaOfFocus, Measure]]:
        """Every (area of focus, measure) pair in plan order."""
        return [(a, m) for a in self.areas_of_focus for m in a.measures]

    def measure(self, measure_id: str) -> Measure:
        """The measure with this id."""
        for _, m in self.measures():
            if m.id == measure_id:
                return m
        raise KeyError(measure_id)
