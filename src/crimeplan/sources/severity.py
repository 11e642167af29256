"""The ONS Crime Severity Score: Σ (offences × severity weight) ÷ resident population.

ONS weights each notifiable offence by the average sentence it draws (in days of custody
equivalent), multiplies each offence count by its weight, adds the products and divides by the
mid-year population: the score is weighted offences per head (E&W 2015/16 = 10.1).  Fraud is
not weighted (recorded by Action Fraud, not by the force).

The shipped weights (`data/css_weights.csv`) are the real ONS weights for 134 offences taken
from the MOPD project's `DEPRECATED-severity_codes.csv` (made around 2020; the ONS data-tool
vintage is not stated, and ONS re-estimates the weights every year).  Combined codes are split
(`1, 4.1/2/10` and `1/4.1/4.10/4.2` → homicide codes 1, 4.1, 4.2, 4.10) and both the severity
code and the original code of each row are keys, so `28A` and `30A` find their weights.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any, Iterable

import pyarrow as pa

from crimeplan.errors import BadInput

VINTAGE = ("ONS Crime Severity Score weights, copy c. 2020 (M-O-P-D/Police-Supply-Demand "
           "DEPRECATED-severity_codes.csv; ONS data-tool vintage unknown)")
FRAUD_CODES = frozenset({"AF", "CIFAS", "FFA UK", "UK FINANCE"})


@dataclass(frozen=True)
class Weights:
    """Severity weight per Home Office offence code, and which set of weights this is."""

    by_code: dict[str, float]
    vintage: str

    def weight(self, code: str | None) -> float | None:
        """The weight of an offence code, or None when the code has none."""
        if code is None:
            return None
        c = str(code).strip().upper()
        return self.by_code.get(c)


@dataclass
class Score:
    """A Crime Severity Score with the sums behind it."""

    weighted: float  # Σ count × weight
    population: float | None
    offences: float  # offences that carried a weight
    unweighted: dict[str, float] = field(default_factory=dict)  # code → offences with no weight
    fraud: float = 0.0  # fraud offences, excluded by definition
    vintage: str = VINTAGE
    missing_months: list[dt.date] = field(default_factory=list)  # window months never supplied

    @property
    def value(self) -> float | None:
        """The score: weighted offences per head; None without a population or with a month missing."""
        if not self.population or self.missing_months:
            return None
        return self.weighted / self.population


def _split(code: str) -> list[str]:
    code = code.strip().upper()
    parts = [code]
    if code == "1, 4.1/2/10":
        parts += ["1", "4.1", "4.2", "4.10"]
    elif "/" in code:
        parts += [p.strip() for p in code.split("/")]
    return parts


@lru_cache(maxsize=1)
def shipped_weights() -> Weights:
    """The weights shipped with crimeplan."""
    text = resources.files("crimeplan.sources").joinpath("data").joinpath("css_weights.csv") \
        .read_text(encoding="utf-8")
    return Weights({r["code"].upper(): float(r["weight"]) for r in csv.DictReader(io.StringIO(text))},
                   VINTAGE)


def load_weights(path: Path | None = None) -> Weights:
    """Weights from a CSV (ONS layout with code_severity/code_original/weight, or code,weight)."""
    if path is None:
        return shipped_weights()
    from crimeplan.sources._read import CsvReader
    from crimeplan.sources._result import QRow

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
            for c in _split(r.get(col, "")):
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


def score_crimes(crimes: pa.Table, population: float | None, weights: Weights | None = None) -> Score:
    """The score of a canonical crimes table (one row per crime, by offence_code)."""
    codes = crimes.column("offence_code").to_pylist()
    counts: dict[str | None, float] = {}
    for c in codes:
        counts[c] = counts.get(c, 0.0) + 1.0
    return score(counts.items(), population, weights)


def score_store(store: Any, end_month: dt.date, snapshot_id: int | None = None,
                weights: Weights | None = None) -> Score:
    """The score of a store's crimes recorded in the 12 months to end_month, per resident.

    The population is the sum of the areas table's populations; a window month the store's
    coverage says was never supplied makes the score not computable (value None).
    """
    from crimeplan.sources._result import months_between

    first = dt.date(end_month.year - 1, end_month.month, 1)
    window = months_between(first, end_month.replace(day=1))[1:]
    crimes = store.arrow("crimes", snapshot_id).select(["recorded_date", "offence_code"])
    counts: dict[str | None, float] = {}
    for d, code in zip(crimes.column("recorded_date").to_pylist(),
                       crimes.column("offence_code").to_pylist()):
        if window[0] <= d.replace(day=1) <= window[-1]:
            counts[code] = counts.get(code, 0.0) + 1.0
    population = None
    if "areas" in store.physical_tables(snapshot_id):
        population = float(sum(p or 0 for p in store.arrow("areas", snapshot_id)
                                .column("population").to_pylist())) or None
    result = score(counts.items(), population, weights)
    supplied = set().union(*store.coverage("crimes", snapshot_id).values()) \
        if hasattr(store, "coverage") else set()
    if supplied:
        result.missing_months = [m for m in window if m not in supplied]
    return result
