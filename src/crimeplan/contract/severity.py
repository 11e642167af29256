"""The ONS crime severity weights: the reference data behind the Crime Severity Score.

ONS weights each notifiable offence by the average sentence it draws (in days of custody
equivalent). The shipped weights (`data/css_weights.csv`) are the real ONS weights for 134
offences taken from the MOPD project's `DEPRECATED-severity_codes.csv` (made around 2020; the
ONS data-tool vintage is not stated, and ONS re-estimates the weights every year). Combined codes
are split (`1, 4.1/2/10` and `1/4.1/4.10/4.2` → homicide codes 1, 4.1, 4.2, 4.10) and both the
severity code and the original code of each row are keys, so `28A` and `30A` find their weights.
Fraud is not weighted (recorded by Action Fraud, not by the force).
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

__all__ = ["FRAUD_CODES", "VINTAGE", "Weights", "shipped_weights", "split_code"]

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


def split_code(code: str) -> list[str]:
    """A code and, when it combines several (`1/4.1/4.10/4.2`), each of them."""
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
    text = (resources.files("crimeplan.contract") / "data" / "css_weights.csv").read_text(encoding="utf-8")
    return Weights({r["code"].upper(): float(r["weight"]) for r in csv.DictReader(io.StringIO(text))},
                   VINTAGE)
