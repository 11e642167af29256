"""Key points and summaries drawn only from computed facts."""

from crimeplan.narrative.keypoints import KeyPoint, SeriesFacts, key_points
from crimeplan.narrative.quarters import Quarter, quarterly

__all__ = ["KeyPoint", "Quarter", "SeriesFacts", "key_points", "quarterly"]
