"""Fast identifier strings and repeat-person linking (vectorised, no per-row Python)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc


def id_width(count: int, minimum: int) -> int:
    """Digits needed to number `count` items, at least `minimum`."""
    return max(minimum, len(str(max(int(count), 1))))


def format_ids(
    prefix: str, numbers: np.ndarray, width: int, valid: np.ndarray | None = None
) -> pa.Array:
    """Arrow strings prefix + zero-padded number (e.g. C00000042); null where valid is False."""
    nums = np.asarray(numbers, dtype=np.uint64)
    n = len(nums)
    pre = np.frombuffer(prefix.encode("ascii"), dtype=np.uint8)
    rec = len(pre) + width
    buf = np.empty((n, rec), dtype=np.uint8)
    buf[:, : len(pre)] = pre
    rest = nums.copy()
    for k in range(width - 1, -1, -1):  # one pass per digit position
        rest, digit = np.divmod(rest, np.uint64(10))
        buf[:, len(pre) + k] = digit.astype(np.uint8) + 48
    offsets = np.arange(0, (n + 1) * rec, rec, dtype=np.int32)
    arr = pa.StringArray.from_buffers(n, pa.py_buffer(offsets), pa.py_buffer(buf.ravel()))
    if valid is not None:
        arr = pc.if_else(pa.array(np.asarray(valid, dtype=bool)), arr, pa.scalar(None, pa.string()))
    return arr


def labels(names: Sequence[str], index: np.ndarray, valid: np.ndarray | None = None) -> pa.Array:
    """Arrow strings names[index]; null where valid is False."""
    idx = pa.array(np.asarray(index, dtype=np.int32))
    if valid is not None:
        idx = pc.if_else(pa.array(np.asarray(valid, dtype=bool)), idx, pa.scalar(None, pa.int32()))
    return pa.array(list(names), type=pa.string()).take(idx)


def link_repeats(
    rng: np.random.Generator,
    day: np.ndarray,
    repeat: np.ndarray,
    pool: np.ndarray,
    parent: np.ndarray,
    window: int = 365,
) -> None:
    """For rows flagged `repeat`, point parent at a random earlier `pool` row within `window` days.

    Rows must be in day order. Rows with no candidate keep their own index.
    """
    cand = np.flatnonzero(pool)
    if cand.size == 0:
        return
    cand_day = day[cand]
    rows = np.flatnonzero(repeat)
    lo = np.searchsorted(cand_day, day[rows] - window, side="left")
    hi = np.searchsorted(cand_day, day[rows], side="left")
    ok = hi > lo
    rows, lo, hi = rows[ok], lo[ok], hi[ok]
    pick = lo + np.floor(rng.random(rows.size) * (hi - lo)).astype(np.int64)
    parent[rows] = cand[np.minimum(pick, hi - 1)]


def find_roots(parent: np.ndarray) -> np.ndarray:
    """Follow parent pointers (which always point to earlier rows) to the first row of each chain."""
    root = parent.copy()
    while True:  # pointer jumping: O(log chain length) passes
        nxt = root[root]
        if np.array_equal(nxt, root):
            return root
        root = nxt


def number_people(root: np.ndarray, members: np.ndarray) -> np.ndarray:
    """Person number (1-based, by first appearance) of each member row; 0 for non-members."""
    out = np.zeros(len(root), dtype=np.int64)
    _, inverse = np.unique(root[members], return_inverse=True)
    out[members] = inverse + 1
    return out
