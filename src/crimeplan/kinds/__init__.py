"""Measure kinds: each `aggregation` of a plan measure, declared once, in one module of its own.

A kind says what plan fields it needs, the units it allows, whether it adds up month by month,
its part of the engine's monthly scan or its window query, how months combine into a window, its
value from numerator and denominator, and its significance test. The plan model, the engine and
compare ask the registry (`KINDS`, `kind_of`) instead of comparing names. Adding a kind is one
new private module here defining `KIND` (see docs/architecture.md, "Measure kinds"); the modules
are found by walking the package, so nothing else lists them.
"""

from __future__ import annotations

import importlib
import pkgutil

from crimeplan.kinds._base import (
    DENOMINATOR,
    NUMERATOR,
    NUMERATOR_AGED,
    NUMERATOR_LFL,
    PARTS,
    PLAN_FIELDS,
    SUMSQ,
    Family,
    Kind,
    MeasureLike,
    Scan,
    Span,
    always,
    field_total,
    group,
    missing,
    one,
    percentage,
    present,
    scaled_ratio,
    scaled_total,
    with_ids,
)
from crimeplan.kinds._families import COUNTS, FAMILIES, MEANS, PROPORTIONS

KINDS: dict[str, Kind] = {}


def register(kind: Kind) -> Kind:
    """Add a kind to the registry (its hooks checked first); a name already taken is refused."""
    kind.hooks()
    if kind.name in KINDS and KINDS[kind.name] is not kind:
        raise ValueError(f"measure kind {kind.name} is already registered")
    KINDS[kind.name] = kind
    return kind


def unregister(name: str) -> None:
    """Remove a kind (for tests that register one of their own)."""
    KINDS.pop(name, None)


def kind_of(name: str) -> Kind:
    """The kind of an `aggregation` name; a clear error naming the known ones otherwise."""
    try:
        return KINDS[name]
    except KeyError:
        raise ValueError(f"unknown aggregation {name!r}; known: {', '.join(sorted(KINDS))}") from None


def _discover() -> None:
    """Register the `KIND` of every module in this package (the helpers define none)."""
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda i: i.name):
        found = getattr(importlib.import_module(f"{__name__}.{info.name}"), "KIND", None)
        if isinstance(found, Kind):
            register(found)


_discover()

__all__ = [
    "COUNTS", "DENOMINATOR", "FAMILIES", "KINDS", "MEANS", "NUMERATOR", "NUMERATOR_AGED", "NUMERATOR_LFL", "PARTS",
    "PLAN_FIELDS", "PROPORTIONS", "SUMSQ", "Family", "Kind", "MeasureLike", "Scan", "Span", "always",
    "field_total", "group", "kind_of", "missing", "one", "percentage", "present", "register", "scaled_ratio",
    "scaled_total", "unregister", "with_ids",
]
