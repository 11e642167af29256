"""Arrow schemas of the canonical tables, derived from the contract (CONTRACT.md section 2)."""

from __future__ import annotations

import pyarrow as pa

from crimeplan.contract.schema import TABLES as CONTRACT

ARROW_TYPES: dict[str, pa.DataType] = {
    "str": pa.string(), "int": pa.int64(), "float": pa.float64(), "date": pa.date32(),
    "timestamp": pa.timestamp("s"), "bool": pa.bool_(),
}

SCHEMAS: dict[str, pa.Schema] = {
    name: pa.schema([(c.name, ARROW_TYPES[c.type]) for c in table.columns])
    for name, table in CONTRACT.items()
}

TABLES: tuple[str, ...] = tuple(SCHEMAS)
