"""The MSG section's executive summary: which aspirations are met and which positions moved."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, NamedTuple

__all__ = ["SummaryItem", "executive_summary", "join_list"]


class SummaryItem(NamedTuple):
    """One measure for the executive summary."""

    label: str
    aspiration: str | None  # "met", "not met", "no aspiration" (None: not judged, left out)
    position_change: str | None  # "improved", "deteriorated", "unchanged" or None


def join_list(items: Iterable[str]) -> str:
    """"a", "a and b", "a, b and c" (no Oxford comma)."""
    xs = list(items)
    if len(xs) <= 1:
        return "".join(xs)
    return f"{', '.join(xs[:-1])} and {xs[-1]}"


def _areas(n: int) -> str:
    return f"{n} area" if n == 1 else f"{n} areas"


def _item(x: Any) -> SummaryItem:
    if isinstance(x, SummaryItem):
        return x
    if isinstance(x, Mapping):
        return SummaryItem(str(x["label"]), x.get("aspiration"), x.get("position_change"))
    if isinstance(x, (tuple, list)) and len(x) == 3:
        return SummaryItem(str(x[0]), x[1], x[2])
    return SummaryItem(str(x.label), x.aspiration, x.position_change)


def executive_summary(items: Iterable[Any], subject: str = "The force",
                      since: str | None = "Since the last quarterly update") -> list[str]:
    """The MSG section's executive summary, one sentence per non-empty group, in this order:

    "{subject} is meeting its aspiration in N areas: a, b and c.",
    "{subject} is not meeting its aspiration in M areas: ….",
    "{since}, {subject}'s MSG position has improved in K areas: ….",
    "{since}, {subject}'s MSG position has deteriorated in K areas: ….",
    "There is no aspiration for …." (more than five: "The other N measures have no aspiration.").

    ``items``: ``SummaryItem``s, (label, aspiration status, position change) triples, dicts or
    objects with those attributes; measures keep the order given. A status of None (an
    aspiration with no result) and unchanged or unknown position changes are not listed.
    """
    rows = [_item(x) for x in items]
    for r in rows:
        if r.aspiration not in (None, "met", "not met", "no aspiration"):
            raise ValueError(f"aspiration status must be 'met', 'not met' or 'no aspiration', got {r.aspiration!r}")
        if r.position_change not in (None, "improved", "deteriorated", "unchanged"):
            raise ValueError(f"position change must be 'improved', 'deteriorated' or 'unchanged', "
                             f"got {r.position_change!r}")

    def labels(pred: Any) -> list[str]:
        return [r.label.strip().rstrip(".") for r in rows if pred(r)]

    out: list[str] = []
    met = labels(lambda r: r.aspiration == "met")
    not_met = labels(lambda r: r.aspiration == "not met")
    improved = labels(lambda r: r.position_change == "improved")
    worse = labels(lambda r: r.position_change == "deteriorated")
    none = labels(lambda r: r.aspiration == "no aspiration")
    if met:
        out.append(f"{subject} is meeting its aspiration in {_areas(len(met))}: {join_list(met)}.")
    if not_met:
        out.append(f"{subject} is not meeting its aspiration in {_areas(len(not_met))}: {join_list(not_met)}.")
    mid = subject[0].lower() + subject[1:] if subject.startswith("The ") else subject
    lead = f"{since}, {mid}'s" if since else f"{subject}'s"
    if improved:
        out.append(f"{lead} MSG position has improved in {_areas(len(improved))}: {join_list(improved)}.")
    if worse:
        out.append(f"{lead} MSG position has deteriorated in {_areas(len(worse))}: {join_list(worse)}.")
    if len(none) > 5:  # a long list reads as noise: the table shows which ones
        judged = len(met) + len(not_met)
        out.append(f"The other {len(none)} measures have no aspiration." if judged
                   else f"None of the {len(none)} measures has an aspiration.")
    elif none:
        out.append(f"There is no aspiration for {join_list(none)}.")
    return out
