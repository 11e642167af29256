"""The web app's view of the store: a plan's stored runs by month, read once and kept in memory,
and the results an account's scope lets it see."""

from __future__ import annotations

import dataclasses
import datetime as dt
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from crimeplan.accounts import AccessMap, Scope
from crimeplan.contract.forces import key
from crimeplan.errors import BadInput, StoreBusy
from crimeplan.plans.model import Plan
from crimeplan.results import Results, read_run, stored_runs


class Runs:
    """The plan's stored results, one run per month (the newest snapshot's), newest month first.

    The store is opened only to list runs (at most every `ttl` seconds) and to read a run once, so
    `crimeplan load` and `crimeplan compute` can write to it while the app serves.
    """

    def __init__(self, store: str | Path, plan: Plan, *, ttl: float = 30.0,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.store, self.plan, self.ttl, self.clock = store, plan, ttl, clock
        self._lock = threading.Lock()
        self._listed_at: float | None = None
        self._by_month: dict[dt.date, dict[str, Any]] = {}
        self._results: dict[int, Results] = {}

    def _refresh(self) -> None:
        """List the store's runs of this plan and code version (keeping the old list when it is busy)."""
        try:
            found = stored_runs(self.store, self.plan)
        except StoreBusy:
            if self._listed_at is not None:
                return
            raise
        by_month: dict[dt.date, dict[str, Any]] = {}
        for run in found:  # newest run first: the first one seen for a month is the one shown
            best = by_month.get(run["to_month"])
            if best is None or run["snapshot_id"] > best["snapshot_id"]:
                by_month[run["to_month"]] = run
        self._by_month, self._listed_at = by_month, self.clock()

    def months(self) -> list[dt.date]:
        """The months with stored results, newest first."""
        with self._lock:
            if self._listed_at is None or self.clock() - self._listed_at > self.ttl:
                self._refresh()
            return sorted(self._by_month, reverse=True)

    def tag(self, results: Results) -> tuple[Any, int | None]:
        """What the app's caches key a run's pages by: its key and its run id (a month computed again
        with the same key, e.g. after an alarm is accepted, is a new run and gets new pages)."""
        with self._lock:
            run_id = next((k for k, v in self._results.items() if v is results), None)
        return results.key, run_id

    def results(self, month: dt.date) -> Results | None:
        """The stored results of a month (read from the store the first time), or None."""
        if month not in self.months():
            return None
        with self._lock:
            run = self._by_month[month]
            found = self._results.get(run["run_id"])
            if found is None:
                found = read_run(self.store, self.plan, run)
                self._results = {run["run_id"]: found, **{k: v for k, v in self._results.items()
                                                          if k in {r["run_id"] for r in self._by_month.values()}}}
            return found


def access_map(results: Results) -> AccessMap:
    """Who may see what in these results: the force and its LPAs' districts, from the store's areas."""
    areas = results.context.areas
    lpas: dict[str, list[str]] = {}
    if not areas.empty:
        for lpa, district in zip(areas["lpa"], areas["district"]):
            lpas.setdefault(str(lpa), [])
            if str(district) not in lpas[str(lpa)]:
                lpas[str(lpa)].append(str(district))
    force = results.context.force or (str(areas["force"].iloc[0]) if not areas.empty else None)
    return AccessMap.of(results.plan, lpas=lpas, force=force)


def scoped(results: Results, where: AccessMap, scope: Scope) -> Results:
    """The results an account of this scope sees: its areas' rows; force-level charts, quarters, key
    points and the MSG comparison only when the force's figures are visible to it."""
    if scope.kind == "force":
        return results
    visible = where.visible(scope)

    def mine(frame: Any) -> Any:
        return frame if frame.empty or "area" not in frame else frame[frame.area.map(key).isin(visible)]

    # the context's area list stays whole: it holds names and populations, not figures, and a
    # district's rate against the force needs the whole force's population
    if key(where.force) in visible:
        return dataclasses.replace(results, table=mine(results.table), monthly=mine(results.monthly))
    return dataclasses.replace(results, table=mine(results.table), monthly=mine(results.monthly),
                               msg=results.msg.iloc[0:0], quarters=results.quarters.iloc[0:0], charts={},
                               key_points={}, svgs={})


def parse_period(text: str) -> dt.date:
    """A period in an address, YYYY-MM; else bad input."""
    try:
        return dt.datetime.strptime(text, "%Y-%m").date()
    except ValueError:
        raise BadInput(f"{text!r} is not a month (YYYY-MM)", field="period") from None
