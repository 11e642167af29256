"""The engine: the only code that reads record-level data.

Public modules: `compute` (measures to series), `derived` (derived columns), `series` (what the
engine hands on).
"""

from typing import TYPE_CHECKING, Any

from crimeplan.engine.series import SeriesSet, events_in_scope

if TYPE_CHECKING:
    from crimeplan.engine.compute import compute_series

__all__ = ["SeriesSet", "compute_series", "events_in_scope"]


def __getattr__(name: str) -> Any:
    # Ibis is imported only by code that computes, not by readers of stored results
    if name == "compute_series":
        from crimeplan.engine.compute import compute_series

        return compute_series
    raise AttributeError(f"module 'crimeplan.engine' has no attribute {name!r}")
