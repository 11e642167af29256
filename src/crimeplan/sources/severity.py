"""The Crime Severity Score of counted offences: Σ (offences × severity weight) ÷ resident population.

The score is weighted offences per head (E&W 2015/16 = 10.1); the weights themselves are
reference data in `crimeplan.contract.severity`. The Home Office importer scores each force's
counted offences here; a store's own crimes are scored by the engine (measure kind
`severity_score`), never here.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from crimeplan.contract.severity import FRAUD_CODES, VINTAGE, Weights, shipped_weights, split_code
from crimeplan.errors import BadInput
from crimeplan.sources._read import CsvReader
from crimeplan.sources._result import QRow

__all__ = ["FRAUD_CODES", "VINTAGE", "Score", "Weights", "load_weights", "score", "shipped_weights"]


@dataclass
class Score:
    """A Crime Severity Score with the sums behind it."""

    weighted: float  # Σ count × weight
    population: float | None
    offences: float  # offences that carried a weight
    unweighted: dict[str, float] = field(default_factory=dict)  # code → offences with no weight
    fraud: float = 0.0  # fraud offences, excluded by definition
    vintage: str = VINTAGE

    @property
    def value(self) -> float | None:
        """The score: weighted offences per head; None without a population."""
        if not self.population:
            return None
        return self.weighted / self.population


def load_weights(path: Path | None = None) -> Weights:
    """Weights from a CSV (ONS layout with code_severity/code_original/weight, or code,weight)."""
    if path is None:
        return shipped_weights()
    reader = CsvReader(Path(path), ["weight"], ["code", "code_severity", "code_original"])
    if not {"code", "code_severity", "code_original"} & set(reader.index):
        raise BadInput("the weights file needs a code (or code_severity) column",
                       file=str(path), row=0, field="code")
    out: dict[str, float] = {}
    q: list[QRow] = []
    for row, r in reader.records(q):
        try:
            w = float(r["weight"])
        except ValueError:
            raise BadInput("not a number", file=str(path), row=row, field="weight") from None
        for col in ("code", "code_original", "code_severity"):
            for c in split_code(r.get(col, "")):
                if c:
                    out.setdefault(c, w)
    if q:
        raise BadInput(q[0].reason, file=str(path), row=q[0].row, field=q[0].field)
    return Weights(out, f"weights from {path}")


def score(counts: Iterable[tuple[str | None, float]], population: float | None,
          weights: Weights | None = None) -> Score:
    """The score of (offence code, count) pairs for an area with the given population."""
    w = weights or shipped_weights()
    total = offences = fraud = 0.0
    missing: dict[str, float] = {}
    for code, n in counts:
        c = (code or "").strip().upper()
        if c in FRAUD_CODES:
            fraud += n
            continue
        wt = w.weight(c)
        if wt is None:
            missing[c or "(no code)"] = missing.get(c or "(no code)", 0.0) + n
            continue
        total += n * wt
        offences += n
    return Score(total, population, offences, missing, fraud, w.vintage)
