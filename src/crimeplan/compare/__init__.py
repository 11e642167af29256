"""Comparisons on series: year on year, and against the Most Similar Group of forces."""

from crimeplan.compare.peers import PeerResult, peer_comparison
from crimeplan.compare.values import direction, pct_change, round_half_up, value_of
from crimeplan.compare.yoy import RESULT_COLUMNS, compare, monthly_values

__all__ = ["RESULT_COLUMNS", "PeerResult", "compare", "peer_comparison", "direction", "monthly_values", "pct_change",
           "round_half_up", "value_of"]
