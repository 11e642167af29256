"""The engine: the only code that reads record-level data."""

from crimeplan.engine.compute import compute_series
from crimeplan.engine.series import SeriesSet

__all__ = ["SeriesSet", "compute_series"]
