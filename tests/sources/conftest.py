"""Real public files (../shared/data/real) and small hand-made files in the real layouts."""

from __future__ import annotations

import csv
import gzip
import os
from functools import cache
from pathlib import Path

import pytest


def _real_data() -> Path:
    """The real files: $CRIMEPLAN_REAL_DATA, else shared/ beside the checkout (as CI lays it out)."""
    if os.environ.get("CRIMEPLAN_REAL_DATA"):
        return Path(os.environ["CRIMEPLAN_REAL_DATA"])
    beside = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "real"
    return beside if beside.exists() else Path("/work/shared/data/real")


REAL = _real_data()
# On CI the real data must be there: a missing copy fails instead of skipping silently.
if os.environ.get("CI") and not (REAL / "README.md").exists():
    raise RuntimeError(f"real public data not found at {REAL} (set CRIMEPLAN_REAL_DATA)")
needs_real = pytest.mark.skipif(not (REAL / "README.md").exists(),
                                reason=f"real public data not found at {REAL}")
STREET_HEADER = ("Crime ID,Month,Reported by,Falls within,Longitude,Latitude,Location,LSOA code,"
                 "LSOA name,Crime type,Last outcome category,Context")
OUTCOMES_HEADER = ("Crime ID,Month,Reported by,Falls within,Longitude,Latitude,Location,"
                   "LSOA code,LSOA name,Outcome type")


def raw_rows(path: Path) -> list[dict[str, str]]:
    """A raw CSV (plain or gzip) read with the csv module alone, independently of crimeplan."""
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", encoding="utf-8", newline="") as fh:  # type: ignore[operator]
        return list(csv.DictReader(fh))


@cache
def essex_import():  # type: ignore[no-untyped-def]
    """The Essex street files through the police.uk importer (once per test process)."""
    from crimeplan.sources import police_uk

    return police_uk.import_files([REAL / "police_uk_street" / "essex"], force="Essex")


@cache
def ons_import():  # type: ignore[no-untyped-def]
    """Every ONS PFA edition through the importer (once per test process)."""
    from crimeplan.sources import ons_pfa

    return ons_pfa.import_files([REAL / "ons_pfa_tables"])


def street_row(cid: str = "", month: str = "2024-01", force: str = "Essex Police",
               lsoa: str = "Basildon 001A", ctype: str = "Burglary",
               outcome: str = "Under investigation", location: str = "On or near High Street") -> str:
    """One street-file line in the exact data.police.uk layout."""
    lsoa_code = "E01021237" if lsoa else ""
    lon, lat = ("0.435433", "51.637743") if lsoa else ("", "")
    return ",".join([cid, month, force, force, lon, lat, location, lsoa_code, lsoa, ctype,
                     outcome, ""])


def write_street(path: Path, rows: list[str], *, crlf: bool = False, gz: bool = False) -> Path:
    """Write a street file (header + rows) with the chosen line ending and compression."""
    nl = "\r\n" if crlf else "\n"
    data = (nl.join([STREET_HEADER, *rows]) + nl).encode("utf-8")
    if gz:
        path = path.with_name(path.name + ".gz")
        path.write_bytes(gzip.compress(data))
    else:
        path.write_bytes(data)
    return path
