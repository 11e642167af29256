"""Where the real public data is, for the examples: one setting, `--data DIR` or CRIMEPLAN_REAL_DATA.

The folder is the shared `data/real` (police_uk_street/, ons_pfa_tables/, home_office_prc/, …).
Without either setting it is `../shared/data/real` beside the checkout, when that exists.
"""

from __future__ import annotations

import argparse
import os
from pathlib import Path

from crimeplan.errors import BadInput

ENV = "CRIMEPLAN_REAL_DATA"


def default_data(checkout: Path) -> Path | None:
    """$CRIMEPLAN_REAL_DATA, else shared/data/real beside the checkout when it exists, else None."""
    if os.environ.get(ENV):
        return Path(os.environ[ENV])
    beside = checkout.resolve().parent / "shared" / "data" / "real"
    return beside if beside.exists() else None


def add_data_option(parser: argparse.ArgumentParser, checkout: Path) -> None:
    """Add the one --data option, defaulting as default_data says."""
    parser.add_argument("--data", type=Path, default=default_data(checkout),
                        help=f"the real data folder (data/real); default ${ENV}, "
                             "else ../shared/data/real beside the checkout")


def real_folder(data: Path | None, *parts: str) -> Path:
    """data/parts… when it is there, else BadInput in one line saying what is missing and how to set it."""
    how = f"pass --data DIR or set {ENV} to the real data folder (the one holding police_uk_street/)"
    if data is None:
        raise BadInput(f"the real data folder was not found beside the checkout (../shared/data/real); {how}")
    folder = Path(data).joinpath(*parts)
    if not folder.exists():
        raise BadInput(f"no such file or folder: the real data is not there; {how}", file=str(folder))
    return folder
