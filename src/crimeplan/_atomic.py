"""Write an output file whole or not at all: a temporary file in the same folder, then rename.

A process killed mid-write leaves at most a hidden `.NAME.part-PID…` file, never a truncated
file under the name the user asked for; an unwritable destination is bad input (exit 2).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

from crimeplan.errors import BadInput

PART = ".part-"


@contextmanager
def atomic_output(out: str | Path) -> Iterator[Path]:
    """Yield a temporary path beside `out` (same suffix); on success rename it onto `out`."""
    out = Path(out)
    if out.is_dir():
        raise BadInput("the output path is a directory", file=str(out), field="--out")
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise BadInput(f"cannot create the output folder: {exc.strerror or exc}",
                       file=str(out), field="--out") from None
    if not os.access(out.parent, os.W_OK | os.X_OK):
        raise BadInput("the output folder is not writable", file=str(out), field="--out")
    tmp = out.with_name(f".{out.name}{PART}{os.getpid()}{out.suffix}")
    try:
        yield tmp
        if not tmp.exists():  # a writer that wrote nothing (or elsewhere) is an internal fault
            raise RuntimeError(f"nothing was written to {tmp}")
        os.replace(tmp, out)
    except OSError as exc:
        raise BadInput(f"cannot write the output: {exc.strerror or exc}", file=str(out),
                       field="--out") from None
    finally:
        if tmp.exists():
            with suppress(OSError):
                tmp.unlink()


def write_private(path: Path, data: bytes) -> None:
    """Write bytes to a file only its owner can read (0600), whole or not at all."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}{PART}{os.getpid()}")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.chmod(tmp, 0o600)
        os.replace(tmp, path)
    finally:
        if tmp.exists():
            tmp.unlink()


def check_private_dir(folder: Path, what: str) -> None:
    """Refuse (bad input) a folder that could not be created or written later, before any commit.

    Quarantine and staging folders are written beside the store; finding out after a commit
    that they cannot be would leave a committed snapshot behind an error exit.
    """
    folder = Path(folder)
    if folder.exists():
        if not folder.is_dir():
            raise BadInput(f"the {what} folder beside the store is not a folder; move it away",
                           file=str(folder))
        ok = os.access(folder, os.W_OK | os.X_OK)
    else:
        parent = next((p for p in folder.parents if p.exists()), None)
        ok = parent is not None and parent.is_dir() and os.access(parent, os.W_OK | os.X_OK)
    if not ok:
        raise BadInput(f"the {what} folder beside the store cannot be written; nothing was changed",
                       file=str(folder))
