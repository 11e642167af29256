"""Comparisons on series: year on year (and, later, peers)."""

from crimeplan.compare.values import direction, pct_change, round_half_up, value_of
from crimeplan.compare.yoy import RESULT_COLUMNS, compare, monthly_values

__all__ = ["RESULT_COLUMNS", "compare", "direction", "monthly_values", "pct_change",
           "round_half_up", "value_of"]
