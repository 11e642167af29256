"""Lineage: what a document was made from, so any figure in it can be traced and re-made.

Every document names its snapshot, the plan's content hash and the month (in the file's own
metadata); the manifest written beside it adds the snapshot's source files with their
checksums and every figure with the stored results row it prints.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from crimeplan._atomic import atomic_output
from crimeplan.report.document import BulletList, Document, Figure
from crimeplan.results import Results, code_version, plan_hash

MANIFEST_SUFFIX = ".manifest.json"


def lineage_of(results: Results) -> dict[str, str]:
    """The short lineage a document's metadata carries."""
    context = results.context
    out = {"crimeplan": code_version(), "snapshot": str(context.snapshot_id)}
    if context.extract_date:
        out["extracted"] = f"{context.extract_date:%Y-%m-%d}"
    out["plan"] = f"{results.plan.id} sha256:{plan_hash(results.plan)}"
    out["to"] = f"{results.to_month:%Y-%m}"
    return out


def figures(document: Document) -> list[dict[str, Any]]:
    """Every figure cell of the document's tables with the results row it prints."""
    out = []
    for table in document.tables():
        for r, row in enumerate(table.rows):
            for c, cell in enumerate(row):
                if cell.measure_id is None or cell.field is None:
                    continue
                out.append({"table": table.name, "row": r, "column": table.header[c] if c < len(table.header) else c,
                            "text": cell.text, "value": cell.value, "measure_id": cell.measure_id,
                            "field": cell.field, "results_row": list(cell.row) if cell.row else None})
    return out


def charts_and_sentences(document: Document, results: Results) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Each chart with the stored chart it draws, and each key point with its stored fact."""
    facts = {kp.text: (measure_id, i, kp.test) for measure_id, found in results.key_points.items()
             for i, kp in enumerate(found)}
    charts = [{"caption": b.caption, "results_row": list(b.row) if b.row else None}
              for b in document.blocks if isinstance(b, Figure)]
    sentences = []
    for b in document.blocks:
        if isinstance(b, BulletList) and b.title == "Key Points":
            for text, _ in b.items:
                fact = facts.get(text)
                sentences.append({"text": text, "results_row": ["key_points", fact[0], fact[1]] if fact else None,
                                  "test": fact[2] if fact else None})
    return charts, sentences


def manifest(document: Document, results: Results, *, kind: str, edition: str, file_name: str) -> dict[str, Any]:
    """The manifest of a written document: its lineage, the snapshot's files and its figures."""
    charts, sentences = charts_and_sentences(document, results)
    return {
        "document": {"file": file_name, "kind": kind, "edition": edition, "title": document.title},
        "lineage": dict(document.lineage),
        "plan": {"id": results.plan.id, "title": results.plan.title, "sha256": plan_hash(results.plan)},
        "to": f"{results.to_month:%Y-%m}",
        "snapshot": {"id": results.context.snapshot_id,
                     "extract_date": None if results.context.extract_date is None
                     else f"{results.context.extract_date:%Y-%m-%d}",
                     "files": [{k: f.get(k) for k in ("snapshot_id", "table_name", "file", "sha256", "rows_read",
                                                      "rows_loaded", "rows_quarantined", "mode")}
                               for f in results.context.files]},
        "figures": figures(document),
        "charts": charts,
        "key_points": sentences,
        "remake": f"crimeplan report {kind} --store STORE --plan {results.plan.id} --to {results.to_month:%Y-%m} "
                  f"--snapshot {results.context.snapshot_id} --edition {edition}",
    }


def write_manifest(report: Path, document: Document, results: Results, *, kind: str, edition: str) -> Path:
    """Write the manifest beside a written report (`<file>.manifest.json`); returns its path."""
    report = Path(report)
    sidecar = report.with_name(report.name + MANIFEST_SUFFIX)
    data = manifest(document, results, kind=kind, edition=edition, file_name=report.name)
    with atomic_output(sidecar) as tmp:
        Path(tmp).write_text(json.dumps(data, indent=1, default=str), encoding="utf-8")
    return sidecar
