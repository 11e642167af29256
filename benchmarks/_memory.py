"""The peak memory a benchmark's child reports: its own, not what it inherited from the parent."""

from __future__ import annotations

import resource
from pathlib import Path


def own_peak_mb() -> float:
    """This process's own peak resident memory in MB (VmHWM). Not getrusage's ru_maxrss: Linux
    carries that across fork and exec, so a child would report this benchmark's size when it was
    started (after generating scale 10 in-process, 2.3 GB for a child that used far less)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
