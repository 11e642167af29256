"""What the engine hands on: small tidy frames of numerators and denominators."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

# numerator_lfl: the numerator as it stood at last year's like-for-like cut-off (measures whose
# numerator waits for a later event); numerator_aged: each month's numerator at a fixed age
MONTHLY_COLUMNS = ["measure_id", "district", "month", "numerator", "denominator", "sumsq",
                   "numerator_lfl", "numerator_aged"]
WINDOW_COLUMNS = ["measure_id", "area_level", "area", "start", "end", "numerator", "denominator"]


@dataclass
class SeriesSet:
    """Monthly series (decomposable measures) and per-window figures (the rest).

    `monthly` has one row per measure × district × month with rows (district None where the
    table has no district or the row none; `sumsq` only for means); `windows` one row per measure × area × window.
    `coverage` gives each source table's first and last month with data, `supplied` the
    months actually supplied where loads recorded them; `unavailable`
    names the measures that could not be computed and why.
    """

    monthly: pd.DataFrame
    windows: pd.DataFrame
    areas: pd.DataFrame
    coverage: dict[str, tuple[dt.date, dt.date]] = field(default_factory=dict)
    unavailable: dict[str, str] = field(default_factory=dict)
    events: pd.DataFrame = field(default_factory=pd.DataFrame)
    # months supplied, for tables whose loads recorded coverage (others: every month in span)
    supplied: dict[str, set[dt.date]] = field(default_factory=dict)
    # the peers table's rows for the plan's Most Similar Group (small: forces × measures × periods)
    peers: pd.DataFrame = field(default_factory=pd.DataFrame)
    snapshot_id: int | None = None
    extract_date: dt.date | None = None
    # each source table's last complete month (supplied, and ended by the extract date)
    last_complete: dict[str, dt.date | None] = field(default_factory=dict)
    # the columns each source carries (None: not recorded, so every column counts as carried)
    carried: dict[str, set[str] | None] = field(default_factory=dict)
    # the snapshot's data-quality alarms (store.alarms): months outside their expected range
    alarms: list[Any] = field(default_factory=list)

    @property
    def force(self) -> str | None:
        """The force's name, from the areas table (None when no areas were loaded)."""
        return None if self.areas.empty else str(self.areas["force"].iloc[0])

    def recording_changes(self, measure_id: str) -> list[tuple[dt.date, str]]:
        """(date, description) of each recording change whose scope names the measure or `*`."""
        return [(d, text) for d, kind, text in self.events_for(measure_id) if kind == "recording_change"]

    def events_for(self, measure_id: str) -> list[tuple[dt.date, str, str]]:
        """(date, kind, description) of every event whose scope names the measure or `*`."""
        if self.events is None or self.events.empty:
            return []
        return events_in_scope(self.events.to_dict("records"), measure_id)


def events_in_scope(events: Iterable[Mapping[Any, Any]], measure_id: str) -> list[tuple[dt.date, str, str]]:
    """(date, kind, description) of the events (rows of the events table) whose scope names the
    measure or `*`, in date order."""
    out = []
    for rec in events:
        scope = {s.strip() for s in str(rec["scope"]).replace(",", ";").split(";")}
        if "*" in scope or measure_id in scope:
            out.append((pd.Timestamp(rec["date"]).date(), str(rec["kind"]), str(rec["description"])))
    return sorted(out)
