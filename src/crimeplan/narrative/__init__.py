"""Key points and summaries drawn only from computed facts.

Public modules: `keypoints`, `msg` (the MSG executive summary), `quarters` (financial quarters).
"""

from crimeplan.narrative.keypoints import KeyPoint, SeriesFacts, key_points
from crimeplan.narrative.msg import SummaryItem, executive_summary, join_list
from crimeplan.narrative.quarters import Quarter, quarterly

__all__ = ["KeyPoint", "Quarter", "SeriesFacts", "SummaryItem", "executive_summary", "join_list", "key_points",
           "quarterly"]
