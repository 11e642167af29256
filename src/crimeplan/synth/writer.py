"""Write a canonical table to Parquet or CSV, one chunk (e.g. a financial year) at a time."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from .schema import SCHEMAS

FORMATS = ("parquet", "csv")
_TIMESTAMP_FORMAT = "%Y-%m-%dT%H:%M:%S"


def _for_csv(table: pa.Table) -> pa.Table:
    """Render timestamp columns as ISO text with a 'T' separator (dates and booleans already fit)."""
    cols = []
    for field, col in zip(table.schema, table.columns):
        if pa.types.is_timestamp(field.type):
            col = pc.strftime(col, format=_TIMESTAMP_FORMAT)
        cols.append(col)
    return pa.table(cols, names=table.column_names)


def write_table(out_dir: Path, name: str, chunks: Iterable[pa.Table], fmt: str = "parquet",
                stem: str | None = None) -> Path:
    """Write the chunks of table `name` (cast to its canonical schema) to out_dir/<stem or name>.<fmt>."""
    if fmt not in FORMATS:
        raise ValueError(f"fmt must be one of {FORMATS}, got {fmt!r}")
    schema = SCHEMAS[name]
    path = Path(out_dir) / f"{stem or name}.{fmt}"
    writer: pq.ParquetWriter | pacsv.CSVWriter | None = None
    try:
        if fmt == "parquet":
            writer = pq.ParquetWriter(path, schema, compression="zstd")
        else:
            writer = pacsv.CSVWriter(path, _for_csv(schema.empty_table()).schema)
        for chunk in chunks:
            if chunk.column_names != schema.names:
                raise ValueError(f"{name}: columns {chunk.column_names} != {schema.names}")
            chunk = chunk.cast(schema)
            writer.write_table(chunk if fmt == "parquet" else _for_csv(chunk))
    finally:
        if writer is not None:
            writer.close()
    return path
