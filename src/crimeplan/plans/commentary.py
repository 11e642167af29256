"""Commentary on commitments, from the CSV analysts edit: commitment, quarter, text, who.

A row whose commitment is `msg:<measure_id>` is the commentary on that measure of the plan's
Most Similar Group table (its Commentary column); every other row names a commitment.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

from crimeplan.errors import BadInput
from crimeplan.plans.model import Plan

COLUMNS = ("commitment", "quarter", "text", "who")
MSG_PREFIX = "msg:"  # commitment key of a Most Similar Group measure: msg:<measure_id>


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
    known |= {MSG_PREFIX + mm.id for mm in (plan.msg.measures if plan.msg else [])}
    out: dict[tuple[str, str], Commentary] = {}
    with path.open(encoding="utf-8-sig", newline="") as fh:
        reader = csv.DictReader(fh)
        missing = [c for c in COLUMNS if c not in (reader.fieldnames or [])]
        if missing:
            raise BadInput(f"missing column(s): {', '.join(missing)}", file=str(path), row=0, field=missing[0])
        for i, rec in enumerate(reader, start=1):
            cid = (rec["commitment"] or "").strip()
            if cid not in known:
                what = (f"unknown MSG measure {cid[len(MSG_PREFIX):]!r} (not in the msg: block of plan "
                        f"{plan.id})" if cid.startswith(MSG_PREFIX) else
                        f"unknown commitment {cid!r} (not in plan {plan.id})")
                raise BadInput(what, file=str(path), row=i, field="commitment")
            quarter = (rec["quarter"] or "").strip()
            if not quarter:
                raise BadInput("the quarter is missing (e.g. 2026/27 Q2)", file=str(path), row=i, field="quarter")
            out[(cid, quarter)] = Commentary(cid, quarter, (rec["text"] or "").strip(), (rec["who"] or "").strip())
    return out


def shown_commentary(found: Commentary | None, public: bool) -> tuple[str, str | None, bool]:
    """(text, style, is sample) as a report prints an update: sample text never in public."""
    if found is not None and found.is_sample and public:
        found = None  # invented demo text is never published
    if found is None:
        return ("No update this quarter." if public else "No commentary supplied for this quarter."), "muted", False
    return found.text, None, found.is_sample


def plan_commentary(plan: Plan, path: str | Path | None = None) -> dict[tuple[str, str], Commentary]:
    """The commentary a report uses: the file given, else the plan's own, else none."""
    path = path or plan.commentary
    return load_commentary(path, plan) if path else {}
