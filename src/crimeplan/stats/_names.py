"""Human names of the statistical methods, for report footnotes."""

from __future__ import annotations

from typing import Any


class TestNames(dict[str, str]):
    """A dict of method names keyed by function name; the function object itself is accepted as a key too."""

    __test__ = False  # not a pytest test class despite the name

    def __missing__(self, key: Any) -> str:
        """Look a function object up by its __name__."""
        name = getattr(key, "__name__", None)
        if isinstance(name, str) and name in self:
            return self[name]
        raise KeyError(key)

    def __contains__(self, key: object) -> bool:
        """Return True for a known function name or function object."""
        return dict.__contains__(self, key) or dict.__contains__(self, getattr(key, "__name__", None))


def _build() -> TestNames:
    """Return the name table."""
    return TestNames(
        {
            "compare_counts": "Poisson E-test (Krishnamoorthy & Thomson 2004)",
            "compare_proportions": "two-proportion z test (pooled)",
            "compare_means": "Welch's t test",
            "proportion_ci": "Wilson score interval",
            "count_ci": "Byar's approximation / exact Poisson",
            "mean_ci": "Student's t interval",
            "spc": "XmR chart (NHS England Making Data Count rules)",
            "trend": "quasi-Poisson / quasi-binomial GLM with season terms, Wald t test on the time term",
        }
    )


TEST_NAMES: TestNames = _build()

__all__ = ["TEST_NAMES", "TestNames"]
