"""Bounds on what one input may cost: a memory ceiling, checked before or while reading.

The ceiling (`CRIMEPLAN_MEMORY_LIMIT`, e.g. `4GB`; default half the machine's memory, at most
8 GB) bounds the in-process DuckDB used for validation; text inputs may hold at most a fifth of
it once decompressed (reading, checking and casting a file costs a few times its size), and a
workbook at most `CRIMEPLAN_MAX_CELLS` cells (default 20 million).  A file over a bound is bad
input (exit 2) with a message saying which bound and how to raise it; nothing is read past it.
"""

from __future__ import annotations

import gzip
import os
import re
import zlib
from pathlib import Path

from crimeplan.errors import BadInput

_UNITS = {"": 1, "B": 1, "KB": 1 << 10, "MB": 1 << 20, "GB": 1 << 30, "TB": 1 << 40}
GZIP_MAGIC = b"\x1f\x8b"


def _machine_memory() -> int:
    try:
        return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (ValueError, OSError, AttributeError):  # pragma: no cover - non-POSIX
        return 8 << 30


def memory_limit() -> int:
    """The memory ceiling in bytes."""
    text = os.environ.get("CRIMEPLAN_MEMORY_LIMIT", "").strip().upper().replace(" ", "")
    m = re.fullmatch(r"(\d+(?:\.\d+)?)([KMGT]?B?)", text)
    if m:
        unit = m.group(2) if m.group(2).endswith("B") or not m.group(2) else m.group(2) + "B"
        return max(1 << 20, int(float(m.group(1)) * _UNITS[unit]))
    return min(_machine_memory() // 2, 8 << 30)


def max_text_bytes() -> int:
    """The most bytes of (decompressed) text one input file may hold."""
    return memory_limit() // 5


def max_cells() -> int:
    """The most cells (rows × columns) one worksheet may span."""
    try:
        return int(os.environ.get("CRIMEPLAN_MAX_CELLS", "20000000"))
    except ValueError:
        return 20_000_000


def _too_big(path: Path | str, what: str, limit: int) -> BadInput:
    return BadInput(f"{what} is over the memory ceiling's share for one file ({limit:,} bytes); "
                    "split the file, or raise CRIMEPLAN_MEMORY_LIMIT (now "
                    f"{memory_limit():,} bytes) if the machine has the memory", file=str(path))


def check_text_size(path: Path) -> None:
    """Refuse a text file (plain or gzip) whose decompressed size is over the bound, streaming."""
    limit = max_text_bytes()
    with path.open("rb") as fh:
        magic = fh.read(2)
    if magic != GZIP_MAGIC:
        if path.stat().st_size > limit:
            raise _too_big(path, "the file", limit)
        return
    total = 0
    try:
        with gzip.open(path, "rb") as fh:
            while True:
                block = fh.read(1 << 20)
                if not block:
                    break
                total += len(block)
                if total > limit:
                    raise _too_big(path, "the decompressed file", limit)
    except (OSError, EOFError, zlib.error) as exc:
        raise BadInput(f"the gzip data is damaged or truncated ({exc})", file=str(path)) from None


def read_bounded(path: Path) -> bytes:
    """A file's bytes, gunzipped when gzip, never holding more than the bound."""
    limit = max_text_bytes()
    try:
        with path.open("rb") as fh:
            magic = fh.read(2)
            fh.seek(0)
            if magic != GZIP_MAGIC:
                if path.stat().st_size > limit:
                    raise _too_big(path, "the file", limit)
                return fh.read()
        out = bytearray()
        with gzip.open(path, "rb") as gz:
            while True:
                block = gz.read(1 << 20)
                if not block:
                    break
                out += block
                if len(out) > limit:
                    raise _too_big(path, "the decompressed file", limit)
        return bytes(out)
    except (EOFError, zlib.error, gzip.BadGzipFile) as exc:
        raise BadInput(f"the gzip data is damaged or truncated ({exc})", file=str(path)) from None


def check_parquet_size(path: Path) -> None:
    """Refuse a Parquet file whose uncompressed data is over the bound (from its footer)."""
    import pyarrow.parquet as pq

    try:
        meta = pq.ParquetFile(path).metadata
    except Exception as exc:  # noqa: BLE001 - any unreadable footer is a bad file
        raise BadInput(f"cannot read the Parquet file: {str(exc).splitlines()[0] if str(exc) else exc}",
                       file=str(path)) from None
    size = sum(meta.row_group(i).total_byte_size for i in range(meta.num_row_groups))
    limit = max_text_bytes()
    if size > limit:
        raise _too_big(path, "the Parquet data (uncompressed)", limit)


def check_cells(path: Path | str, sheet: str, rows: int, cols: int) -> None:
    """Refuse a worksheet spanning more cells than the bound."""
    limit = max_cells()
    if rows * cols > limit:
        raise BadInput(f"sheet {sheet!r} spans {rows:,} rows × {cols:,} columns, over the bound of "
                       f"{limit:,} cells (a stray far-away cell?); raise CRIMEPLAN_MAX_CELLS if the "
                       "sheet really is that big", file=str(path))
