"""Statistics for police performance reporting: intervals, comparisons, SPC charts and trends.

Every function takes plain numbers or sequences and returns plain results; see docs/statistics.md.

Public modules: none. What the package offers is its `__all__`; its modules are private.
"""

from ._compare import compare_means, compare_proportions
from ._etest import compare_counts
from ._intervals import count_ci, mean_ci, proportion_ci
from ._names import TEST_NAMES
from ._spc import spc
from ._spc_types import SPCPoint, SPCResult
from ._trend import TrendResult, trend

__all__ = [
    "TEST_NAMES",
    "SPCPoint",
    "SPCResult",
    "TrendResult",
    "compare_counts",
    "compare_means",
    "compare_proportions",
    "count_ci",
    "mean_ci",
    "proportion_ci",
    "spc",
    "trend",
]
