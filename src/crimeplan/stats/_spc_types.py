"""Result types for the XmR (statistical process control) chart."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Literal

Polarity = Literal["up", "down", "neutral"]
SpecialCause = Literal["improvement", "concern", "neutral"]

#: Rule names in precedence order (the first that fires is reported for a point).
RULES: tuple[str, ...] = ("outside_limits", "trend", "two_of_three", "shift")

VARIATION_ICONS: tuple[str, ...] = (
    "common_cause",
    "improvement_high",
    "improvement_low",
    "concern_high",
    "concern_low",
    "neutral_high",
    "neutral_low",
)

ASSURANCE_ICONS: tuple[str, ...] = ("pass", "fail", "inconsistent")


@dataclass(frozen=True)
class SPCPoint:
    """One point of an XmR chart with the limits of its segment and any special cause."""

    index: int
    value: float
    mean: float
    lower_limit: float
    upper_limit: float
    lower_2sigma: float
    upper_2sigma: float
    segment: int
    rule: str | None
    direction: Literal["high", "low"] | None
    special_cause: SpecialCause | None
    #: True when this point's value entered its segment's limits (the baseline); never for a missing point.
    baseline: bool = True


@dataclass(frozen=True)
class SPCResult:
    """An XmR chart: per-point values, limits and signals, the icons, warnings and the options used."""

    points: tuple[SPCPoint, ...]
    variation_icon: str
    assurance_icon: str | None
    warnings: tuple[str, ...]
    polarity: Polarity
    target: float | None
    rebase_at: tuple[int, ...]
    run_length: int
    fix_after_n_points: int | None = None
    fix_before_index: int | None = None
    screen_outliers: bool = True
    warning_threshold: int = 13

    @property
    def values(self) -> tuple[float, ...]:
        """Return the plotted values in order."""
        return tuple(p.value for p in self.points)

    @property
    def baseline_indices(self) -> tuple[int, ...]:
        """Return the indices of the points whose values formed the limits."""
        return tuple(p.index for p in self.points if p.baseline)

    @property
    def rules(self) -> tuple[str | None, ...]:
        """Return the rule fired at each point (None for common cause)."""
        return tuple(p.rule for p in self.points)

    @property
    def special_causes(self) -> tuple[str | None, ...]:
        """Return improvement / concern / neutral / None for each point."""
        return tuple(p.special_cause for p in self.points)

    def to_records(self) -> list[dict[str, object]]:
        """Return one dict per point, ready for pandas.DataFrame or a template."""
        return [asdict(p) for p in self.points]
