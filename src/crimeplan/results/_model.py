"""What a computed plan is made of: small frozen records and the frames of the results export."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

import crimeplan
from crimeplan.engine import SeriesSet, events_in_scope
from crimeplan.narrative import KeyPoint
from crimeplan.plans.model import Plan
from crimeplan.store.alarms import Alarm

# bumped when the stored results' tables or meanings change, so older stored results are recomputed
RESULTS_FORMAT = 2
VIEWS = ("monthly", "quarterly")


def plan_hash(plan: Plan) -> str:
    """The plan's content hash: two plans that say the same thing hash the same."""
    return hashlib.sha256(plan.model_dump_json().encode("utf-8")).hexdigest()


def code_version() -> str:
    """The code that computed results: the package version and the results format."""
    return f"{crimeplan.__version__}+results{RESULTS_FORMAT}"


@dataclass(frozen=True)
class ResultsKey:
    """Which results: a snapshot, a plan (its content hash) and the month they run to."""

    snapshot_id: int
    plan_hash: str
    to_month: dt.date
    code_version: str = field(default_factory=code_version)


@dataclass(frozen=True)
class ChartPoint:
    """One point of an XmR chart: its value (None for a gap), the segment's mean and limits."""

    period: dt.date  # the month, or a financial quarter's last month
    label: str  # "Sep 2026" or "2026/27 Q2"
    value: float | None
    mean: float | None
    lower: float | None
    upper: float | None
    cause: str | None  # improvement, concern, neutral; None when common cause or a gap
    rule: str | None  # the Making Data Count rule that flagged the point, if any
    segment: int
    count: float | None  # the numerator behind the value, for disclosure control


@dataclass(frozen=True)
class Chart:
    """A measure's SPC chart (monthly, or by financial quarter) with its icon and warnings."""

    measure_id: str
    view: str  # monthly | quarterly
    points: tuple[ChartPoint, ...]
    icon: str
    warnings: tuple[str, ...] = ()
    # the last point of a fixed baseline (None when the limits are not held)
    baseline_last: int | None = None

    @property
    def counts(self) -> list[float]:
        """The numerators of the points with a value."""
        return [p.count for p in self.points if p.value is not None and p.count is not None]


@dataclass(frozen=True)
class Context:
    """What a report says about the data behind the figures: snapshot, force, gaps, events, alarms."""

    snapshot_id: int | None
    extract_date: dt.date | None
    force: str | None
    unavailable: Mapping[str, str] = field(default_factory=dict)
    # rows of the events table: date, kind, description, scope
    events: tuple[Mapping[str, Any], ...] = ()
    alarms: tuple[Alarm, ...] = ()
    # the columns each source carries (None: not recorded, so every column counts as carried)
    carried: Mapping[str, frozenset[str] | None] = field(default_factory=dict)
    # the areas table (district, lpa, force, population): disclosure control's geography
    areas: pd.DataFrame = field(default_factory=pd.DataFrame, compare=False)
    # the source files loaded up to the snapshot, with checksums and reconciliation (lineage)
    files: tuple[Mapping[str, Any], ...] = ()

    @classmethod
    def of(cls, series: SeriesSet, files: list[dict[str, Any]] | None = None) -> Context:
        """The context of an engine run, with the snapshot's source files."""
        events = () if series.events is None or series.events.empty else tuple(
            {"date": pd.Timestamp(r["date"]).date(), "kind": str(r["kind"]),
             "description": str(r["description"]), "scope": str(r["scope"])}
            for r in series.events.to_dict("records"))
        areas = series.areas.drop(columns=["__ord"], errors="ignore")
        return cls(snapshot_id=series.snapshot_id, extract_date=series.extract_date, force=series.force,
                   unavailable=dict(series.unavailable), events=events, alarms=tuple(series.alarms),
                   carried={k: None if v is None else frozenset(v) for k, v in series.carried.items()},
                   areas=areas, files=tuple(files or ()))

    def events_for(self, measure_id: str) -> list[tuple[dt.date, str, str]]:
        """(date, kind, description) of every event whose scope names the measure or `*`."""
        return events_in_scope(self.events, measure_id)

    def recording_changes(self, measure_id: str) -> list[tuple[dt.date, str]]:
        """(date, description) of each recording change whose scope names the measure or `*`."""
        return [(d, text) for d, kind, text in self.events_for(measure_id) if kind == "recording_change"]


@dataclass
class Results:
    """A plan computed as of a month: the comparisons, the monthly series with states, SPC charts,
    quarters and key points, and the context a report names. `series` (the engine's frames) is
    there only when the results were computed in this process, never when read from the store."""

    plan: Plan
    to_month: dt.date
    context: Context
    table: pd.DataFrame
    msg: pd.DataFrame
    # one row per measure × area × month with its state (CONTRACT.md §1 `export series`)
    monthly: pd.DataFrame
    # one row per measure × complete financial quarter at force level
    quarters: pd.DataFrame = field(default_factory=pd.DataFrame)
    charts: Mapping[tuple[str, str], Chart] = field(default_factory=dict)
    key_points: Mapping[str, tuple[KeyPoint, ...]] = field(default_factory=dict)
    # the charts reports draw, as SVG, by their spec's digest (drawn once, with the results)
    svgs: Mapping[str, str] = field(default_factory=dict)
    key: ResultsKey | None = None
    series: SeriesSet | None = None
    # set on public editions: series with a count below it are not charted or narrated
    disclosure_threshold: int | None = None

    def chart(self, measure_id: str, view: str) -> Chart | None:
        """The measure's chart in a view (monthly or quarterly), if it has one."""
        return self.charts.get((measure_id, view))
