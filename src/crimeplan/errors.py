"""Errors users see: bad input (exit 2) and a busy store."""

from __future__ import annotations


class BadInput(Exception):
    """Input a user supplied is wrong; the message names file, row and field."""

    def __init__(self, message: str, *, file: str | None = None, row: int | None = None,
                 field: str | None = None, line: int | None = None) -> None:
        self.message = message  # without the file, row and field before it
        self.file = file
        self.row = row
        self.line = line
        self.field = field
        where = []
        if file is not None:
            where.append(f"file {file}")
        if line is not None:
            where.append(f"line {line}")
        if row is not None:
            where.append(f"row {row}")
        if field is not None:
            where.append(f"field {field!r}")
        prefix = (", ".join(where) + ": ") if where else ""
        super().__init__(prefix + message)


class StoreBusy(Exception):
    """Another process holds the store (a load is running)."""
