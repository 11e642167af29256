"""The engine: the only code that reads record-level data.

Public modules: `compute` (measures to series), `derived` (derived columns), `series` (what the
engine hands on).
"""

from crimeplan.engine.compute import compute_series
from crimeplan.engine.series import SeriesSet

__all__ = ["SeriesSet", "compute_series"]
