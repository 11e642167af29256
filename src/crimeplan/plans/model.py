"""Plans as typed models: plan → areas of focus (priorities) → measures."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from crimeplan.contract.schema import TABLES
from crimeplan.plans import expr

Aggregation = Literal[
    "count",           # rows
    "distinct_count",  # distinct values of `field`
    "proportion",      # rows meeting `numerator` within rows meeting `filter`, as %
    "share_meeting",   # same as proportion, read as "share meeting a standard"
    "mean",            # mean of `field`
    "sum",             # sum of `field`
    "per_head",        # sum of `field` per average head (rows are person-months)
    "repeat_ids",      # ids (`field`) with `min_rows`+ rows in the window
    "reoffending",     # of ids in the window, share with another row within `follow_up_months`
    "aggregate",       # figures that arrive counted (the aggregates table)
    "severity_score",  # Σ crime severity weight (by offence_code) ÷ population: the ONS CSS
]
Unit = Literal["count", "percent", "rate_per_1000", "mean", "hours", "days", "seconds", "minutes",
               "gbp_millions", "score"]
Window = Literal["12m", "quarter", "month", "fytd"]

DECOMPOSABLE = {"count", "proportion", "share_meeting", "mean", "sum", "per_head", "severity_score"}
PERCENT_KINDS = {"proportion", "share_meeting", "reoffending"}

# Columns a filter may use besides the table's own: computed in the engine.
DERIVED: dict[str, dict[str, str]] = {
    "crimes": {"solved": "outcome is a positive outcome (types 1-4, 6-8)",
               "youth": "offender aged under 18", "victim_based": "a victim-based offence group"},
    "incidents": {"response_minutes": "minutes from opened_at to attended_at"},
    "calls": {},
    "casualties": {"ksi": "killed or seriously injured"},
}


DERIVED_TYPES = {"response_minutes": "float"}  # the rest of DERIVED are conditions


def _types(source: str) -> dict[str, str]:
    """Column name → contract type of a source, derived columns included."""
    out = {c.name: c.type for c in TABLES[source].columns}
    out.update({k: DERIVED_TYPES.get(k, "bool") for k in DERIVED.get(source, {})})
    return out


class Strict(BaseModel):
    """Models refuse unknown keys so a typo in a plan is an error, not a silent default."""

    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)


class Measure(Strict):
    """One measure: where its data come from and how it is counted, shown and compared."""

    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    label: str
    source: str
    filter: str | None = None
    aggregation: Aggregation = "count"
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
    windows: list[Window] = Field(default_factory=lambda: ["12m"])
    lag_months: int = Field(default=0, ge=0, le=24)
    not_comparable_before: dt.date | None = None
    footnotes: list[str] = Field(default_factory=list)
    headline: bool = False
    breakdown: bool = False
    survey: bool = False

    @field_validator("source")
    @classmethod
    def _known_source(cls, value: str) -> str:
        if value not in TABLES:
            raise ValueError(f"unknown source table {value!r}; known: {', '.join(sorted(TABLES))}")
        return value

    @model_validator(mode="after")
    def _consistent(self) -> Measure:
        cols = set(TABLES[self.source].column_names) | set(DERIVED.get(self.source, {}))
        for text, what in ((self.filter, "filter"), (self.numerator, "numerator")):
            if text:
                try:
                    expr.typecheck(expr.parse(text, cols), _types(self.source))
                except expr.ExprError as exc:
                    raise ValueError(f"{what}: {exc}") from None
        needs_field = {"distinct_count", "mean", "sum", "per_head", "repeat_ids", "reoffending"}
        if self.aggregation in needs_field:
            if not self.field:
                raise ValueError(f"aggregation {self.aggregation} needs `field`")
            if self.field not in cols:
                raise ValueError(f"field {self.field!r} is not a column of {self.source}")
        if self.aggregation in {"proportion", "share_meeting"} and not self.numerator:
            raise ValueError(f"aggregation {self.aggregation} needs `numerator`")
        if self.aggregation == "severity_score" and self.source != "crimes":
            raise ValueError("aggregation severity_score weighs crimes by offence_code (source: crimes)")
        if self.aggregation == "aggregate" and self.source != "aggregates":
            raise ValueError("aggregation aggregate reads the aggregates table (source: aggregates)")
        if self.numerator_date and self.numerator_date not in cols:
            raise ValueError(f"numerator_date {self.numerator_date!r} is not a column of {self.source}")
        if self.aggregation in PERCENT_KINDS and self.unit != "percent":
            raise ValueError(f"aggregation {self.aggregation} gives a percentage: set unit: percent")
        return self

    @property
    def decomposable(self) -> bool:
        """Monthly numerators and denominators add up to any window."""
        return self.aggregation in DECOMPOSABLE

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


class AreaOfFocus(Strict):
    """An area of focus (monthly report) or priority (Police and Crime Plan)."""

    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    number: int | None = None
    title: str
    objective: str | None = None
    measures: list[Measure] = Field(default_factory=list)
    commitments: list[Commitment] = Field(default_factory=list)
    notes: list[str] = Field(default_factory=list)


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
        from crimeplan.compare.peers import parse_aspiration

        if value is not None:
            try:
                parse_aspiration(value)
            except (ValueError, TypeError) as exc:
                raise ValueError(f"aspiration {value!r} is not understood: {exc}") from None
        return value


class MSG(Strict):
    """The force's Most Similar Group: the home force, its seven peers and what is compared."""

    home: str
    peers: list[str] = Field(min_length=1)
    average: Literal["mean", "weighted"] = "mean"
    measures: list[MSGMeasure]


class Plan(Strict):
    """A plan: its title, areas of focus and (optionally) its Most Similar Group comparison."""

    id: str
    title: str
    description: str | None = None
    areas_of_focus: list[AreaOfFocus] = Field(default_factory=list)
    msg: MSG | None = None
    # report metadata: version, unit, author, owner, sensitivity, public_sensitivity
    metadata: dict[str, str] = Field(default_factory=dict)
    disclosure_threshold: int = Field(default=5, ge=1)
    workforce: dict[str, float] = Field(default_factory=dict)
    commentary: str | None = None  # a CSV beside the plan: commitment,quarter,text,who

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
