"""From a report kind and results to a Document (public editions pass through disclosure control)."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from crimeplan.disclosure import suppress
from crimeplan.report.annual import annual_document
from crimeplan.report.document import Document
from crimeplan.report.lineage import lineage_of
from crimeplan.report.monthly_doc import monthly_document, msg_document
from crimeplan.report.quarterly import quarterly_document
from crimeplan.results import Results

KINDS = ("monthly", "quarterly", "annual", "msg")
EDITIONS = ("internal", "public")


def public_results(results: Results) -> Results:
    """The results with small counts, and the totals that would reveal them, withheld."""
    table = suppress(results.table, results.context.areas, results.plan.disclosure_threshold,
                     plan=results.plan)
    return replace(results, table=table, disclosure_threshold=results.plan.disclosure_threshold)


def build_document(kind: str, results: Results, *, edition: str = "internal",
                   commentary: str | Path | None = None, overrides: dict[str, str] | None = None) -> Document:
    """The Document for a report kind."""
    if edition not in EDITIONS:
        raise ValueError(f"edition must be one of {EDITIONS}")
    if edition == "public":
        results = public_results(results)
    if kind == "monthly":
        document = monthly_document(results, edition=edition, commentary=commentary, overrides=overrides)
    elif kind == "quarterly":
        document = quarterly_document(results, edition=edition, commentary_path=commentary, overrides=overrides)
    elif kind == "annual":
        document = annual_document(results, edition=edition, overrides=overrides)
    elif kind == "msg":
        document = msg_document(results, edition=edition, commentary=commentary, overrides=overrides)
    else:
        raise ValueError(f"report kind must be one of {KINDS}")
    document.lineage = lineage_of(results)
    return document
