"""Comparisons on series: year on year, and against the Most Similar Group of forces.

Public modules: `msg` (the MSG table), `peers` (positions, quartiles, funnel flags),
`significance` (tests and intervals per results row), `states` (each month's state), `values`
(values, changes, typed rows of a frame), `yoy` (year on year).
"""

from crimeplan.compare.peers import PeerResult, peer_comparison
from crimeplan.compare.states import SERIES_COLUMNS, STATES, monthly_series
from crimeplan.compare.values import direction, pct_change, round_half_up, value_of
from crimeplan.compare.yoy import RESULT_COLUMNS, compare

__all__ = ["RESULT_COLUMNS", "SERIES_COLUMNS", "STATES", "PeerResult", "compare", "direction",
           "monthly_series", "pct_change", "peer_comparison", "round_half_up", "value_of"]
