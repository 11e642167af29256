"""The engine: the only code that reads record-level data."""

from crimeplan.engine.compute import compute_series
from crimeplan.engine.series import SeriesSet
from crimeplan.engine.windows import Window, window

__all__ = ["SeriesSet", "Window", "compute_series", "window"]
