"""One plan computed as of a month, and kept: comparisons, monthly series with states, SPC charts,
quarters and key points (CONTRACT.md §3), stored in the store per snapshot × plan hash × month.

Reports, exports and the dashboard read results through `results_for`; only `compute` runs the
engine.

Public modules: none. What the package offers is its `__all__`; its modules are private.
"""

from typing import TYPE_CHECKING, Any

from crimeplan.results._export import BOOL_COLUMNS, series_table, write_results
from crimeplan.results._model import (
    RESULTS_FORMAT,
    Chart,
    ChartPoint,
    Context,
    Results,
    ResultsKey,
    code_version,
    plan_hash,
)
from crimeplan.results._spec import CAUSE_COLOURS, chart_spec, chart_title, period_free_label, spec_digest, svg_of
from crimeplan.results._stored import read_run, results_for, results_of, save, stored, stored_runs, tables_of

if TYPE_CHECKING:
    from crimeplan.results._areas import Funnel, FunnelPoint, funnel_of, funnel_spec
    from crimeplan.results._compute import RECORD_SOURCES, check_period, compute

__all__ = [
    "BOOL_COLUMNS",
    "CAUSE_COLOURS",
    "RECORD_SOURCES",
    "RESULTS_FORMAT",
    "Chart",
    "ChartPoint",
    "Context",
    "Funnel",
    "FunnelPoint",
    "Results",
    "ResultsKey",
    "chart_spec",
    "chart_title",
    "check_period",
    "code_version",
    "compute",
    "funnel_of",
    "funnel_spec",
    "period_free_label",
    "plan_hash",
    "read_run",
    "results_for",
    "results_of",
    "save",
    "series_table",
    "spec_digest",
    "stored",
    "stored_runs",
    "svg_of",
    "tables_of",
    "write_results",
]


def __getattr__(name: str) -> Any:
    # the engine (Ibis) and the statistics are imported only by code that computes
    if name in ("RECORD_SOURCES", "check_period", "compute"):
        from crimeplan.results import _compute

        return getattr(_compute, name)
    if name in ("Funnel", "FunnelPoint", "funnel_of", "funnel_spec"):  # funnel limits need SciPy
        from crimeplan.results import _areas

        return getattr(_areas, name)
    raise AttributeError(f"module 'crimeplan.results' has no attribute {name!r}")
