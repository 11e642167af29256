"""Commentary on commitments, from the CSV analysts edit: commitment, quarter, text, who."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

from crimeplan.errors import BadInput
from crimeplan.plans.model import Plan

COLUMNS = ("commitment", "quarter", "text", "who")


@dataclass(frozen=True)
class Commentary:
    """One update on a commitment for a quarter."""

    commitment: str
    quarter: str
    text: str
    who: str

    @property
    def is_sample(self) -> bool:
        """True for the demo's invented sample text."""
        return self.text.startswith("[SAMPLE]")


def load_commentary(path: str | Path, plan: Plan) -> dict[tuple[str, str], Commentary]:
    """Read a commentary CSV; unknown commitments and missing columns are errors naming the row."""
    path = Path(path)
    if not path.is_file():
        raise BadInput("no such commentary file", file=str(path))
    known = {c.id for _, c in plan.commitments()}
    out: dict[tuple[str, str], Commentary] = {}
    with path.open(encoding="utf-8-sig", newline="") as fh:
        reader = csv.DictReader(fh)
        missing = [c for c in COLUMNS if c not in (reader.fieldnames or [])]
        if missing:
            raise BadInput(f"missing column(s): {', '.join(missing)}", file=str(path), row=0, field=missing[0])
        for i, rec in enumerate(reader, start=1):
            cid = (rec["commitment"] or "").strip()
            if cid not in known:
                raise BadInput(f"unknown commitment {cid!r} (not in plan {plan.id})", file=str(path),
                               row=i, field="commitment")
            quarter = (rec["quarter"] or "").strip()
            if not quarter:
                raise BadInput("the quarter is missing (e.g. 2026/27 Q2)", file=str(path), row=i, field="quarter")
            out[(cid, quarter)] = Commentary(cid, quarter, (rec["text"] or "").strip(), (rec["who"] or "").strip())
    return out
