"""The results export (CONTRACT.md §3) and the series export, as files."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa

from crimeplan.errors import BadInput

BOOL_COLUMNS = ("significant", "comparable", "suppressed")


def series_table(monthly: pd.DataFrame) -> pa.Table:
    """The series export: months as YYYY-MM; value empty unless the state is `value`."""
    frame = monthly.copy()
    frame["month"] = [m.strftime("%Y-%m") for m in frame["month"]]
    for col in ("numerator", "denominator", "value"):
        frame[col] = frame[col].astype("float64")
    frame["age_months"] = frame["age_months"].astype("Int64")
    return pa.Table.from_pandas(frame, preserve_index=False)


def _text(value: Any) -> Any:
    if isinstance(value, bool):
        return "true" if value else "false"
    return value


def write_results(table: pd.DataFrame, out: Path) -> None:
    """Write the results export as .csv, .parquet or .json."""
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    frame = table.copy()
    suffix = out.suffix.lower()
    if suffix == ".csv":
        for col in BOOL_COLUMNS:
            frame[col] = frame[col].map(
                lambda v: "" if v is None or (isinstance(v, float) and pd.isna(v)) else _text(bool(v)))
        frame.to_csv(out, index=False)
    elif suffix == ".parquet":
        for col in BOOL_COLUMNS:
            frame[col] = frame[col].astype("boolean")
        frame.to_parquet(out, index=False)
    elif suffix == ".json":
        records = json.loads(frame.to_json(orient="records", double_precision=15))
        out.write_text(json.dumps(records, indent=1), encoding="utf-8")
    else:
        raise BadInput("the results file must end in .csv, .parquet or .json", file=str(out))
